variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "this" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = 7
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id     = "orders"
  secret_string = var.db_password
}

provider "aws" {
  region  = "eu-west-1"
  profile = "deploy"
}

provider "aws" {
  alias  = "audit"
  region = "eu-west-1"
  token  = var.session
}

variable "session" {
  type      = string
  sensitive = true
}

resource "random_password" "db" {
  length = 32
}

locals {
  db_password = random_password.db.result
}

module "db" {
  source   = "./modules/db"
  password = local.db_password
}
