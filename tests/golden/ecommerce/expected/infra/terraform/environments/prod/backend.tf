# State in the prod account's bucket, made by infra/terraform/bootstrap/prod; S3 itself holds the lock (use_lockfile, Terraform >= 1.11: DynamoDB locking is deprecated, https://developer.hashicorp.com/terraform/language/backend/s3).
terraform {
  backend "s3" {
    bucket       = "shopfront-tfstate-444455556666-us-east-1"
    key          = "prod/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    kms_key_id   = "arn:aws:kms:us-east-1:444455556666:alias/shopfront-tfstate"
    use_lockfile = true
  }
}
