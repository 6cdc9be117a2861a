output "state_bucket" {
  description = "Bucket of the environment roots' state."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "Key of the state bucket."
  value       = aws_kms_key.state.arn
}

output "github_oidc_provider_arn" {
  description = "GitHub's OIDC provider in this account."
  value       = local.github_oidc_provider_arn
}

output "github_prod_deploy_role_arn" {
  description = "GitHub variable AWS_DEPLOY_ROLE_ARN of the prod environment."
  value       = aws_iam_role.github_prod_deploy.arn
}
