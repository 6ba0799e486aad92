# One repository, two image APIs: a Seedream hero image, an OpenAI
# gpt-image-1 edit that uses it as a reference, and a Seedream set that
# takes the OpenAI image in turn. Each provider reads its own key at apply
# time (ARK_API_KEY, OPENAI_API_KEY); `seedform plan` needs neither.
seedform {
  output_dir = "assets"
}

provider "seedream" {}

provider "openai" {
  parallelism = 2
}

image "hero" {
  model     = "doubao-seedream-4-5-251128"
  prompt    = "A lighthouse at dawn, soft watercolor"
  size      = "2K"
  watermark = false
  path      = "hero.jpeg"
}

image "poster" {
  provider      = openai
  model         = "gpt-image-1"
  prompt        = "Turn this lighthouse into a travel poster with the girl in the foreground"
  size          = "1024x1536"
  quality       = "high"
  background    = "opaque"
  output_format = "png"
  references    = [image.hero.file, "refs/girl.png"]
  path          = "poster.png"
}

image_set "postcards" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "Three postcards in the style of this poster"
  size       = "1K"
  max_images = 3
  references = [image.poster.file]
  dir        = "postcards"
}
