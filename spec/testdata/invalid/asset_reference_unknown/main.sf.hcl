provider "placeholder" {}

image "hero" {
  prompt = "x"
}
image "poster" {
  prompt     = "y"
  references = [image.heor.file] # ERROR: Reference to undeclared asset
  depends_on = [image_set.board] # ERROR: Reference to undeclared asset
}
image "quoted" {
  prompt     = "y"
  depends_on = ["image.hero"] # ERROR: Invalid depends_on reference
}
image "instance" {
  prompt     = "y"
  depends_on = [image.hero[0]] # ERROR: Reference to undeclared asset instance
}
image "by_key" {
  prompt     = "y"
  depends_on = [image["nope"]] # ERROR: Reference to undeclared asset
}
