output "role_arns" {
  description = "Role of each add-on that calls AWS (bound by Pod Identity; nothing in git needs it)."
  value       = { for k, v in aws_iam_role.this : k => v.arn }
}

output "pod_identity_associations" {
  description = "namespace/service account bound to each add-on role."
  value       = { for k, v in aws_eks_pod_identity_association.this : k => "${v.namespace}/${v.service_account}" }
}

output "karpenter_queue_name" {
  description = "Karpenter's interruption queue (empty without Karpenter)."
  value       = try(aws_sqs_queue.karpenter[0].name, "")
}
