provider "seedream" {
  alias = "relay"
}
provider "seedream" { # ERROR: Duplicate provider configuration
  alias = "relay"
}
