# References by index (image["hero"]) and to a kind as a whole (image)
# are dependencies like image.hero: on the block named, or on every
# instance of every block of that kind.
provider "placeholder" {}

image "hero" {
  prompt = "hero"
}
image "tile" {
  count  = 2
  prompt = "tile ${count.index}"
}
image_set "board" {
  prompt     = "board"
  max_images = 2
  references = [image["hero"].file]
  meta       = { images = length(image), tiles = length(image.tile) }
}
image_set "album" {
  prompt     = "album"
  max_images = 3
  depends_on = [image_set["board"]]
}
