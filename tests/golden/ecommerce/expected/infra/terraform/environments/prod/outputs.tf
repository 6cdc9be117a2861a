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
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "API server endpoint."
  value       = module.eks.cluster_endpoint
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider for IRSA."
  value       = module.eks.oidc_provider_arn
}

output "kubernetes_infrastructure_env" {
  description = "What the Kubernetes overlay reads (infra/k8s/overlays/<env>/infrastructure.env)."
  value       = join("\n", ["CERTIFICATE_ARN=${module.dns.certificate_arn}", "WAF_ACL_ARN=${module.waf.arn}", "ORDERS_DB_ENDPOINT=${module.rds_orders_db.endpoint}", "ORDERS_DB_SECRET_ARN=${module.rds_orders_db.master_user_secret_arn}", "CATALOG_DB_ENDPOINT=${module.rds_catalog_db.endpoint}", "CATALOG_DB_SECRET_ARN=${module.rds_catalog_db.master_user_secret_arn}", "SESSIONS_ENDPOINT=${module.elasticache_sessions.primary_endpoint}", "SESSIONS_USER=${module.elasticache_sessions.user_name}", "CATALOG_CACHE_ENDPOINT=${module.elasticache_catalog_cache.primary_endpoint}", "CATALOG_CACHE_USER=${module.elasticache_catalog_cache.user_name}", "SEARCH_INDEX_ENDPOINT=${module.opensearch_search_index.endpoint}", "ASSETS_BUCKET=${module.s3_assets.bucket_id}", "ORDER_EVENTS_QUEUE_URL=${module.messaging.queue_urls["order-events"]}", ""])
}

output "certificate_arn" {
  description = "ACM certificate Terraform issued for the public name (DNS-validated)."
  value       = module.dns.certificate_arn
}

output "waf_acl_arn" {
  description = "WAF web ACL in front of the public entry."
  value       = module.waf.arn
}

output "access_log_bucket" {
  description = "Bucket for load balancer access logs."
  value       = module.s3_logs.bucket_id
}

output "orders_db_endpoint" {
  description = "orders-db: endpoint."
  value       = module.rds_orders_db.endpoint
}

output "catalog_db_endpoint" {
  description = "catalog-db: endpoint."
  value       = module.rds_catalog_db.endpoint
}

output "sessions_primary_endpoint" {
  description = "sessions: primary_endpoint."
  value       = module.elasticache_sessions.primary_endpoint
}

output "catalog_cache_primary_endpoint" {
  description = "catalog-cache: primary_endpoint."
  value       = module.elasticache_catalog_cache.primary_endpoint
}

output "search_index_endpoint" {
  description = "search-index: endpoint."
  value       = module.opensearch_search_index.endpoint
}

output "search_index_admin_role_arn" {
  description = "search-index: the master user's role (maps the services' roles)."
  value       = module.opensearch_search_index.admin_role_arn
}

output "assets_bucket_id" {
  description = "assets: bucket_id."
  value       = module.s3_assets.bucket_id
}

output "orders_db_recovery_endpoint" {
  description = "orders-db: the cross-region replica the DR runbook promotes."
  value       = module.rds_orders_db_recovery.endpoint
}

output "catalog_db_recovery_endpoint" {
  description = "catalog-db: the cross-region replica the DR runbook promotes."
  value       = module.rds_catalog_db_recovery.endpoint
}

output "assets_recovery_bucket_id" {
  description = "assets: the replica bucket in the recovery region."
  value       = module.s3_assets_recovery.bucket_id
}
