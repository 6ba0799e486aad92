provider "placeholder" {}

variable "style" {
  type    = string
  default = "neon" # ERROR: Invalid value for variable
  validation {
    condition     = contains(["watercolor", "ink"], var.style)
    error_message = "style must be watercolor or ink."
  }
}
