# Values come from variable files, as Terraform loads them: multi_az only from
# terraform.tfvars (no default: unknown without it), the backup retention from the last
# *.auto.tfvars by name (a .json one among them), encryption only from envs/prod.tfvars
# when it is named with --var-file.
variable "db_multi_az" {
  type = bool
}

variable "backup_days" {
  type    = number
  default = 7
}

variable "encrypted" {
  type    = bool
  default = true
}

resource "aws_db_instance" "orders" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = var.encrypted
  multi_az                    = var.db_multi_az
  backup_retention_period     = var.backup_days
  # on: this fixture is about which SLO / variable file applies; IA-TF-017 has its own
  deletion_protection = true
}
