provider "placeholder" {}

variable "names" {
  type      = set(string)
  default   = ["alpha"]
  sensitive = true
}
image "tile" {
  for_each = var.names # ERROR: Invalid for_each argument
  prompt   = each.key
}
