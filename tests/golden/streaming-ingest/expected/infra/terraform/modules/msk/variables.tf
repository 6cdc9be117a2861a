variable "name" {
  description = "Cluster name."
  type        = string
}

variable "serverless" {
  description = "MSK Serverless (true) or a provisioned cluster of var.broker_count brokers (false)."
  type        = bool
  default     = false
}

variable "kafka_version" {
  description = "Apache Kafka version of a provisioned cluster."
  type        = string
  default     = "3.6.0"
}

variable "instance_type" {
  description = "Broker instance type (provisioned)."
  type        = string
  default     = "kafka.m5.large"
}

variable "broker_count" {
  description = "Brokers (provisioned): a multiple of the subnets' AZs."
  type        = number
  default     = 3
}

variable "volume_size_gb" {
  description = "EBS storage per broker in GiB (provisioned)."
  type        = number
  default     = 100
}

variable "replication_factor" {
  description = "Replicas of each partition (default.replication.factor)."
  type        = number
  default     = 3
}

variable "min_insync_replicas" {
  description = "Replicas that must acknowledge a write with acks=all (min.insync.replicas)."
  type        = number
  default     = 2
}

variable "partitions" {
  description = "Partitions of the topic (num.partitions; the producers create it with this count)."
  type        = number
}

variable "retention_hours" {
  description = "Hours a message is kept (log.retention.hours)."
  type        = number
  default     = 168
}

variable "topic" {
  description = "The topic the clients read and write."
  type        = string
}

variable "consumer_groups" {
  description = "Consumer groups reading the topic (one per consuming service)."
  type        = list(string)
  default     = []
}

variable "port" {
  description = "Port of IAM-authenticated clients inside AWS (9098)."
  type        = number
  default     = 9098
}

variable "vpc_id" {
  description = "VPC of the brokers."
  type        = string
}

variable "subnet_ids" {
  description = "Data-tier subnets, one per AZ the brokers span."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by client name (static keys, so the rules plan before the groups exist)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for data at rest (provisioned) and the broker logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the broker logs, in days."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
