seedform {}
provider "placeholder" {}
