variable "name" {
  description = "Broker name."
  type        = string
}

variable "engine_version" {
  description = "RabbitMQ version (3.13 takes minor upgrades automatically)."
  type        = string
  default     = "3.13"
}

variable "instance_type" {
  description = "Broker instance type."
  type        = string
}

variable "deployment_mode" {
  description = "SINGLE_INSTANCE or CLUSTER_MULTI_AZ (three nodes across AZs)."
  type        = string

  validation {
    condition     = contains(["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"], var.deployment_mode)
    error_message = "deployment_mode must be SINGLE_INSTANCE or CLUSTER_MULTI_AZ."
  }
}

variable "username" {
  description = "The clients' RabbitMQ user."
  type        = string
  default     = "app"
}

variable "port" {
  description = "AMQP over TLS (5671)."
  type        = number
  default     = 5671
}

variable "vpc_id" {
  description = "VPC of the broker."
  type        = string
}

variable "subnet_ids" {
  description = "Data-tier subnets (a single-instance broker takes the first)."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key of the credentials secret (RabbitMQ brokers encrypt at rest with a key Amazon MQ owns)."
  type        = string
}

variable "secret_recovery_window_days" {
  description = "Days a deleted credentials secret can still be restored."
  type        = number
  default     = 30
}

variable "maintenance_day" {
  description = "Day of the weekly maintenance window (UTC)."
  type        = string
  default     = "SUNDAY"
}

variable "maintenance_time" {
  description = "Start of the weekly maintenance window (HH:MM, UTC)."
  type        = string
  default     = "03:00"
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
