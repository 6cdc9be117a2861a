# infra-architect: slo=99.9
variable "environment" {
  type = string
}

resource "aws_db_instance" "orders" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = 7
  deletion_protection         = true
}

# a replica: deleting it loses no data
resource "aws_db_instance" "orders_read" {
  identifier          = "orders-read"
  instance_class      = "db.t4g.medium"
  replicate_source_db = aws_db_instance.orders.identifier
}

# written down: a stack meant to be destroyed
resource "aws_rds_cluster" "scratch" {
  cluster_identifier          = "scratch"
  engine                      = "aurora-postgresql"
  master_username             = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = 1
  deletion_protection         = false
}

# unknown here: never guessed
resource "aws_rds_cluster" "billing" {
  cluster_identifier          = "billing"
  engine                      = "aurora-postgresql"
  master_username             = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = 7
  deletion_protection         = var.environment == "prod"
}
