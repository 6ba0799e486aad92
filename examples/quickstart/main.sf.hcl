# The quickstart runs offline: the placeholder provider draws each image
# (its prompt written on it) instead of calling an API.
seedform {
  output_dir = "assets"
}

provider "placeholder" {}

variable "style" {
  type        = string
  default     = "flat pastel illustration"
  description = "The look shared by every image."
}

locals {
  seasons = ["spring", "summer", "autumn", "winter"]
}

image "hero" {
  prompt = "A lighthouse at dawn, ${var.style}"
  size   = "1280x720"
  path   = "hero.png"
  meta = {
    alt = "A lighthouse at dawn"
  }
}

image "season" {
  for_each = toset(local.seasons)
  prompt   = "The same courtyard corner in ${each.key}, ${var.style}"
  size     = "512x512"
  path     = "seasons/${each.key}.png"
}

image_set "storyboard" {
  prompt     = "Three panels of a lighthouse keeper's day: morning, noon, night, ${var.style}"
  size       = "640x480"
  max_images = 3
  dir        = "storyboard"
}

image "poster" {
  prompt     = "A poster built around the lighthouse, ${var.style}"
  size       = "600x900"
  references = [image.hero.file]
  path       = "poster.jpeg"
}
