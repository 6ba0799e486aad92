provider "placeholder" {}

image "hero" {
  prompt = "x"
  lifecycle {
    prevent_destroy = "yes"  # ERROR: Invalid prevent_destroy
    ignore_changes  = [promt] # ERROR: Invalid ignore_changes
  }
}
