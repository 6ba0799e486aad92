provider "placeholder" {}

image "hero" {
  prompt = "x"
}
image "poster" {
  prompt     = "y"
  references = [image.heor.file] # ERROR: Reference to undeclared asset
  depends_on = [image_set.board] # ERROR: Reference to undeclared asset
}
