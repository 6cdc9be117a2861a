variable "domain_name" {
  description = "Name of the OpenSearch domain (at most 28 characters)."
  type        = string
}

variable "engine_version" {
  description = "Engine version of the domain."
  type        = string
  default     = "OpenSearch_2.17"
}

variable "instance_type" {
  description = "Data node instance type."
  type        = string
}

variable "instance_count" {
  description = "Data nodes, spread across the AZs."
  type        = number
}

variable "availability_zones" {
  description = "AZs the data nodes are spread across (2 or 3 enables zone awareness)."
  type        = number
}

variable "volume_size_gb" {
  description = "gp3 storage per data node, in GiB."
  type        = number
}

variable "vpc_id" {
  description = "VPC of the domain."
  type        = string
}

variable "subnet_ids" {
  description = "Data-tier subnets, one per AZ used."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist): security groups allowed to reach the domain over HTTPS."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for data at rest and the logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the domain logs, in days."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "client_role_arns" {
  description = "Roles of the services that call the domain (its access policy admits them and the admin role only)."
  type        = list(string)
  default     = []
}
