provider "placeholder" {}

variable "style" { # ERROR: No value for required variable
  type = string
}
