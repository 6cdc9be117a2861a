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

output "waf_acl_arn" {
  description = "WAF web ACL in front of the public entry."
  value       = module.waf.arn
}

output "load_balancer_dns_name" {
  description = "DNS name of the ALB."
  value       = module.alb.dns_name
}

output "shop_db_endpoint" {
  description = "shop-db: endpoint."
  value       = module.rds_shop_db.endpoint
}

output "sessions_primary_endpoint" {
  description = "sessions: primary_endpoint."
  value       = module.elasticache_sessions.primary_endpoint
}
