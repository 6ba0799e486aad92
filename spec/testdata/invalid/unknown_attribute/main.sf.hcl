provider "placeholder" {}

image "hero" {
  prompt = "x"
  szie   = "64x64" # ERROR: Unsupported argument
}
