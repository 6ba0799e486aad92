provider "placeholder" {}

image "neg" {
  count  = -1 # ERROR: Invalid count argument
  prompt = "x"
}
image "frac" {
  count  = 1.5 # ERROR: Invalid count argument
  prompt = "x"
}
