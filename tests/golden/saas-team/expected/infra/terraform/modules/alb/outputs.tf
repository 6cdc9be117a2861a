output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.this.id
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener."
  value       = aws_lb_listener.https.arn
}

output "target_group_arns" {
  description = "ARN per target group (<service>-blue, <service>-green)."
  value       = { for key, group in aws_lb_target_group.this : key => group.arn }
}

output "target_group_names" {
  description = "Name per target group."
  value       = { for key, group in aws_lb_target_group.this : key => group.name }
}

output "target_group_arn_suffixes" {
  description = "ARN suffix per target group (CloudWatch dimension)."
  value       = { for key, group in aws_lb_target_group.this : key => group.arn_suffix }
}

output "zone_id" {
  description = "Route 53 hosted zone of the load balancer's DNS name (alias records)."
  value       = aws_lb.this.zone_id
}
