# Two reference images (refs/girl.png and refs/cow.png) guide a set of three
# images made in one request by Seedream 4.0. Each reference is hashed by
# content: editing one regenerates the set on the next apply.
seedform {
  output_dir = "assets"
}

provider "seedream" {}

image_set "ride" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "Generate 3 images of a girl and a cow plush toy happily riding a roller coaster in an amusement park, covering morning, noon, and night"
  references = ["refs/girl.png", "refs/cow.png"]
  size       = "2K"
  max_images = 3
  watermark  = false
  dir        = "ride"
}
