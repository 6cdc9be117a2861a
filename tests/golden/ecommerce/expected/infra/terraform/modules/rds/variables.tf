variable "identifier" {
  description = "Name of the database instance."
  type        = string
}

variable "engine" {
  description = "Database engine: postgres or mysql."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "engine_version" {
  description = "Major engine version; minor versions are upgraded automatically in the maintenance window."
  type        = string
}

variable "parameter_group_family" {
  description = "Parameter group family matching the engine version (postgres16, mysql8.0)."
  type        = string
}

variable "instance_class" {
  description = "Instance class of the primary and its replicas."
  type        = string
}

variable "allocated_storage" {
  description = "Initial gp3 storage, in GiB."
  type        = number
}

variable "max_allocated_storage" {
  description = "Ceiling of storage autoscaling, in GiB."
  type        = number
}

variable "iops" {
  description = "gp3 IOPS provisioned beyond the baseline (from 400 GiB for PostgreSQL and MySQL, 12,000 IOPS included); null keeps the baseline."
  type        = number
  default     = null
}

variable "storage_throughput" {
  description = "gp3 throughput in MiB/s provisioned beyond the baseline (500 MiB/s from 400 GiB); set with iops, null keeps the baseline."
  type        = number
  default     = null
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "read_replicas" {
  description = "Number of in-region read replicas."
  type        = number
  default     = 0
}

variable "replicate_source_db" {
  description = "ARN of a primary in another region: this instance is then its cross-region read replica (engine, database and master user come from the primary). Null for a primary."
  type        = string
  default     = null
}

variable "database_name" {
  description = "Name of the database created on the instance."
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
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist): security groups allowed to connect (the services that use this database)."
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
  description = "Refuse deletion of the instance."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Skip the final snapshot on deletion (staging only)."
  type        = bool
  default     = false
}

variable "enable_performance_insights" {
  description = "Turn on Performance Insights."
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
