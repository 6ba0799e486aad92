locals {
  t = "Hi $${name}"
}
