data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # Known from the names alone, so the clients' IAM policies plan before the cluster exists.
  arn_prefix = "arn:${data.aws_partition.current.partition}:memorydb:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}"
}

resource "aws_memorydb_subnet_group" "this" {
  name        = var.name
  description = "Data-tier subnets of ${var.name}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-memorydb"
  description = "Connections to ${var.name} from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-memorydb" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "Redis port (TLS) from ${each.key}"
  referenced_security_group_id = each.value
  from_port                    = var.port
  to_port                      = var.port
  ip_protocol                  = "tcp"
}

# No password exists: clients authenticate with IAM (Redis OSS 7+). A client signs a
# 15-minute token with its own role, which needs memorydb:Connect on this cluster and on
# the user, and presents it in AUTH as the user (MemoryDB Developer Guide,
# "Authenticating with IAM"). The ACL holds only this user.
resource "aws_memorydb_user" "this" {
  user_name     = var.name
  access_string = var.access_string

  authentication_mode {
    type = "iam"
  }

  tags = var.tags
}

resource "aws_memorydb_acl" "this" {
  name       = var.name
  user_names = [aws_memorydb_user.this.user_name]

  tags = var.tags
}

resource "aws_memorydb_cluster" "this" {
  name                   = var.name
  description            = "${var.name}: primary data (Multi-AZ transaction log)"
  engine_version         = var.engine_version
  node_type              = var.node_type
  num_shards             = var.shards
  num_replicas_per_shard = var.replicas_per_shard
  port                   = var.port

  acl_name           = aws_memorydb_acl.this.name
  subnet_group_name  = aws_memorydb_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  tls_enabled = true
  kms_key_arn = var.kms_key_arn

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:04:00-sun:05:00"
  auto_minor_version_upgrade = true
  sns_topic_arn              = var.alarm_topic_arn
  final_snapshot_name        = var.final_snapshot ? "${var.name}-final" : null

  tags = var.tags
}
