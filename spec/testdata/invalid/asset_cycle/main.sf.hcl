provider "placeholder" {}

image "a" {
  prompt     = "a"
  references = [image.b.file] # ERROR: Dependency cycle
}
image "b" {
  prompt     = "b"
  depends_on = [image.a]
}
image "self" {
  prompt = "self ${image.self.file}" # ERROR: Dependency cycle
}
