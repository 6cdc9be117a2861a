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
  value       = join("\n", ["CERTIFICATE_ARN=${var.certificate_arn}", "REDIS_CART_ENDPOINT=${module.elasticache_redis_cart.primary_endpoint}", "REDIS_CART_USER=${module.elasticache_redis_cart.user_name}", ""])
}

output "access_log_bucket" {
  description = "Bucket for load balancer access logs."
  value       = module.s3_logs.bucket_id
}

output "redis_cart_primary_endpoint" {
  description = "redis-cart: primary_endpoint."
  value       = module.elasticache_redis_cart.primary_endpoint
}
