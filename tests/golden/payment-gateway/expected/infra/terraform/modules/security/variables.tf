variable "name" {
  description = "Name prefix of the keys and roles."
  type        = string
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled key deletion completes."
  type        = number
  default     = 30
}

variable "workload_platform" {
  description = "Who assumes the service roles: \"eks\" (IRSA through the cluster's OIDC provider) or \"ecs\" (task roles)."
  type        = string

  validation {
    condition     = contains(["eks", "ecs"], var.workload_platform)
    error_message = "workload_platform must be \"eks\" or \"ecs\"."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (EKS only)."
  type        = string
  default     = ""
}

variable "oidc_provider_url" {
  description = "Issuer URL of the cluster's IAM OIDC provider, without https:// (EKS only)."
  type        = string
  default     = ""
}

variable "service_roles" {
  description = "One role per service: its Kubernetes namespace and service account (EKS), the statements it needs, scoped to named resources, and whether it decrypts data under the key."
  type = map(object({
    namespace       = optional(string, "default")
    service_account = optional(string)
    kms_decrypt     = optional(bool, false)
    statements = list(object({
      sid       = string
      actions   = list(string)
      resources = list(string)
    }))
  }))
  default = {}
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
