provider "placeholder" {}

image "season" {
  for_each = ["spring", "summer"] # ERROR: Invalid for_each argument
  prompt   = each.key
}
