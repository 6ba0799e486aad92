provider "placeholder" {}

image "a" {
  prompt = "x"
  path   = "hero.png"
}
image "b" {
  prompt = "x"
  path   = "Hero.PNG" # ERROR: Duplicate output path
}
image_set "board" {
  prompt     = "x"
  max_images = 2
}
image "inside" {
  prompt = "x"
  path   = "board/1.jpeg" # ERROR: Output path inside another asset's output
}
image "early" {
  prompt = "x"
  path   = "late/x.png" # ERROR: Output path inside another asset's output
}
image_set "late" {
  prompt     = "x"
  max_images = 1
}
image "manifest" {
  prompt = "x"
  path   = "manifest.json.png"
}
