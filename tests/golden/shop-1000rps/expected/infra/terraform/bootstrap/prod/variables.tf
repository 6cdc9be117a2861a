variable "region" {
  description = "AWS region of the state bucket and the pipelines' roles."
  type        = string
  default     = "us-east-1"
}

variable "create_github_oidc_provider" {
  description = "Create GitHub's OIDC provider (false: the account has it already, and it is read instead; an account holds one provider per URL)."
  type        = bool
  default     = true
}
