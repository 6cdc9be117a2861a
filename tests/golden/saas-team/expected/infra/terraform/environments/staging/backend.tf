# State in S3 with a DynamoDB lock; create both once, before the first init.
terraform {
  backend "s3" {
    bucket         = "tasklane-terraform-state"
    key            = "staging/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "tasklane-terraform-locks"
    encrypt        = true
  }
}
