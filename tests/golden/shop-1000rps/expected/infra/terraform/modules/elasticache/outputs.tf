output "replication_group_id" {
  description = "ID of the replication group."
  value       = one(aws_elasticache_replication_group.this[*].id)
}

output "primary_endpoint" {
  description = "Primary endpoint address."
  value       = one(aws_elasticache_replication_group.this[*].primary_endpoint_address)
}

output "reader_endpoint" {
  description = "Reader endpoint address."
  value       = one(aws_elasticache_replication_group.this[*].reader_endpoint_address)
}

output "replication_group_arn" {
  description = "ARN of the replication group, for elasticache:Connect in the clients' policies."
  value       = "${local.arn_prefix}:replicationgroup:${var.name}"
}

output "user_name" {
  description = "User the clients authenticate as, with a token signed by their IAM role."
  value       = aws_elasticache_user.this.user_name
}

output "user_arn" {
  description = "ARN of the clients' user, for elasticache:Connect in their policies."
  value       = "${local.arn_prefix}:user:${var.name}"
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
