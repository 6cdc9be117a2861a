variable "name" {
  description = "Replication group ID."
  type        = string
}

variable "engine" {
  description = "Cache engine: valkey or redis."
  type        = string
  default     = "valkey"
}

variable "engine_version" {
  description = "Engine version."
  type        = string
  default     = "8.0"
}

variable "parameter_group_name" {
  description = "Parameter group of the engine version."
  type        = string
  default     = "default.valkey8"
}

variable "node_type" {
  description = "Node type of every node."
  type        = string
}

variable "num_cache_clusters" {
  description = "Nodes in the group: one primary plus replicas, spread across AZs."
  type        = number
}

variable "port" {
  description = "Port the cache listens on."
  type        = number
  default     = 6379
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Data-tier subnets, one per AZ."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist): security groups allowed to connect."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for data at rest and the logs."
  type        = string
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots (0: a cache rebuilt from its source of truth keeps none)."
  type        = number
  default     = 0
}

variable "access_string" {
  description = "What the clients' user may do (Valkey/Redis ACL syntax); the cache is one application's, so every key and command by default."
  type        = string
  default     = "on ~* +@all"
}

variable "log_retention_days" {
  description = "Retention of the slow and engine logs, in days."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
