variable "name" {
  description = "Name of the cluster and prefix of its services."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (egress to data stores and other services stays inside it)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in, one per AZ."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key of the secrets the tasks read, their log groups and the schedules' target input."
  type        = string
}

variable "log_group_prefix" {
  description = "Log groups of the services are <prefix>/<service>."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the task log groups, in days."
  type        = number
}

variable "load_balancer_security_group_id" {
  description = "Security group of the load balancer in front of the public services."
  type        = string
  default     = ""
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix of that load balancer (request-count scaling)."
  type        = string
  default     = ""
}

variable "https_listener_arn" {
  description = "HTTPS listener CodeDeploy shifts between blue and green target groups."
  type        = string
  default     = ""
}

variable "alarm_topic_arn" {
  description = "SNS topic notified of failed deployments."
  type        = string
  default     = ""
}

variable "services" {
  description = "Long-running services and scheduled tasks, sized by the design; environment holds where the stores a service uses are (and as whom it connects), secrets the Secrets Manager ARNs injected as variables; app_protocol (http, http2, grpc) tells Service Connect's proxy how to balance and measure the port; service_connect joins the Service Connect namespace (never with deployment = codedeploy); schedule_name and codedeploy_config_name override the names built from var.name."
  type = map(object({
    image                     = string
    cpu                       = number
    memory                    = number
    port                      = optional(number)
    min_tasks                 = number
    max_tasks                 = number
    task_role_arn             = string
    callers                   = optional(list(string), [])
    egress_ports              = optional(list(number), [])
    environment               = optional(map(string), {})
    secrets                   = optional(map(string), {})
    health_check_path         = optional(string, "/healthz")
    app_protocol              = optional(string, "http")
    load_balanced             = optional(bool, false)
    target_group_arn          = optional(string)
    target_group_names        = optional(list(string), [])
    target_group_arn_suffixes = optional(list(string), [])
    scaling_metric            = optional(string, "cpu")
    scaling_target            = optional(number, 60)
    scaling_queue_name        = optional(string)
    scale_in_cooldown         = optional(number, 300)
    scale_out_cooldown        = optional(number, 60)
    deployment                = optional(string, "rolling")
    service_connect           = optional(bool, false)
    canary_percent            = optional(number, 10)
    canary_minutes            = optional(number, 5)
    rollback_alarm_names      = optional(list(string), [])
    schedule                  = optional(string)
    schedule_name             = optional(string)
    codedeploy_config_name    = optional(string)
  }))

  # ECS Developer Guide, Service Connect considerations: "Only services that use rolling
  # deployments are supported with Service Connect"; CreateService rejects the pair.
  validation {
    condition = alltrue([
      for service in var.services : !(service.deployment == "codedeploy" && (service.service_connect || length(service.callers) > 0))
    ])
    error_message = "A CodeDeploy (CODE_DEPLOY) service can neither join Service Connect nor be called over it: AWS supports Service Connect only with rolling deployments."
  }
}

variable "role_names" {
  description = "IAM role names within IAM's 64 characters (unset: <name>-task-execution, <name>-codedeploy, <name>-scheduler)."
  type = object({
    task_execution = optional(string)
    codedeploy     = optional(string)
    scheduler      = optional(string)
  })
  default = {}
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
