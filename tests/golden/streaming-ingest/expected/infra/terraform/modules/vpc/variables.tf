variable "name" {
  description = "Name prefix for every resource of this VPC."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
}

variable "azs" {
  description = "Availability zones, one subnet of each tier per zone."
  type        = list(string)
}

variable "public_subnets" {
  description = "CIDRs of the public subnets (load balancers, NAT gateways), one per AZ."
  type        = list(string)
}

variable "private_subnets" {
  description = "CIDRs of the private subnets (compute), one per AZ."
  type        = list(string)
}

variable "data_subnets" {
  description = "CIDRs of the data subnets (databases, caches), one per AZ; they get no route to the internet."
  type        = list(string)
}

variable "enable_nat_gateway" {
  description = "Create NAT gateways so private subnets reach the internet."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "One NAT gateway for every AZ (cheaper; an AZ outage then cuts egress of the others)."
  type        = bool
  default     = false
}

variable "enable_flow_log" {
  description = "Send VPC flow logs to CloudWatch Logs."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "Retention of the flow log group, in days."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow log group."
  type        = string
}

variable "gateway_endpoints" {
  description = "Services reached through gateway VPC endpoints (s3, dynamodb)."
  type        = list(string)
  default     = ["s3"]
}

variable "interface_endpoints" {
  description = "Services reached through interface VPC endpoints (ecr.api, logs, sts, ...)."
  type        = list(string)
  default     = []
}

variable "public_subnet_tags" {
  description = "Extra tags of the public subnets (e.g. kubernetes.io/role/elb)."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Extra tags of the private subnets (e.g. kubernetes.io/role/internal-elb)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
