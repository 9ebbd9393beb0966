variable "cpu" {
  default = 512
}

variable "memory" {
  default = 512
}

variable "vpc_id" {}
variable "private_subnets" {}
variable "public_subnets" {}
