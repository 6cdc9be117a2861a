output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "Name per long-running service."
  value       = { for name, service in aws_ecs_service.this : name => service.name }
}

output "security_group_ids" {
  description = "Security group per service (data stores admit these)."
  value       = { for name, group in aws_security_group.service : name => group.id }
}

output "task_execution_role_arn" {
  description = "Role that pulls images and injects secrets."
  value       = aws_iam_role.execution.arn
}

output "codedeploy_app_name" {
  description = "CodeDeploy application of the canary services (empty when none)."
  value       = try(aws_codedeploy_app.this[0].name, "")
}
