provider "seedream" {}
image "hero" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  path   = "hero.png" # ERROR: Output format mismatch
}
image "five" {
  model         = "doubao-seedream-5-0-260128"
  prompt        = "x"
  output_format = "png"
  path          = "five.jpg" # ERROR: Output format mismatch
}
image "webp" {
  model  = "doubao-seedream-5-0-260128"
  prompt = "x"
  path   = "five.webp" # ERROR: Output format mismatch
}
image "jpg" {
  model         = "doubao-seedream-5-0-260128"
  prompt        = "x"
  output_format = "jpg" # ERROR: Invalid output_format
}
