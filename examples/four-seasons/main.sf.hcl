# Four coherent illustrations of one courtyard corner, one per season, in a
# single request: Seedream 4.5's sequential (multi-image) generation.
# `seedform plan` needs no key; `seedform apply` reads ARK_API_KEY.
seedform {
  output_dir = "assets"
}

provider "seedream" {
  api_key_env = "ARK_API_KEY"
}

image_set "seasons" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "Generate a set of 4 coherent illustrations showing the four seasons of the same courtyard corner"
  size       = "2K"
  max_images = 4 # a ceiling: the model decides how many come back
  watermark  = false
  dir        = "seasons"
  meta = {
    alt = "The same courtyard corner in spring, summer, autumn and winter"
  }
}
