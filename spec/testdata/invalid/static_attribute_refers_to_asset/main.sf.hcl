provider "placeholder" {}

image "hero" {
  prompt = "x"
}
image "copy" {
  prompt = "y"
  path   = "copy-of-${image.hero.file}" # ERROR: Invalid reference
}
