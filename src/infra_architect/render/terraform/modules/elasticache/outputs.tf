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

output "auth_secret_arn" {
  description = "Secrets Manager secret holding the AUTH token."
  value       = aws_secretsmanager_secret.auth.arn
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
