provider "seedream" {}
image_set "board" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "ten panels"
  max_images = 10
}
image_set "more" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "six more"
  references = image_set.board.files
  max_images = 6 # ERROR: Invalid max_images for seedream-4.5
}
image "edit" {
  model      = "doubao-seededit-3-0-i2i-250628" # WARNING: Model not served by the vendor
  prompt     = "edit"
  size       = "adaptive"
  references = image_set.board.files # ERROR: Invalid references for seededit-3.0
}
