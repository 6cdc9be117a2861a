# Module calls switched off by count or for_each have no instance: none of their
# resources exist, so none of their findings may be reported. A call whose count is
# unknown here (a variable without a default) may exist, and is reviewed.
variable "create_legacy_db" {
  type    = bool
  default = false
}

variable "reporting_replicas" {
  type = number
}

module "orders_db" {
  source = "./modules/db"
  name   = "orders"
}

module "legacy_db" {
  source = "./modules/db"
  count  = var.create_legacy_db ? 1 : 0
  name   = "legacy"
}

module "archive_db" {
  source   = "./modules/db"
  for_each = {}
  name     = "archive-${each.key}"
}

module "audit_db" {
  source   = "./modules/db"
  for_each = toset([])
  name     = each.value
}

module "reporting_db" {
  source = "./modules/db"
  count  = var.reporting_replicas
  name   = "reporting"
}
