provider "placeholder" {}

locals {
  hero = image.hero.file # ERROR: Invalid reference
}
image "hero" {
  prompt = "x"
}
