output "cluster_id" {
  description = "Identifier of the cluster."
  value       = aws_rds_cluster.this.id
}

output "cluster_arn" {
  description = "ARN of the cluster."
  value       = aws_rds_cluster.this.arn
}

output "endpoint" {
  description = "Writer endpoint (host:port); it follows the writer through a failover."
  value       = "${aws_rds_cluster.this.endpoint}:${aws_rds_cluster.this.port}"
}

output "reader_endpoint" {
  description = "Reader endpoint (host:port), balanced across the readers."
  value       = "${aws_rds_cluster.this.reader_endpoint}:${aws_rds_cluster.this.port}"
}

output "global_cluster_id" {
  description = "Global Database this cluster leads (null without one)."
  value       = try(aws_rds_global_cluster.this[0].id, null)
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the RDS-managed master credentials (null on a secondary cluster until it is promoted)."
  value       = try(aws_rds_cluster.this.master_user_secret[0].secret_arn, null)
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}
