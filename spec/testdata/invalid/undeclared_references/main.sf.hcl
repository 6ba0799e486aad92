provider "placeholder" {}

variable "style" {
  default = "ink"
}
locals {
  a = local.b # ERROR: Reference to undeclared local value
}
image "hero" {
  prompt = "x ${var.stlye}" # ERROR: Reference to undeclared input variable
}
