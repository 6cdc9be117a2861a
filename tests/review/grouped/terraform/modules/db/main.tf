# One database module called by two roots: its unencrypted storage is one finding to
# fix here, found through both roots.
variable "name" {
  type = string
}

resource "aws_db_instance" "this" {
  identifier                  = var.name
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = false
  multi_az                    = true
  backup_retention_period     = 7
}
