provider "placeholder" {}
locals {
  t = "Hi $${name}"
}
