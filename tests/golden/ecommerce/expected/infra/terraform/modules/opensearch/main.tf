data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  zone_awareness = var.availability_zones > 1
  log_types      = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"]
  domain_arn     = "arn:aws:es:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:domain/${var.domain_name}"
}

resource "aws_security_group" "this" {
  name        = "${var.domain_name}-search"
  description = "HTTPS to ${var.domain_name} from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.domain_name}-search" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS from ${each.key}"
  referenced_security_group_id = each.value
  from_port                    = 443
  to_port                      = 443
  ip_protocol                  = "tcp"
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(local.log_types)

  name              = "/aws/opensearch/${var.domain_name}/${lower(each.value)}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:PutLogEvents", "logs:CreateLogStream"]
    resources = [for group in aws_cloudwatch_log_group.this : "${group.arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["es.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  policy_name     = "${var.domain_name}-opensearch-logs"
  policy_document = data.aws_iam_policy_document.logs.json
}

# Fine-grained access control's master user: a role, not the account root (whose ARN
# only root's own credentials match, so no one could map the services' roles), assumable
# by the account's administrators through their own IAM permissions. It maps the services'
# roles to index permissions once (docs/deploy.md); audit logs need fine-grained access
# control on (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html).
data "aws_iam_policy_document" "admin_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_iam_role" "admin" {
  name               = "${var.domain_name}-admin"
  assume_role_policy = data.aws_iam_policy_document.admin_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
    resources = ["${local.domain_arn}/*"]
  }
}

resource "aws_iam_role_policy" "admin" {
  name   = "domain-http"
  role   = aws_iam_role.admin.id
  policy = data.aws_iam_policy_document.admin.json
}

# Who may reach the domain at all: the admin role and the calling services' roles (fine-
# grained access control then authorizes each request inside).
data "aws_iam_policy_document" "access" {
  statement {
    actions   = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
    resources = ["${local.domain_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = concat([aws_iam_role.admin.arn], var.client_role_arns)
    }
  }
}

resource "aws_opensearch_domain" "this" {
  #checkov:skip=CKV_AWS_318:The design sizes data nodes only; every data node is master-eligible and zone awareness keeps a quorum through one AZ loss. Add dedicated masters (and their cost) above 10 data nodes.
  #checkov:skip=CKV2_AWS_59:Same as CKV_AWS_318: master-eligible data nodes across AZs; dedicated masters are a sizing step for larger domains.
  domain_name     = var.domain_name
  engine_version  = var.engine_version
  access_policies = data.aws_iam_policy_document.access.json

  cluster_config {
    instance_type          = var.instance_type
    instance_count         = var.instance_count
    zone_awareness_enabled = local.zone_awareness

    dynamic "zone_awareness_config" {
      for_each = local.zone_awareness ? [var.availability_zones] : []
      content {
        availability_zone_count = zone_awareness_config.value
      }
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = var.volume_size_gb
  }

  vpc_options {
    subnet_ids         = slice(var.subnet_ids, 0, var.availability_zones)
    security_group_ids = [aws_security_group.this.id]
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = var.kms_key_arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
  }

  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = false
    anonymous_auth_enabled         = false

    master_user_options {
      master_user_arn = aws_iam_role.admin.arn
    }
  }

  snapshot_options {
    automated_snapshot_start_hour = 3
  }

  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["AUDIT_LOGS"].arn
  }

  log_publishing_options {
    log_type                 = "ES_APPLICATION_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["ES_APPLICATION_LOGS"].arn
  }

  log_publishing_options {
    log_type                 = "INDEX_SLOW_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["INDEX_SLOW_LOGS"].arn
  }

  log_publishing_options {
    log_type                 = "SEARCH_SLOW_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.this["SEARCH_SLOW_LOGS"].arn
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_resource_policy.this]
}
