variable "region" {
  description = "AWS region of this environment."
  type        = string
  default     = "us-east-1"
}

variable "recovery_region" {
  description = "Region holding the copies that survive the loss of this one."
  type        = string
  default     = "us-east-2"
}

variable "image_tag" {
  description = "Immutable image tag deployed on first apply; the pipeline deploys later ones."
  type        = string
}

variable "alert_emails" {
  description = "Addresses subscribed to the alert topic."
  type        = list(string)
  default     = []
}

variable "cluster_endpoint_public_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API publicly (empty: private endpoint only)."
  type        = list(string)
  default     = []
}

variable "cluster_admin_role_arns" {
  description = "IAM roles of the people who administer the cluster (access entries with AmazonEKSClusterAdminPolicy), e.g. an IAM Identity Center administrator role; nobody else, not even whoever applies, can use the Kubernetes API."
  type        = list(string)
}
