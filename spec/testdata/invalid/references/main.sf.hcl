provider "placeholder" {}

image "hero" {
  prompt = "x"
}
image "missing" {
  prompt     = "x"
  references = ["refs/nope.png"] # ERROR: Reference file not found
}
image "by_path" {
  prompt     = "x"
  references = ["hero.jpeg"] # ERROR: Reference to an output by path
}
image "derived" {
  prompt     = "x"
  references = [upper(image.hero.file)] # ERROR: Invalid asset reference
}
image "number" {
  prompt     = "x"
  references = [1, true] # ERROR: Invalid references
}
image "dir" {
  prompt     = "x"
  references = ["refs"] # ERROR: Invalid reference file
}
