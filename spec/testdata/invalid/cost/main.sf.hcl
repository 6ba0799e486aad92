seedform {
  max_cost = "about ten" # ERROR: Invalid max_cost
}

provider "seedream" {
  price_per_image = -0.04 # ERROR: Invalid price_per_image
}

provider "seedream" {
  alias           = "relay"
  price_per_image = 0.0000000001 # ERROR: Invalid price_per_image
}

provider "seedream" {
  alias           = "cny"
  price_per_image = 0.25
  currency        = "yuan" # ERROR: Invalid currency
}

provider "seedream" {
  alias    = "nocost"
  currency = "USD" # ERROR: Missing price_per_image
}

provider "placeholder" {
  price_per_image = true # ERROR: Invalid price_per_image
}
