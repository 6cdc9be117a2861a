variable "name" {
  description = "Name prefix of the topic, log groups and alarms."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the alert topic and the log groups."
  type        = string
}

variable "log_groups" {
  description = "Log groups to create (one per service, plus the load balancer)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of every log group, in days."
  type        = number
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alert topic (paging tools subscribe by HTTPS)."
  type        = list(string)
  default     = []
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer whose 5xx ratio is the SLO's symptom (required with burn_rate_alerts)."
  type        = string
  default     = ""
}

variable "burn_rate_alerts" {
  description = "Multi-window burn-rate alerts on the error ratio: both windows above the threshold fire the alert."
  type = map(object({
    severity             = string
    long_window_seconds  = number
    short_window_seconds = number
    error_rate_percent   = number
  }))
  default = {}
}

variable "metric_alarms" {
  description = "Alarms on causes (database CPU, queue age, ...), each on one CloudWatch metric."
  type = map(object({
    description         = string
    namespace           = string
    metric_name         = string
    dimensions          = map(string)
    statistic           = string
    period              = number
    evaluation_periods  = number
    threshold           = number
    comparison_operator = string
  }))
  default = {}
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
