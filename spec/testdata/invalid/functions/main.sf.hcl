provider "placeholder" {}

image "a" {
  prompt = uper("x") # ERROR: Call to unknown function
}
image "b" {
  prompt = file("missing.txt") # ERROR: Invalid function argument
}
