variable "name" {
  description = "Name prefix of the queues, topics and streams."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting every queue, topic and stream."
  type        = string
}

variable "queues" {
  description = "SQS queues; each with a dead-letter queue after max_receive_count failed receives."
  type = map(object({
    visibility_timeout_seconds = optional(number, 60)
    message_retention_seconds  = optional(number, 345600)
    max_receive_count          = optional(number, 5)
    enable_dead_letter         = optional(bool, true)
  }))
  default = {}
}

variable "topics" {
  description = "SNS topics fanned out to one SQS queue per consumer (names of queues in var.queues)."
  type = map(object({
    subscriber_queues = list(string)
  }))
  default = {}
}

variable "streams" {
  description = "Kinesis data streams: ON_DEMAND, or PROVISIONED with shard_count shards."
  type = map(object({
    retention_hours = optional(number, 24)
    stream_mode     = optional(string, "ON_DEMAND")
    shard_count     = optional(number, 1)
  }))
  default = {}

  validation {
    condition     = alltrue([for stream in values(var.streams) : contains(["ON_DEMAND", "PROVISIONED"], stream.stream_mode)])
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
