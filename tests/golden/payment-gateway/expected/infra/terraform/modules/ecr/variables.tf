variable "name" {
  description = "Prefix of the repository names."
  type        = string
}

variable "repositories" {
  description = "One repository per service image."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting the images."
  type        = string
}

variable "untagged_image_expiry_days" {
  description = "Days an untagged image is kept."
  type        = number
  default     = 14
}

variable "max_tagged_images" {
  description = "Tagged images kept per repository (rollback targets)."
  type        = number
  default     = 200
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
