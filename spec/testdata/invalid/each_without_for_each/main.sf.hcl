provider "placeholder" {}

image "hero" {
  prompt = each.key # ERROR: Reference to "each" in context without for_each
}
image "tile" {
  for_each = toset(["a"])
  prompt   = "${count.index}" # ERROR: Reference to "count" in non-counted context
}
