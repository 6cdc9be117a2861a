variable "region" {
  description = "AWS region of this environment."
  type        = string
  default     = "us-east-1"
}

variable "recovery_region" {
  description = "Region holding the copies that survive the loss of this one."
  type        = string
  default     = "us-east-2"
}

variable "image_tag" {
  description = "Immutable image tag deployed on first apply; the pipeline deploys later ones."
  type        = string
}

variable "alert_emails" {
  description = "Addresses subscribed to the alert topic."
  type        = list(string)
  default     = []
}
