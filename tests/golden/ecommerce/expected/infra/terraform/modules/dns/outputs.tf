output "certificate_arn" {
  description = "ARN of the issued certificate (after DNS validation completed)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "zone_id" {
  description = "ID of the hosted zone the name lives in."
  value       = data.aws_route53_zone.this.zone_id
}

output "zone_arn" {
  description = "ARN of the hosted zone (external-dns's role may change records only there)."
  value       = data.aws_route53_zone.this.arn
}

output "health_check_id" {
  description = "ID of the primary's health check (null: no failover pair)."
  value       = try(aws_route53_health_check.this[0].id, null)
}
