provider "placeholder" {}

variable "n" { # ERROR: Invalid value for input variable
  type    = number
  default = 1
}
