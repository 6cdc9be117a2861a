variable "name" {
  description = "Name of the web ACL."
  type        = string
}

variable "rate_limit_per_5_minutes" {
  description = "Requests one client IP may send in 5 minutes before it is blocked."
  type        = number
}

variable "log_retention_days" {
  description = "Retention of the WAF log group, in days."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key encrypting the WAF log group."
  type        = string
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
