variable "name" {
  type = string
}

variable "replicate_source_db" {
  description = "The primary to replicate; null for a primary."
  type        = string
  default     = null
}

variable "multi_az" {
  type    = bool
  default = true
}

variable "backup_retention_period" {
  type    = number
  default = 7
}

resource "aws_db_instance" "this" {
  identifier                  = var.name
  engine                      = "postgres"
  instance_class              = "db.r6g.large"
  allocated_storage           = 100
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  replicate_source_db         = try(var.replicate_source_db, null)
  multi_az                    = var.multi_az
  backup_retention_period     = var.backup_retention_period
}

output "identifier" {
  value = aws_db_instance.this.identifier
}
