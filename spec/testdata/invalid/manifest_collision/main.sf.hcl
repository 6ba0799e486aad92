seedform {
  manifest = "out.png"
}
provider "placeholder" {}

image "out" {
  prompt = "x"
  path   = "out.png" # ERROR: Output path collides with the manifest
}
