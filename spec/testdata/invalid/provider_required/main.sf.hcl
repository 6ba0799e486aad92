provider "seedream" {
  alias = "a"
}
provider "seedream" {
  alias = "b"
}
image "hero" { # ERROR: Provider required
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
}
