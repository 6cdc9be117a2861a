locals {
  is_secondary = var.global_cluster_identifier != null
  engine       = var.engine == "postgres" ? "aurora-postgresql" : "aurora-mysql"
  log_exports  = var.engine == "postgres" ? ["postgresql"] : ["audit", "error", "general", "slowquery"]
  # TLS is required on every connection; slow statements and connections are logged.
  parameters = var.engine == "postgres" ? {
    "rds.force_ssl"              = "1"
    "log_min_duration_statement" = "1000"
    "log_connections"            = "1"
    "log_disconnections"         = "1"
    } : {
    "require_secure_transport" = "ON"
    "slow_query_log"           = "1"
    "long_query_time"          = "1"
    "server_audit_logging"     = "1"
  }
}

resource "aws_db_subnet_group" "this" {
  name        = var.identifier
  description = "Data-tier subnets of ${var.identifier}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.identifier}-db"
  description = "Connections to ${var.identifier} from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.identifier}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "Database port from ${each.key}"
  referenced_security_group_id = each.value
  from_port                    = var.port
  to_port                      = var.port
  ip_protocol                  = "tcp"
}

resource "aws_rds_cluster_parameter_group" "this" {
  name        = var.identifier
  family      = var.parameter_group_family
  description = "Cluster parameters of ${var.identifier}"

  dynamic "parameter" {
    for_each = local.parameters
    content {
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(local.log_exports)

  name              = "/aws/rds/cluster/${var.identifier}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${var.identifier}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# The Global Database this cluster leads, when its data must reach the recovery region
# (its secondary cluster there joins it with global_cluster_identifier).
resource "aws_rds_global_cluster" "this" {
  count = var.create_global_cluster ? 1 : 0

  global_cluster_identifier    = "${var.identifier}-global"
  source_db_cluster_identifier = aws_rds_cluster.this.arn
  force_destroy                = true
  deletion_protection          = var.deletion_protection
}

# The cluster: one volume of six copies across three AZs, a writer, and readers that
# take over on failover (a reader in another AZ is promoted in about 30 s) and serve reads.
# A secondary (global_cluster_identifier set) replicates the primary's volume from another
# region and is promoted by the DR runbook.
resource "aws_rds_cluster" "this" {
  #checkov:skip=CKV2_AWS_8:Aurora's automated backups are continuous (point-in-time recovery to any second of backup_retention_days, set from the RPO and compliance); an AWS Backup plan would keep a second copy of the same data in the same region.
  cluster_identifier        = var.identifier
  global_cluster_identifier = var.global_cluster_identifier
  engine                    = local.engine
  engine_version            = var.engine_version
  database_name             = local.is_secondary ? null : var.database_name
  port                      = var.port
  storage_type              = var.io_optimized ? "aurora-iopt1" : null

  master_username                     = local.is_secondary ? null : var.master_username
  manage_master_user_password         = local.is_secondary ? null : true
  master_user_secret_kms_key_id       = local.is_secondary ? null : var.kms_key_arn
  iam_database_authentication_enabled = true

  storage_encrypted = true
  kms_key_id        = var.kms_key_arn

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = var.backup_window
  preferred_maintenance_window = var.maintenance_window
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = var.skip_final_snapshot
  final_snapshot_identifier    = var.skip_final_snapshot ? null : "${var.identifier}-final"

  enabled_cloudwatch_logs_exports = local.log_exports

  tags = var.tags

  # Joining or leaving a Global Database is done by the DR runbook, not a plan.
  lifecycle {
    ignore_changes = [global_cluster_identifier]
  }

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_rds_cluster_instance" "this" {
  count = var.instances

  identifier         = "${var.identifier}-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.this.id
  engine             = aws_rds_cluster.this.engine
  engine_version     = aws_rds_cluster.this.engine_version
  instance_class     = var.instance_class
  promotion_tier     = count.index

  db_subnet_group_name       = aws_db_subnet_group.this.name
  publicly_accessible        = false
  auto_minor_version_upgrade = true
  copy_tags_to_snapshot      = true

  performance_insights_enabled          = var.enable_performance_insights
  performance_insights_kms_key_id       = var.enable_performance_insights ? var.kms_key_arn : null
  performance_insights_retention_period = var.enable_performance_insights ? 7 : null
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null

  tags = merge(var.tags, { Role = count.index == 0 ? "writer" : "reader" })
}
