seedform {
  output_dir = "../assets" # ERROR: Invalid output_dir
  manifest   = "/manifest.json" # ERROR: Invalid manifest path
}
provider "placeholder" {}
