provider "placeholder" {}

image "hero" {
  prompt = "x"
}
moved {
  from = image.hero # ERROR: Moved object still exists
  to   = image.banner
}
moved {
  from = image.old
  to   = image_set.old # ERROR: Invalid moved block
}
moved {
  from = "image.a" # ERROR: Invalid address
  to   = image.b
}
moved {
  from = image.c
  to   = image.d
}
moved {
  from = image.c # ERROR: Ambiguous move
  to   = image.e
}
