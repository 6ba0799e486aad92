provider "placeholder" {}

image "a" {
  prompt     = "a"
  references = [image.b.file] # ERROR: Dependency cycle
}
image "b" {
  prompt     = "b"
  depends_on = [image.a] # ERROR: Dependency cycle
}
image "self" {
  prompt = "self ${image.self.file}" # ERROR: Dependency cycle
}
image "tile" {
  count  = 2
  prompt = "tile ${image.edge.file}" # ERROR: Dependency cycle
}
image "edge" {
  prompt = "x"
  meta = {
    after = image.tile[1].file # ERROR: Dependency cycle
  }
}
image_set "all" {
  prompt     = "every image, this set's own included"
  max_images = 2
  meta       = { sets = length(image_set) } # ERROR: Dependency cycle
}
