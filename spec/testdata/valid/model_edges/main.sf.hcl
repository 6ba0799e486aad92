# The edge values each model accepts: every limit of the model rules
# table, exactly at the limit.
provider "seedream" {}

locals {
  refs14 = [for i in range(14) : "https://example.com/ref${i}.png"]
}

image "ratio_wide" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "7680x480"
}
image "ratio_tall" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "480x7680"
}
image "area_30_max" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  size   = "2048x2048"
}
image "area_30_min" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  size   = "512x512"
}
image "area_40_min" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "1280x720"
}
image "area_45_max" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "4096x4096"
}
image "area_45_min" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "2560x1440"
}
image "area_50_max" {
  model  = "doubao-seedream-5-0-260128"
  prompt = "x"
  size   = "4096x4096"
}
image "preset_1k_40" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "x"
  size   = "1K"
}
image "preset_3k_50" {
  model  = "doubao-seedream-5-0-260128"
  prompt = "x"
  size   = "3K"
}
image "refs_40" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "x"
  references = local.refs14
}
image "refs_45" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = local.refs14
}
image "refs_50" {
  model      = "doubao-seedream-5-0-260128"
  prompt     = "x"
  references = local.refs14
}
image_set "max_images" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "x"
  max_images = 15
}
image_set "refs_plus_images" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = local.refs14
  max_images = 1
}
image "seed_low" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  seed   = -1
}
image "seed_high" {
  model  = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt = "x"
  seed   = 2147483647
}
image "guidance_min" {
  model          = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt         = "x"
  guidance_scale = 1
}
image "guidance_max" {
  model          = "doubao-seededit-3-0-i2i-250628" # WARNING: Model not served by the vendor
  prompt         = "x"
  size           = "adaptive"
  references     = ["https://example.com/photo.png"]
  guidance_scale = 10
}
image "png_50" {
  model         = "doubao-seedream-5-0-260128"
  prompt        = "x"
  output_format = "png"
}
image "jpeg_50" {
  model         = "doubao-seedream-5-0-260128"
  prompt        = "x"
  output_format = "jpeg"
}
image "fast_40" {
  model           = "doubao-seedream-4-0-250828"
  prompt          = "x"
  optimize_prompt = "fast"
}
image "standard_45" {
  model           = "doubao-seedream-4-5-251128"
  prompt          = "x"
  optimize_prompt = "standard"
}

# 5.0 Pro at its limits, 5.0 Lite by every id, web search and thinking.
locals {
  refs10 = [for i in range(10) : "https://example.com/ref${i}.png"]
}
image "pro_area_max" {
  model      = "doubao-seedream-5-0-pro-260628"
  prompt     = "x"
  size       = "2150x2150"
  references = local.refs10
  path       = "pro_area_max.png"
}
image "pro_area_min_wide" {
  model  = "dola-seedream-5-0-pro-260628"
  prompt = "x"
  size   = "3840x240"
}
image "pro_preset" {
  model           = "doubao-seedream-5-0-pro-260628"
  prompt          = "x"
  size            = "1.5K"
  optimize_prompt = "standard"
  thinking        = "disabled"
}
image "lite_alias" {
  model      = "doubao-seedream-5-0-lite-260128"
  prompt     = "x"
  size       = "3K"
  web_search = true
  thinking   = "auto"
}
image "lite_byteplus" {
  model         = "seedream-5-0-lite-260128"
  prompt        = "x"
  output_format = "png"
}
image "byteplus_40" {
  model           = "seedream-4-0-250828"
  prompt          = "x"
  size            = "1K"
  optimize_prompt = "fast"
  thinking        = "enabled"
}
image "byteplus_45_dated" {
  model  = "seedream-4-5-20260415"
  prompt = "x"
}
