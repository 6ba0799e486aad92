seedform {
  output_dir = "out"
  manifest   = "manifest.json"
}

provider "seedream" {}

provider "seedream" {
  alias             = "relay"
  base_url          = "https://relay.example.com/v1"
  api_key_env       = "RELAY_KEY"
  parallelism       = 2
  images_per_minute = 60
  max_retries       = 1
  response_format   = "b64_json"
  max_image_bytes   = 1048576
  timeout           = 120
}

provider "placeholder" {
  alias       = "draft"
  parallelism = 3
}

locals {
  seasons = { spring = "blossom", winter = "snow" }
  style   = templatefile("style.tmpl", { mood = "calm" })
}

image "hero" {
  model          = "doubao-seedream-3-0-t2i-250415" # WARNING: Model not served by the vendor
  prompt         = "A lighthouse, ${local.style}"
  size           = "1024x768"
  seed           = 7
  guidance_scale = 3.5
  watermark      = false
  path           = "hero.jpg"
  meta           = { b = 1, a = ["x"] }
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [prompt, size]
  }
}

image "season" {
  for_each   = local.seasons
  provider   = seedream.relay
  model      = "doubao-seedream-4-0-250828"
  prompt     = "The courtyard in ${each.key}, with ${each.value}"
  size       = "2K"
  stream     = true
  references = [image.hero.file, "refs/courtyard.png", "https://example.com/a.png"]
}

image "tile" {
  count    = 2
  provider = placeholder.draft
  prompt   = format("tile %d of %s", count.index, upper(file("name.txt")))
  size     = "64x64"
  path     = "tiles/${count.index}.png"
}

image_set "board" {
  model           = "doubao-seedream-5-0-260128"
  prompt          = "Four panels"
  max_images      = 4
  output_format   = "png"
  optimize_prompt = "standard"
  references      = [image.season["spring"].file, filesha256("refs/courtyard.png") != "" ? "refs/courtyard.png" : ""]
  depends_on      = [image.tile[1]]
}

image "cover" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "A cover from the board"
  references = [image_set.board.files]
  meta       = { board = image_set.board.dir }
}

moved {
  from = image.old_hero
  to   = image.hero
}

moved {
  from = image.old_season["spring"]
  to   = image.season["spring"]
}

moved {
  from = image.old_tile[0]
  to   = image.tile[0]
}
