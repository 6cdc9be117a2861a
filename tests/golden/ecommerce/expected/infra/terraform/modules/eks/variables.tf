variable "cluster_name" {
  description = "Name of the EKS cluster."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and node groups."
  type        = string
  default     = "1.32"
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the control plane ENIs and the nodes, one per AZ."
  type        = list(string)
}

variable "endpoint_public_access" {
  description = "Expose the API server endpoint publicly (restricted to public_access_cidrs); the private endpoint is always on."
  type        = bool
  default     = false
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach a public API endpoint."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "KMS key for envelope encryption of Kubernetes secrets, the control-plane logs and node volumes."
  type        = string
}

variable "cluster_log_types" {
  description = "Control-plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}

variable "log_retention_days" {
  description = "Retention of the control-plane logs, in days."
  type        = number
  default     = 365
}

variable "node_groups" {
  description = "Managed node groups; each spans every subnet (one per AZ)."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gb   = optional(number, 50)
    labels         = optional(map(string), {})
  }))
}

variable "addons" {
  description = "EKS managed add-ons: created before the node groups or after them, their configuration (JSON values), and the role an add-on that calls AWS gets through Pod Identity (AWS managed policies, and whether it uses the KMS key)."
  type = map(object({
    before_compute = optional(bool, false)
    configuration  = optional(map(string), {})
    pod_identity = optional(object({
      namespace       = string
      service_account = string
      policies        = list(string)
      kms             = optional(bool, false)
    }))
  }))
  default = {
    vpc-cni                = { before_compute = true }
    kube-proxy             = { before_compute = true }
    eks-pod-identity-agent = { before_compute = true }
    coredns                = {}
  }
}

variable "access_entries" {
  description = "IAM principals allowed into the Kubernetes API: the EKS access policy (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy) and the namespaces it is limited to (empty: the whole cluster)."
  type = map(object({
    principal_arn = string
    policy        = string
    namespaces    = optional(list(string), [])
  }))
  default = {}
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
