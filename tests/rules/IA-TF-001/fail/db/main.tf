variable "subnet_ids" {
  type = list(string)
}

resource "aws_db_subnet_group" "this" {
  name       = "orders"
  subnet_ids = var.subnet_ids
}

# publicly_accessible = false does not help: the subnets route to the internet.
resource "aws_db_instance" "this" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.this.name
  publicly_accessible         = false
  storage_encrypted           = true
  multi_az                    = true
  backup_retention_period     = 7
}
