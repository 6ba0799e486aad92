provider "placeholder" {}

variable "n" {
  type    = number
  default = 1
}
