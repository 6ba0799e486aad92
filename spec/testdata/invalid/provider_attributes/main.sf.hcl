provider "placeholder" {
  base_url = "https://example.com" # ERROR: Unsupported argument
}
provider "seedream" {
  response_format = "png"         # ERROR: Invalid response_format
  parallelism     = 0             # ERROR: Invalid parallelism
  timeout         = 1.5           # ERROR: Invalid timeout
}
