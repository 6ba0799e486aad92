provider "seedream" {}
image "size" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "1K" # ERROR: Invalid size for seedream-4.5
}
image "seed" {
  model  = "doubao-seedream-4-5" # WARNING: Model not served by the vendor
  prompt = "x"
  seed   = 42 # ERROR: Invalid seed for seedream-4.5
}
image "guidance" {
  model          = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
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
  model  = "doubao-seededit-3-0-i2i-250628" # WARNING: Model not served by the vendor
  prompt = "x"
  size   = "adaptive"
}
image_set "t2i" {
  model      = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt     = "x"
  max_images = 2 # ERROR: Invalid max_images for seedream-3.0
}

locals {
  refs14 = [for i in range(14) : "https://example.com/ref${i}.png"]
  refs15 = [for i in range(15) : "https://example.com/ref${i}.png"]
}

image "wide" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "8000x480" # ERROR: Invalid size for seedream-4.0
}
image "tall" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "480x8000" # ERROR: Invalid size for seedream-4.0
}
image "area_30_over" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  size   = "2048x2049" # ERROR: Invalid size for seedream-3.0
}
image "area_30_under" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  size   = "512x511" # ERROR: Invalid size for seedream-3.0
}
image "area_40_under" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "1280x719" # ERROR: Invalid size for seedream-4.0
}
image "area_45_over" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "4097x4096" # ERROR: Invalid size for seedream-4.5
}
image "area_50_under" {
  model  = "doubao-seedream-5-0-260128"
  prompt = "x"
  size   = "2560x1439" # ERROR: Invalid size for seedream-5.0
}
image "preset_3k_40" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "3K" # ERROR: Invalid size for seedream-4.0
}
image "preset_3k_45" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "3K" # ERROR: Invalid size for seedream-4.5
}
image "preset_1k_50" {
  model  = "doubao-seedream-5-0-260128"
  prompt = "x"
  size   = "1K" # ERROR: Invalid size for seedream-5.0
}
image "refs_40" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "x"
  references = local.refs15 # ERROR: Invalid references for seedream-4.0
}
image "refs_45" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = local.refs15 # ERROR: Invalid references for seedream-4.5
}
image "refs_50" {
  model      = "doubao-seedream-5-0-260128"
  prompt     = "x"
  references = local.refs15 # ERROR: Invalid references for seedream-5.0
}
image_set "max_images_40" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "x"
  max_images = 16 # ERROR: Invalid max_images for seedream-4.0
}
image_set "max_images_50" {
  model      = "doubao-seedream-5-0-260128"
  prompt     = "x"
  max_images = 16 # ERROR: Invalid max_images for seedream-5.0
}
image_set "refs_plus_images" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = local.refs14
  max_images = 2 # ERROR: Invalid max_images for seedream-4.5
}
image "seed_low" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  seed   = -2 # ERROR: Invalid seed for seedream-3.0
}
image "seed_high" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  seed   = 2147483648 # ERROR: Invalid seed for seedream-3.0
}
image "seed_40" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  seed   = 1 # ERROR: Invalid seed for seedream-4.0
}
image "guidance_low" {
  model          = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt         = "x"
  guidance_scale = 0.99 # ERROR: Invalid guidance_scale for seedream-3.0
}
image "guidance_edit" {
  model          = "doubao-seededit-3-0-i2i-250628" # WARNING: Model not served by the vendor
  prompt         = "x"
  size           = "adaptive"
  references     = ["https://example.com/photo.png"]
  guidance_scale = 10.01 # ERROR: Invalid guidance_scale for seededit-3.0
}
image "guidance_40" {
  model          = "doubao-seedream-4-0-250828"
  prompt         = "x"
  guidance_scale = 5 # ERROR: Invalid guidance_scale for seedream-4.0
}
image "webp_50" {
  model         = "doubao-seedream-5-0-260128"
  prompt        = "x"
  output_format = "webp" # ERROR: Invalid output_format for seedream-5.0
}
image "optimize_mode" {
  model           = "doubao-seedream-4-0-250828"
  prompt          = "x"
  optimize_prompt = "turbo" # ERROR: Invalid optimize_prompt for seedream-4.0
}

locals {
  refs11 = [for i in range(11) : "https://example.com/ref${i}.png"]
}
image "fast_50" {
  model           = "doubao-seedream-5-0-260128"
  prompt          = "x"
  optimize_prompt = "fast" # ERROR: Invalid optimize_prompt for seedream-5.0
}
image "fast_50_pro" {
  model           = "doubao-seedream-5-0-pro-260628"
  prompt          = "x"
  optimize_prompt = "fast" # ERROR: Invalid optimize_prompt for seedream-5.0-pro
}
image "web_search_45" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  web_search = true # ERROR: Invalid web_search for seedream-4.5
}
image "web_search_pro" {
  model      = "dola-seedream-5-0-pro-260628"
  prompt     = "x"
  web_search = true # ERROR: Invalid web_search for seedream-5.0-pro
}
image "thinking_value" {
  model    = "doubao-seedream-5-0-260128"
  prompt   = "x"
  thinking = "deep" # ERROR: Invalid thinking for seedream-5.0
}
image "thinking_30" {
  model    = "seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt   = "x"
  thinking = "auto" # ERROR: Invalid thinking for seedream-3.0
}
image "pro_refs" {
  model      = "doubao-seedream-5-0-pro-260628"
  prompt     = "x"
  references = local.refs11 # ERROR: Invalid references for seedream-5.0-pro
}
image "pro_4k" {
  model  = "doubao-seedream-5-0-pro-260628"
  prompt = "x"
  size   = "4K" # ERROR: Invalid size for seedream-5.0-pro
}
image "pro_area_over" {
  model  = "doubao-seedream-5-0-pro-260628"
  prompt = "x"
  size   = "2151x2150" # ERROR: Invalid size for seedream-5.0-pro
}
image "pro_area_under" {
  model  = "doubao-seedream-5-0-pro-260628"
  prompt = "x"
  size   = "1280x719" # ERROR: Invalid size for seedream-5.0-pro
}
image "pro_stream" {
  model  = "doubao-seedream-5-0-pro-260628"
  prompt = "x"
  stream = true # ERROR: Invalid stream for seedream-5.0-pro
}
image_set "pro_set" {
  model      = "doubao-seedream-5-0-pro-260628"
  prompt     = "x"
  max_images = 2 # ERROR: Invalid max_images for seedream-5.0-pro
}
image "lite_3k_ok_but_1_5k" {
  model  = "seedream-5-0-260128"
  prompt = "x"
  size   = "1.5K" # ERROR: Invalid size for seedream-5.0
}
