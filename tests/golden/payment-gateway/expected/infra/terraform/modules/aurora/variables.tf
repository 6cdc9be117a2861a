variable "identifier" {
  description = "Name of the Aurora cluster (its instances are numbered after it)."
  type        = string
}

variable "engine" {
  description = "Database engine the cluster is compatible with: postgres or mysql."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "engine_version" {
  description = "Aurora engine version (major.minor); minor versions are upgraded automatically in the maintenance window."
  type        = string
}

variable "parameter_group_family" {
  description = "Cluster parameter group family matching the engine version (aurora-postgresql16, aurora-mysql8.0)."
  type        = string
}

variable "instance_class" {
  description = "Instance class of the writer and its readers."
  type        = string
}

variable "instances" {
  description = "Instances in the cluster: the writer first, then readers (a reader in another AZ is the failover target)."
  type        = number
  default     = 2

  validation {
    condition     = var.instances >= 1 && var.instances <= 16
    error_message = "An Aurora cluster has a writer and up to 15 readers."
  }
}

variable "io_optimized" {
  description = "Aurora I/O-Optimized storage (no I/O charges; instances and storage cost more) instead of Standard."
  type        = bool
  default     = false
}

variable "create_global_cluster" {
  description = "Create a Global Database led by this cluster, for a secondary cluster in the recovery region."
  type        = bool
  default     = false
}

variable "global_cluster_identifier" {
  description = "Global Database this cluster joins as a secondary (null for a primary cluster)."
  type        = string
  default     = null
}

variable "database_name" {
  description = "Name of the database created in the cluster."
  type        = string
}

variable "master_username" {
  description = "Master user name; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "app_admin"
}

variable "port" {
  description = "Port the database listens on."
  type        = number
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Data-tier subnets (no route to the internet), one per AZ."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights, logs and the master secret."
  type        = string
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
}

variable "backup_window" {
  description = "Daily backup window (UTC)."
  type        = string
  default     = "03:00-04:00"
}

variable "maintenance_window" {
  description = "Weekly maintenance window (UTC)."
  type        = string
  default     = "sun:04:30-sun:05:30"
}

variable "deletion_protection" {
  description = "Refuse deletion of the cluster."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Skip the final snapshot on deletion (staging only)."
  type        = bool
  default     = false
}

variable "enable_performance_insights" {
  description = "Turn on Performance Insights on every instance."
  type        = bool
  default     = true
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 turns it off)."
  type        = number
  default     = 60
}

variable "log_retention_days" {
  description = "Retention of the exported database logs, in days."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
