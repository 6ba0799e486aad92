provider "placeholder" {}

variable "n" {
  type = number
}
