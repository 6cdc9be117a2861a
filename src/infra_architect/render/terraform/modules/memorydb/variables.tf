variable "name" {
  description = "Cluster name (also its ACL, user and subnet group)."
  type        = string
}

variable "engine_version" {
  description = "Redis OSS version (7+ for IAM authentication)."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Node type of every node."
  type        = string
}

variable "shards" {
  description = "Shards the data is split over."
  type        = number
  default     = 1
}

variable "replicas_per_shard" {
  description = "Replicas per shard, in the other AZs (0: a lost node is rebuilt from the transaction log)."
  type        = number
  default     = 1
}

variable "port" {
  description = "Port the cluster listens on."
  type        = number
  default     = 6379
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Data-tier subnets, one per AZ."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for data at rest and the snapshots."
  type        = string
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots kept."
  type        = number
  default     = 7
}

variable "final_snapshot" {
  description = "Whether deleting the cluster first takes a final snapshot."
  type        = bool
  default     = true
}

variable "access_string" {
  description = "What the clients' user may do (Redis ACL syntax); the store is one application's, so every key and command by default."
  type        = string
  default     = "on ~* &* +@all"
}

variable "alarm_topic_arn" {
  description = "SNS topic MemoryDB sends its events to (failovers, node replacements)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
