# Resources switched on by opposite answers to one test never exist together: in a
# sandbox the data subnets get a route to the internet and the orders database is not
# created; in production the database is created and the route is not. The test is
# unknown here (a variable without a default), so each side alone is reviewed, but a
# finding that needs both sides at once (the database routed to the internet) is not.
variable "sandbox" {
  type = bool
}

locals {
  production = !var.sandbox
}

resource "aws_vpc" "this" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "data" {
  count             = 2
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet("10.30.0.0/16", 8, count.index)
  availability_zone = element(["eu-west-1a", "eu-west-1b"], count.index)
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route" "data_internet" {
  count                  = var.sandbox ? 1 : 0
  route_table_id         = aws_route_table.data.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "data" {
  count          = 2
  subnet_id      = aws_subnet.data[count.index].id
  route_table_id = aws_route_table.data.id
}

resource "aws_db_subnet_group" "data" {
  name       = "data"
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_db_instance" "orders" {
  count                       = var.sandbox ? 0 : 1
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.r6g.large"
  allocated_storage           = 100
  username                    = "app"
  manage_master_user_password = true
  multi_az                    = true
  storage_encrypted           = true
  backup_retention_period     = 14
  db_subnet_group_name        = aws_db_subnet_group.data.name
}

# The same, switched by the negation: never together with the route either.
resource "aws_db_instance" "billing" {
  count                       = (!var.sandbox) ? 1 : 0
  identifier                  = "billing"
  engine                      = "postgres"
  instance_class              = "db.r6g.large"
  allocated_storage           = 100
  username                    = "app"
  manage_master_user_password = true
  multi_az                    = true
  storage_encrypted           = true
  backup_retention_period     = 14
  db_subnet_group_name        = aws_db_subnet_group.data.name
}

# A sandbox database exists with the route: reported.
resource "aws_db_instance" "sandbox" {
  count                       = var.sandbox ? 1 : 0
  identifier                  = "sandbox"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  multi_az                    = true
  storage_encrypted           = true
  backup_retention_period     = 7
  db_subnet_group_name        = aws_db_subnet_group.data.name
}

# A cache in every case: reported (it is there whenever the route is).
resource "aws_elasticache_subnet_group" "data" {
  name       = "data"
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "sessions"
  node_type                  = "cache.r6g.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  subnet_group_name          = aws_elasticache_subnet_group.data.name
}

# A test through a local is a different text: not known to be exclusive, reported.
resource "aws_db_instance" "ledger" {
  count                       = local.production ? 1 : 0
  identifier                  = "ledger"
  engine                      = "postgres"
  instance_class              = "db.r6g.large"
  allocated_storage           = 100
  username                    = "app"
  manage_master_user_password = true
  multi_az                    = true
  storage_encrypted           = true
  backup_retention_period     = 14
  db_subnet_group_name        = aws_db_subnet_group.data.name
}
