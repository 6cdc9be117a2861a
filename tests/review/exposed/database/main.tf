variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "open_to" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

resource "aws_security_group" "db" {
  name   = "orders-db"
  vpc_id = var.vpc_id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.open_to
  }
}

resource "aws_db_subnet_group" "this" {
  name       = "orders"
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "this" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.r6g.large"
  allocated_storage           = 100
  username                    = "app"
  manage_master_user_password = true
  multi_az                    = true
  storage_encrypted           = true
  backup_retention_period     = 14
  db_subnet_group_name        = aws_db_subnet_group.this.name
  vpc_security_group_ids      = [aws_security_group.db.id]
}
