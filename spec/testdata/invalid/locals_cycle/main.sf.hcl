provider "placeholder" {}

locals {
  a = "${local.b}!" # ERROR: Cycle in local values
  b = "${local.a}?"
  c = local.c       # ERROR: Self-referencing local value
}
