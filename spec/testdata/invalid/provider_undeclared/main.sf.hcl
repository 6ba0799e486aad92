provider "placeholder" {}

image "hero" {
  provider = seedream.relay # ERROR: Reference to undeclared provider
  prompt   = "x"
}
