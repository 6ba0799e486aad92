provider "seedream" {}
image "a" {
  model        = "ep-20250101-abc"
  model_family = "seedream-4.6" # ERROR: Unknown model family
  prompt       = "x"
}
image "b" {
  model        = "doubao-seedream-4-0-250828"
  model_family = "seedream-4.5" # ERROR: Conflicting model_family
  prompt       = "x"
}
image "c" {
  model        = "ep-20250101-abc"
  model_family = "seedream-4.5"
  prompt       = "x"
  seed         = 1 # ERROR: Invalid seed for seedream-4.5
}
image "d" { # ERROR: Missing model
  prompt = "x"
}
