# A read replica whose source comes through try(): the source is only known at plan
# time, so try() is unknown, not its null fallback, and the replica is not reviewed as
# a single-AZ primary without backups. A try() whose first argument fails for certain
# (a key the map does not have) does fall back: "scratch" is a primary.
locals {
  scratch = {}
}

module "orders_db" {
  source = "./modules/db"
  name   = "orders"
}

module "orders_replica" {
  source                  = "./modules/db"
  name                    = "orders-replica"
  replicate_source_db     = module.orders_db.identifier
  multi_az                = false
  backup_retention_period = 0
}

resource "aws_db_instance" "scratch" {
  identifier                  = "scratch"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  multi_az                    = true
  replicate_source_db         = try(local.scratch.source, null)
  backup_retention_period     = 0
}
