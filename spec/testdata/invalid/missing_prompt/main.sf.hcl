provider "placeholder" {}

image "hero" { # ERROR: Missing required argument
  size = "64x64"
}
