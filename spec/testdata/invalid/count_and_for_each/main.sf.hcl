provider "placeholder" {}

image "tile" {
  for_each = toset(["a"])
  count    = 2 # ERROR: Invalid combination of "count" and "for_each"
  prompt   = "x"
}
