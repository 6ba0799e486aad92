# Each local uses one declared after it: they must be evaluated in
# dependency order (c, b, a), not in the order written or by name.
provider "placeholder" {}

locals {
  a = "${local.b}-a"
  b = "${local.c}-b"
  c = "V"
}

image "x" {
  prompt = local.a
}
