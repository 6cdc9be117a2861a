# State in the staging account's bucket, made by infra/terraform/bootstrap/staging; S3 itself holds the lock (use_lockfile, Terraform >= 1.11: DynamoDB locking is deprecated, https://developer.hashicorp.com/terraform/language/backend/s3).
terraform {
  backend "s3" {
    bucket       = "leave-planner-tfstate-111122223333-eu-central-1"
    key          = "staging/terraform.tfstate"
    region       = "eu-central-1"
    encrypt      = true
    kms_key_id   = "arn:aws:kms:eu-central-1:111122223333:alias/leave-planner-tfstate"
    use_lockfile = true
  }
}
