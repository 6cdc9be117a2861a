output "domain_arn" {
  description = "ARN of the domain."
  value       = aws_opensearch_domain.this.arn
}

output "endpoint" {
  description = "HTTPS endpoint of the domain."
  value       = aws_opensearch_domain.this.endpoint
}

output "security_group_id" {
  description = "Security group of the domain."
  value       = aws_security_group.this.id
}

output "admin_role_arn" {
  description = "The domain's master user: assume it to map the services' roles (docs/deploy.md)."
  value       = aws_iam_role.admin.arn
}
