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

output "certificate_arn" {
  description = "ACM certificate Terraform issued for the public name (DNS-validated)."
  value       = module.dns.certificate_arn
}

output "waf_acl_arn" {
  description = "WAF web ACL in front of the public entry."
  value       = module.waf.arn
}

output "load_balancer_dns_name" {
  description = "DNS name of the ALB."
  value       = module.alb.dns_name
}

output "ledger_db_endpoint" {
  description = "ledger-db: endpoint."
  value       = module.aurora_ledger_db.endpoint
}

output "payment_events_bootstrap_brokers" {
  description = "payment-events: bootstrap_brokers."
  value       = module.msk_payment_events.bootstrap_brokers
}
