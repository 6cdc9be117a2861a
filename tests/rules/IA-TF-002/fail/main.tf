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
