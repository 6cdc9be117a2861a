variable "bucket" {
  description = "Bucket name (globally unique)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for SSE-KMS; null uses SSE-S3 (required by services that deliver logs, such as ELB)."
  type        = string
  default     = null
}

variable "enable_versioning" {
  description = "Keep every version of every object."
  type        = bool
  default     = true
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted version is kept."
  type        = number
  default     = 30
}

variable "expiration_days" {
  description = "Days after which current objects expire (0 keeps them)."
  type        = number
  default     = 0
}

variable "transitions" {
  description = "Lifecycle transitions of current objects, youngest first: days after creation and the storage class (STANDARD_IA, GLACIER_IR, GLACIER)."
  type = list(object({
    days          = number
    storage_class = string
  }))
  default = []

  validation {
    condition     = alltrue([for t in var.transitions : contains(["STANDARD_IA", "GLACIER_IR", "GLACIER"], t.storage_class)])
    error_message = "storage_class must be STANDARD_IA, GLACIER_IR or GLACIER."
  }
}

variable "enable_access_logging" {
  description = "Send server access logs to access_log_bucket."
  type        = bool
  default     = true
}

variable "access_log_bucket" {
  description = "Bucket receiving the server access logs of this one (when enable_access_logging)."
  type        = string
  default     = null
}

variable "log_delivery_services" {
  description = "Service principals allowed to write logs into the bucket (e.g. logging.s3.amazonaws.com, logdelivery.elasticloadbalancing.amazonaws.com)."
  type        = list(string)
  default     = []
}

variable "log_delivery_accounts" {
  description = "AWS principals (ARNs) allowed to write logs into the bucket, e.g. the regional ELB account from data.aws_elb_service_account."
  type        = list(string)
  default     = []
}

variable "enable_replication" {
  description = "Replicate every object version to replication_destination_bucket_arn."
  type        = bool
  default     = false
}

variable "replication_destination_bucket_arn" {
  description = "Versioned bucket in the recovery region that receives a copy of every object version (when enable_replication)."
  type        = string
  default     = null
}

variable "replication_destination_kms_key_arn" {
  description = "Key in the recovery region that encrypts the replicas (required when the destination bucket uses SSE-KMS)."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Allow deleting a bucket that still holds objects (staging only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
