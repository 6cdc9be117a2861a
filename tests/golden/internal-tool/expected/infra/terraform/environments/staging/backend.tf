# State in S3 with a DynamoDB lock; create both once, before the first init.
terraform {
  backend "s3" {
    bucket         = "leave-planner-terraform-state"
    key            = "staging/terraform.tfstate"
    region         = "eu-central-1"
    dynamodb_table = "leave-planner-terraform-locks"
    encrypt        = true
  }
}
