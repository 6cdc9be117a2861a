data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id
  # Named by AWS, so known before the role exists (the bootstrap root creates it).
  autoscaling_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

# The account root keeps administrative access (the AWS default key policy), so the key can
# never become unmanageable; services that write encrypted data on our behalf are named.
data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:A key policy: Resource "*" means this key only, and the account-root statement is the AWS default that delegates access control to IAM policies.
  #checkov:skip=CKV_AWS_111:A key policy: Resource "*" means this key only; writes are limited to the named services under source-account conditions.
  #checkov:skip=CKV_AWS_356:A key policy: Resource "*" is the only valid resource in a key policy and means this key.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # EKS node groups launch through EC2 Auto Scaling, which acts as its service-linked role;
  # the launch template encrypts node volumes with this key, and the account-root statement
  # does not reach a service-linked role (its IAM policy cannot be extended). These are the
  # two statements AWS documents ("Required AWS KMS key policy for use with encrypted
  # volumes", Example 1:
  # https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
  # The role must exist before this key: the account bootstrap creates it.
  dynamic "statement" {
    for_each = var.workload_platform == "eks" ? [local.autoscaling_role_arn] : []
    content {
      sid       = "AutoScalingUseForEncryptedNodeVolumes"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [statement.value]
      }
    }
  }

  dynamic "statement" {
    for_each = var.workload_platform == "eks" ? [local.autoscaling_role_arn] : []
    content {
      sid       = "AutoScalingGrantsForAttachedVolumes"
      actions   = ["kms:CreateGrant"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [statement.value]
      }

      condition {
        test     = "Bool"
        variable = "kms:GrantIsForAWSResource"
        values   = ["true"]
      }
    }
  }

  statement {
    sid       = "AlarmsAndEventsToEncryptedTopics"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: data at rest (databases, caches, buckets, queues, logs, secrets)"
  deletion_window_in_days = var.kms_deletion_window_days
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.kms.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "assume" {
  for_each = var.service_roles

  statement {
    actions = var.workload_platform == "eks" ? ["sts:AssumeRoleWithWebIdentity"] : ["sts:AssumeRole"]

    dynamic "principals" {
      for_each = var.workload_platform == "eks" ? [var.oidc_provider_arn] : []
      content {
        type        = "Federated"
        identifiers = [principals.value]
      }
    }

    dynamic "principals" {
      for_each = var.workload_platform == "ecs" ? ["ecs-tasks.amazonaws.com"] : []
      content {
        type        = "Service"
        identifiers = [principals.value]
      }
    }

    dynamic "condition" {
      for_each = var.workload_platform == "eks" ? [1] : []
      content {
        test     = "StringEquals"
        variable = "${var.oidc_provider_url}:sub"
        values   = ["system:serviceaccount:${each.value.namespace}:${coalesce(each.value.service_account, each.key)}"]
      }
    }

    dynamic "condition" {
      for_each = var.workload_platform == "eks" ? [1] : []
      content {
        test     = "StringEquals"
        variable = "${var.oidc_provider_url}:aud"
        values   = ["sts.amazonaws.com"]
      }
    }

    dynamic "condition" {
      for_each = var.workload_platform == "ecs" ? [1] : []
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }
}

resource "aws_iam_role" "service" {
  for_each = var.service_roles

  name               = "${var.name}-${each.key}"
  description        = "Workload role of the ${each.key} service"
  assume_role_policy = data.aws_iam_policy_document.assume[each.key].json

  tags = merge(var.tags, { Service = each.key })
}

data "aws_iam_policy_document" "service" {
  for_each = { for name, role in var.service_roles : name => role if length(role.statements) > 0 }

  dynamic "statement" {
    for_each = each.value.statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }

  dynamic "statement" {
    for_each = each.value.kms_decrypt ? [aws_kms_key.this.arn] : []
    content {
      sid       = "UseDataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "service" {
  for_each = data.aws_iam_policy_document.service

  name   = "least-privilege"
  role   = aws_iam_role.service[each.key].id
  policy = each.value.json
}
