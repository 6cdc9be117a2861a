variable "name" {
  description = "Name of the trail, the recorder and the prefix of the bucket, key and roles."
  type        = string
}

variable "retention_days" {
  description = "Days each log file stays locked and kept, and the trail's log group keeps events (a value CloudWatch Logs accepts, e.g. 365 or 2192)."
  type        = number
}

variable "object_lock_mode" {
  description = "COMPLIANCE: nobody, the root user included, can delete a file or shorten its lock before retention_days. GOVERNANCE: principals allowed s3:BypassGovernanceRetention can (to tear a non-production account down)."
  type        = string
  default     = "COMPLIANCE"

  validation {
    condition     = contains(["COMPLIANCE", "GOVERNANCE"], var.object_lock_mode)
    error_message = "object_lock_mode must be COMPLIANCE or GOVERNANCE."
  }
}

variable "enable_cloudtrail" {
  description = "Create the multi-region trail (false only where the organisation's trail already records this account)."
  type        = bool
  default     = true
}

variable "enable_guardduty" {
  description = "Create this account's GuardDuty detector (false only where a delegated administrator already enables it)."
  type        = bool
  default     = true
}

variable "enable_securityhub" {
  description = "Enable Security Hub and subscribe to securityhub_standards (false only where a delegated administrator already does)."
  type        = bool
  default     = true
}

variable "securityhub_standards" {
  description = "Security Hub standards to subscribe to: key → the ARN after arn:<partition>:securityhub:<region>::, e.g. standards/pci-dss/v/4.0.1."
  type        = map(string)
  default     = {}
}

variable "enable_config" {
  description = "Record every resource with AWS Config (most Security Hub controls read it; false only where the organisation already records this account and region)."
  type        = bool
  default     = true
}

variable "access_log_bucket" {
  description = "Bucket receiving the server access logs of the audit bucket."
  type        = string
}

variable "force_destroy" {
  description = "Allow deleting the bucket with its files (only files whose GOVERNANCE lock may be bypassed; COMPLIANCE locks still hold)."
  type        = bool
  default     = false
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled deletion of the audit key completes."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
