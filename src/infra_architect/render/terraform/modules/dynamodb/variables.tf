variable "name" {
  description = "Table name."
  type        = string
}

variable "hash_key" {
  description = "Partition key attribute (string)."
  type        = string
  default     = "pk"
}

variable "range_key" {
  description = "Sort key attribute (string)."
  type        = string
  default     = "sk"
}

variable "kms_key_arn" {
  description = "KMS key encrypting the table."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse deletion of the table."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
