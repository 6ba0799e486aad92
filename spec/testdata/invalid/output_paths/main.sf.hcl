provider "placeholder" {}

image "up" {
  prompt = "x"
  path   = "../up.png" # ERROR: Invalid output path
}
image "abs" {
  prompt = "x"
  path   = "/tmp/abs.png" # ERROR: Invalid output path
}
image "backslash" {
  prompt = "x"
  path   = "a\\b.png" # ERROR: Invalid output path
}
image "key" {
  for_each = toset(["../x", "ok"])
  prompt   = each.key
  path     = "${each.key}.png" # ERROR: Invalid output path
}
image "default" {
  for_each = toset(["../../b"]) # ERROR: Invalid output path
  prompt   = each.key
}
