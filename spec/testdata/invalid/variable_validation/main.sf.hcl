provider "placeholder" {}

variable "style" { # ERROR: Invalid value for variable
  type    = string
  default = "neon"
  validation {
    condition     = contains(["watercolor", "ink"], var.style)
    error_message = "style must be watercolor or ink."
  }
}
