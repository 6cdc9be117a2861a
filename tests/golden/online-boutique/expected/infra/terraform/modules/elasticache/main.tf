data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # Automatic failover needs at least one replica.
  failover = var.num_cache_clusters > 1
  # Known from the name alone, so the clients' IAM policies plan before the group exists.
  arn_prefix = "arn:${data.aws_partition.current.partition}:elasticache:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}"
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Data-tier subnets of ${var.name}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-cache"
  description = "Connections to ${var.name} from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-cache" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "Cache port from ${each.key}"
  referenced_security_group_id = each.value
  from_port                    = var.port
  to_port                      = var.port
  ip_protocol                  = "tcp"
}

# No password exists: clients authenticate with IAM (Valkey 7.2+ / Redis OSS 7+). A client
# signs a 15-minute token with its own role, which needs elasticache:Connect on this
# replication group and on the user, and presents it in AUTH as the user
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html). An AUTH token
# instead would land in Terraform state in plaintext: the replication group's auth_token
# has no write-only form in the provider versions this code supports (auth_token_wo
# arrived in hashicorp/aws 6.x), and a generated one is state too.
resource "aws_elasticache_user" "this" {
  # IAM-authenticated users must have the same name as their ID.
  user_id       = var.name
  user_name     = var.name
  engine        = "redis"
  access_string = var.access_string

  authentication_mode {
    type = "iam"
  }

  tags = var.tags
}

# Every user group holds a user named "default", the identity of a connection before AUTH;
# this one is switched off and has no command, so an unauthenticated connection can do
# nothing (it needs no password for that).
resource "aws_elasticache_user" "default" {
  user_id       = "${var.name}-default"
  user_name     = "default"
  engine        = "redis"
  access_string = "off -@all"

  authentication_mode {
    type = "no-password-required"
  }

  tags = var.tags
}

resource "aws_elasticache_user_group" "this" {
  engine        = "redis"
  user_group_id = var.name
  user_ids      = [aws_elasticache_user.default.user_id, aws_elasticache_user.this.user_id]

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(["slow-log", "engine-log"])

  name              = "/aws/elasticache/${var.name}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "${var.name} (${var.engine})"
  engine               = var.engine
  engine_version       = var.engine_version
  parameter_group_name = var.parameter_group_name
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  port                 = var.port

  automatic_failover_enabled = local.failover
  multi_az_enabled           = local.failover

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  user_group_ids             = [aws_elasticache_user_group.this.user_group_id]

  snapshot_retention_limit   = var.snapshot_retention_days
  auto_minor_version_upgrade = true
  apply_immediately          = false

  dynamic "log_delivery_configuration" {
    for_each = aws_cloudwatch_log_group.this
    content {
      destination      = log_delivery_configuration.value.name
      destination_type = "cloudwatch-logs"
      log_format       = "json"
      log_type         = log_delivery_configuration.key
    }
  }

  tags = var.tags
}
