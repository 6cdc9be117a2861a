# State in S3 with a DynamoDB lock; create both once, before the first init.
terraform {
  backend "s3" {
    bucket         = "payments-terraform-state"
    key            = "staging/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "payments-terraform-locks"
    encrypt        = true
  }
}
