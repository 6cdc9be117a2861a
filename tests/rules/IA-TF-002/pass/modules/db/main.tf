variable "password" {
  type    = string
  default = null
}

resource "aws_db_instance" "this" {
  identifier              = "billing"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 20
  username                = "app"
  password                = var.password
  storage_encrypted       = true
  backup_retention_period = 7
}
