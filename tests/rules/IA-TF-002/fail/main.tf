variable "db_password" {
  type    = string
  default = "correct-horse-battery"
}

resource "aws_db_instance" "this" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 20
  username                = "app"
  password                = "hunter2hunter2"
  storage_encrypted       = true
  backup_retention_period = 7
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = local.aws_secret
}

provider "aws" {
  alias  = "audit"
  region = "eu-west-1"
  token  = var.session
}

variable "session" {
  type    = string
  default = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
}

locals {
  aws_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  cache_auth = "correct-horse-battery-staple"
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "sessions"
  auth_token           = local.cache_auth
}

module "db" {
  source   = "./modules/db"
  password = "hunter2hunter2"
}

module "quiet" {
  source = "./modules/db"
}
