provider "seedream" {}
image "size" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "1K" # ERROR: Invalid size for seedream-4.5
}
image "seed" {
  model  = "doubao-seedream-4-5"
  prompt = "x"
  seed   = 42 # ERROR: Invalid seed for seedream-4.5
}
image "guidance" {
  model          = "doubao-seedream-3-0-t2i-250415"
  prompt         = "x"
  guidance_scale = 11  # ERROR: Invalid guidance_scale for seedream-3.0
  stream         = true # ERROR: Invalid stream for seedream-3.0
}
image "format" {
  model         = "doubao-seedream-4-0-250828"
  prompt        = "x"
  output_format = "png" # ERROR: Invalid output_format for seedream-4.0
}
image "optimize" {
  model           = "doubao-seedream-4-5-251128"
  prompt          = "x"
  optimize_prompt = "fast" # ERROR: Invalid optimize_prompt for seedream-4.5
}
image "edit" { # ERROR: Invalid references for seededit-3.0
  model  = "doubao-seededit-3-0-i2i-250628"
  prompt = "x"
  size   = "adaptive"
}
image_set "t2i" {
  model      = "doubao-seedream-3-0-t2i-250415"
  prompt     = "x"
  max_images = 2 # ERROR: Invalid max_images for seedream-3.0
}
