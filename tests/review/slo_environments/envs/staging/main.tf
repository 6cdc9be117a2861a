# A single-AZ database in each environment: by design in staging (99%), a finding in
# prod (99.9%) when --slo says so per environment.
resource "aws_db_instance" "orders" {
  identifier                  = "orders-staging"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  multi_az                    = false
  backup_retention_period     = 7
  # on: this fixture is about which SLO / variable file applies; IA-TF-017 has its own
  deletion_protection = true
}
