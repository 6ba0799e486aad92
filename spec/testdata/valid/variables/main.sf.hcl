provider "placeholder" {}

variable "from_default" {
  default = "default"
}
variable "from_sfvars" {
  default = "default"
}
variable "from_auto" {
  default = "default"
}
variable "from_var_file" {
  default = "default"
}
variable "from_env" {
  default = "default"
}
variable "from_var" {
  default = "default"
}
variable "size" {
  type = object({
    w = number
    h = optional(number, 64)
  })
  default = { w = 32 }
}
variable "secret" {
  type      = string
  sensitive = true
  default   = "hidden"
}
variable "tags" {
  type = list(string)
}
image "all" {
  prompt = join(" ", [var.from_default, var.from_sfvars, var.from_auto, var.from_var_file, var.from_env, var.from_var, var.secret])
  size   = "${var.size.w}x${var.size.h}"
  meta   = { tags = var.tags }
}
