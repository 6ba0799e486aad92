provider "seedream" {}
image "endpoint" {
  model  = "ep-20250101-abc" # WARNING: Unknown model
  prompt = "x"
}
image "endpoint_with_family" {
  model        = "ep-20250101-abc"
  model_family = "seedream-5.0"
  prompt       = "x"
  path         = "family.png"
}
image "relay_alias" {
  model  = "doubao-seedream-4-0"
  prompt = "x"
  size   = "1K"
}
