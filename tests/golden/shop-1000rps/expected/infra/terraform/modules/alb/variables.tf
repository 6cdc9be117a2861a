variable "name" {
  description = "Name of the load balancer (at most 32 characters)."
  type        = string
}

variable "internal" {
  description = "Internal scheme (reachable from the VPC only) instead of internet-facing."
  type        = bool
  default     = false
}

variable "vpc_id" {
  description = "VPC of the load balancer and its target groups."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the load balancer: public for internet-facing, private for internal."
  type        = list(string)
}

variable "ingress_cidrs" {
  description = "CIDRs allowed to reach the listeners."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener."
  type        = string
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "enable_deletion_protection" {
  description = "Refuse deletion of the load balancer."
  type        = bool
  default     = true
}

variable "access_log_bucket" {
  description = "Bucket receiving the access logs (SSE-S3, ELB log delivery allowed)."
  type        = string
}

variable "enable_waf" {
  description = "Associate waf_acl_arn with the load balancer."
  type        = bool
  default     = false
}

variable "waf_acl_arn" {
  description = "WAFv2 web ACL to associate when enable_waf is set."
  type        = string
  default     = null
}

variable "default_target" {
  description = "Target group key that serves requests no rule matches."
  type        = string
}

variable "targets" {
  description = "One target group per public service; path_patterns route to it (the default target needs none); blue_name (and green_name) name the groups; blue_green adds the second group CodeDeploy shifts traffic to; protocol_version GRPC balances each gRPC call (HTTPS listener) and matcher then holds gRPC status codes."
  type = map(object({
    port                = number
    priority            = optional(number)
    path_patterns       = optional(list(string), [])
    health_check_path   = string
    interval_seconds    = number
    timeout_seconds     = number
    healthy_threshold   = number
    unhealthy_threshold = number
    blue_name           = string
    green_name          = optional(string)
    blue_green          = optional(bool, false)
    protocol_version    = optional(string, "HTTP1")
    matcher             = optional(string, "200-399")
  }))

  validation {
    condition     = alltrue([for target in var.targets : contains(["HTTP1", "HTTP2", "GRPC"], target.protocol_version)])
    error_message = "protocol_version must be HTTP1, HTTP2 or GRPC."
  }

  # CreateTargetGroup: at most 32 alphanumerics or hyphens, not starting or ending with one.
  validation {
    condition = alltrue(flatten([
      for target in var.targets : [
        for name in compact([target.blue_name, target.green_name]) : can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$", name))
      ]
    ]))
    error_message = "Target group names are 1-32 alphanumerics or hyphens, not starting or ending with a hyphen."
  }

  validation {
    condition     = alltrue([for target in var.targets : !target.blue_green || (target.green_name != null && target.green_name != target.blue_name)])
    error_message = "A blue_green target needs a green_name other than its blue_name."
  }
}

variable "deregistration_delay_seconds" {
  description = "Time a draining target keeps serving in-flight requests."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "target_protocol" {
  description = "Protocol from the ALB to the targets: HTTP (TLS ends at the ALB) or HTTPS (the targets serve TLS themselves)."
  type        = string
  default     = "HTTP"

  validation {
    condition     = contains(["HTTP", "HTTPS"], var.target_protocol)
    error_message = "target_protocol must be HTTP or HTTPS."
  }
}
