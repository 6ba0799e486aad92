provider "placeholder" {}

image "hero" {
  prompt = "x" "y" # ERROR: Missing newline after argument
}
