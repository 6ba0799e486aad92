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
  model  = "doubao-seedream-4-0" # WARNING: Model not served by the vendor
  prompt = "x"
  size   = "1K"
}

provider "seedream" {
  alias    = "eu"
  base_url = "https://ark.eu-west.bytepluses.com/api/v3"
}
provider "seedream" {
  alias    = "relay"
  base_url = "https://relay.example.com/v1"
}
image "eu_lite" {
  provider = seedream.eu
  model    = "seedream-5-0-260128"
  prompt   = "x"
}
image "eu_45" {
  provider = seedream.eu
  model    = "seedream-4-5-251128" # WARNING: Model not served by the vendor
  prompt   = "x"
}
image "relay_short_retired" {
  provider = seedream.relay
  model    = "doubao-seedream-3-0"
  prompt   = "x"
}
