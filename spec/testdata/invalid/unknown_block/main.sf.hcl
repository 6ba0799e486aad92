provider "placeholder" {}

imgae "hero" { # ERROR: Unsupported block type
  prompt = "x"
}
