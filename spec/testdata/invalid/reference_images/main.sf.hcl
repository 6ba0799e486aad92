# Reference images are checked at validate as the API would: the file is
# an image of a format it takes, within its size limits and the model's.
provider "seedream" {}

image "fine" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = ["refs/ok.png", "refs/wide.png", "refs/photo.heic"]
}
image "not_an_image" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = ["refs/notes.png"] # ERROR: Invalid reference image
}
image "thin" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "x"
  references = ["refs/thin.png"] # ERROR: Invalid reference image
}
image "over_6000x6000" {
  model      = "doubao-seedream-5-0-260128"
  prompt     = "x"
  references = ["refs/huge.png"] # ERROR: Invalid reference image
}
image "heic_over_6000x6000" {
  model      = "doubao-seedream-5-0-pro-260628"
  prompt     = "x"
  references = ["refs/big_photo.heic"] # ERROR: Invalid reference image
}
image "avif" {
  model      = "doubao-seedream-5-0-pro-260628"
  prompt     = "x"
  references = ["refs/photo.avif"] # ERROR: Invalid reference image
}
image "edit_wide" {
  model      = "doubao-seededit-3-0-i2i-250628" # WARNING: Model not served by the vendor
  prompt     = "x"
  size       = "adaptive"
  references = ["refs/wide.png"] # ERROR: Invalid references for seededit-3.0
}
image "edit_fine" {
  model      = "doubao-seededit-3-0-i2i-250628" # WARNING: Model not served by the vendor
  prompt     = "x"
  size       = "adaptive"
  references = ["refs/ok.png"]
}
