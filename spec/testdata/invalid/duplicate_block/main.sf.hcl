provider "placeholder" {}

image "hero" {
  prompt = "x"
}
image "hero" { # ERROR: Duplicate image block
  prompt = "y"
}
