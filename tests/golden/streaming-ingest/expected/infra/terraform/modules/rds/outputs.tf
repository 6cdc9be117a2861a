output "instance_id" {
  description = "Identifier of the primary instance."
  value       = aws_db_instance.this.identifier
}

output "instance_arn" {
  description = "ARN of the primary instance."
  value       = aws_db_instance.this.arn
}

output "endpoint" {
  description = "Connection endpoint (host:port) of the primary."
  value       = aws_db_instance.this.endpoint
}

output "replica_endpoints" {
  description = "Connection endpoints of the read replicas."
  value       = aws_db_instance.replica[*].endpoint
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the RDS-managed master credentials (null on a cross-region replica until it is promoted)."
  value       = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}
