variable "domain_name" {
  description = "The public name users reach: the certificate covers it and the records carry it."
  type        = string
}

variable "zone_name" {
  description = "Public Route 53 hosted zone, in this account, that holds domain_name."
  type        = string
}

variable "validation_record_ttl" {
  description = "TTL of the ACM DNS validation records, in seconds."
  type        = number
  default     = 60
}

variable "alias_records" {
  description = "A records aliasing domain_name to load balancers, by set identifier: the load balancer's DNS name and zone, and for a failover pair PRIMARY or SECONDARY (null: a simple record)."
  type = map(object({
    dns_name = string
    zone_id  = string
    failover = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for r in values(var.alias_records) : r.failover == null || contains(["PRIMARY", "SECONDARY"], coalesce(r.failover, "-"))])
    error_message = "failover must be PRIMARY, SECONDARY or null."
  }
}

variable "health_check" {
  description = "HTTPS health check of the PRIMARY record's load balancer (null: none)."
  type = object({
    fqdn              = string
    port              = number
    resource_path     = string
    request_interval  = number
    failure_threshold = number
  })
  default = null
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
