output "cluster_name" {
  description = "Name of the cluster (the ClusterName dimension of its metrics)."
  value       = aws_memorydb_cluster.this.name
}

output "endpoint" {
  description = "Cluster endpoint address (cluster mode, TLS)."
  value       = aws_memorydb_cluster.this.cluster_endpoint[0].address
}

output "cluster_arn" {
  description = "ARN of the cluster, for memorydb:Connect in the clients' policies."
  value       = "${local.arn_prefix}:cluster/${var.name}"
}

output "user_name" {
  description = "User the clients authenticate as, with a token signed by their IAM role."
  value       = aws_memorydb_user.this.user_name
}

output "user_arn" {
  description = "ARN of the clients' user, for memorydb:Connect in their policies."
  value       = "${local.arn_prefix}:user/${var.name}"
}

output "security_group_id" {
  description = "Security group of the cluster."
  value       = aws_security_group.this.id
}
