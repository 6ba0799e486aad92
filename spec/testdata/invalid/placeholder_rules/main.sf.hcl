provider "placeholder" {}

image "big" {
  prompt = "x"
  size   = "9000x100" # ERROR: Invalid size
}
image "word" {
  prompt = "x"
  size   = "2K" # ERROR: Invalid size
}
image "empty" {
  prompt = "  " # ERROR: Empty prompt
}
image_set "many" {
  prompt     = "x"
  max_images = 16 # ERROR: Invalid max_images
}
image_set "none" { # ERROR: Missing required argument
  prompt = "x"
}
