output "kms_key_arn" {
  description = "ARN of the customer-managed key for data at rest."
  value       = aws_kms_key.this.arn
}

output "kms_key_id" {
  description = "ID of the customer-managed key."
  value       = aws_kms_key.this.key_id
}

output "service_role_arns" {
  description = "Workload role ARN per service."
  value       = { for name, role in aws_iam_role.service : name => role.arn }
}

output "service_role_names" {
  description = "Workload role name per service."
  value       = { for name, role in aws_iam_role.service : name => role.name }
}
