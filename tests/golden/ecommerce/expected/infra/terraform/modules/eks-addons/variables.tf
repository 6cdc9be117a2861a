variable "cluster_name" {
  description = "Name of the EKS cluster the add-ons run on."
  type        = string
}

variable "region" {
  description = "Region of the cluster."
  type        = string
}

variable "pod_identities" {
  description = "Add-ons that call AWS: role name suffix => the service account EKS Pod Identity binds it to and the policy it carries (load-balancer-controller, cluster-autoscaler, karpenter, fluent-bit, otel-collector, cloudwatch-exporter, external-dns)."
  type = map(object({
    namespace       = string
    service_account = string
    policy          = string
  }))
  default = {}

  validation {
    condition     = alltrue([for v in values(var.pod_identities) : contains(["load-balancer-controller", "cluster-autoscaler", "karpenter", "fluent-bit", "otel-collector", "cloudwatch-exporter", "external-dns"], v.policy)])
    error_message = "Each policy must be one this module defines."
  }
}

variable "hosted_zone_arn" {
  description = "Route 53 hosted zone external-dns may change records in (empty: no external-dns)."
  type        = string
  default     = ""
}

variable "node_role_arn" {
  description = "Role of the managed node groups, which Karpenter's nodes use too (Karpenter may pass only this role)."
  type        = string
  default     = ""
}

variable "karpenter_queue_name" {
  description = "SQS queue of the interruption events Karpenter drains nodes ahead of."
  type        = string
  default     = ""
}

variable "log_group_prefix" {
  description = "Prefix of the log groups Fluent Bit writes to (created by Terraform)."
  type        = string
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
