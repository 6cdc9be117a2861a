output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "kms_key_arn" {
  description = "Customer-managed key for data at rest."
  value       = module.security.kms_key_arn
}

output "service_role_arns" {
  description = "Workload role per service (IRSA annotations, ECS task roles)."
  value       = module.security.service_role_arns
}

output "alert_topic_arn" {
  description = "Topic every alarm notifies."
  value       = module.observability.alert_topic_arn
}

output "image_repositories" {
  description = "ECR repository per service."
  value       = module.ecr.repository_urls
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.ecs.cluster_name
}

output "load_balancer_dns_name" {
  description = "DNS name of the ALB."
  value       = module.alb.dns_name
}

output "readings_db_endpoint" {
  description = "readings-db: endpoint."
  value       = module.rds_readings_db.endpoint
}

output "readings_bootstrap_brokers" {
  description = "readings: bootstrap_brokers."
  value       = module.msk_readings.bootstrap_brokers
}

output "readings_db_recovery_endpoint" {
  description = "readings-db: the cross-region replica the DR runbook promotes."
  value       = module.rds_readings_db_recovery.endpoint
}
