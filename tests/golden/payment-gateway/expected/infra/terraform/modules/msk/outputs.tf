output "cluster_name" {
  description = "Name of the cluster (the Cluster Name dimension of its metrics)."
  value       = var.name
}

output "cluster_arn" {
  description = "ARN of the cluster, for kafka-cluster:Connect in the clients' policies."
  value       = local.cluster_arn
}

output "bootstrap_brokers" {
  description = "Bootstrap brokers for IAM authentication over TLS (host:9098,...)."
  value = (
    local.provisioned ? one(aws_msk_cluster.this[*].bootstrap_brokers_sasl_iam) : one(aws_msk_serverless_cluster.this[*].bootstrap_brokers_sasl_iam)
  )
}

output "topic" {
  description = "The topic the clients read and write."
  value       = var.topic
}

output "partitions" {
  description = "Partitions the producers create the topic with."
  value       = var.partitions
}

output "replication_factor" {
  description = "Replication factor the producers create the topic with."
  value       = var.replication_factor
}

output "topic_arn" {
  description = "ARN of the topic, for the clients' data actions."
  value       = "${local.resource_prefix}:topic/${var.name}/${local.cluster_uuid}/${var.topic}"
}

output "group_arns" {
  description = "ARN per consumer group, for the consumers' group actions."
  value       = { for group in var.consumer_groups : group => "${local.resource_prefix}:group/${var.name}/${local.cluster_uuid}/${group}" }
}

output "security_group_id" {
  description = "Security group of the brokers."
  value       = aws_security_group.this.id
}
