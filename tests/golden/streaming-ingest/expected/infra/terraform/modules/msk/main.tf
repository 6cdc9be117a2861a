data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  provisioned = !var.serverless
  cluster_arn = local.provisioned ? one(aws_msk_cluster.this[*].arn) : one(aws_msk_serverless_cluster.this[*].arn)
  cluster_uuid = (
    local.provisioned ? one(aws_msk_cluster.this[*].cluster_uuid) : one(aws_msk_serverless_cluster.this[*].cluster_uuid)
  )
  # Topic and group ARNs are the cluster's with the resource type swapped and the name
  # appended (MSK Developer Guide, "Semantics of IAM authorization policy actions and
  # resources"), so the clients' policies name exactly their topic and group.
  resource_prefix = "arn:${data.aws_partition.current.partition}:kafka:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}"
}

resource "aws_security_group" "this" {
  name        = "${var.name}-kafka"
  description = "Kafka clients of ${var.name} (IAM authentication over TLS)"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-kafka" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "Kafka over TLS with IAM authentication from ${each.key}"
  referenced_security_group_id = each.value
  from_port                    = var.port
  to_port                      = var.port
  ip_protocol                  = "tcp"
}

# --- provisioned ------------------------------------------------------------------------

resource "aws_msk_configuration" "this" {
  count = local.provisioned ? 1 : 0

  name           = var.name
  description    = "Replication and retention of ${var.name}"
  kafka_versions = [var.kafka_version]

  # Topics are created by the producers with the design's partitions (auto-creation
  # would take whatever a client's first request implies); every write is acknowledged
  # by min.insync.replicas replicas, and an out-of-sync replica never becomes leader.
  server_properties = <<-PROPERTIES
    auto.create.topics.enable=false
    default.replication.factor=${var.replication_factor}
    min.insync.replicas=${var.min_insync_replicas}
    num.partitions=${var.partitions}
    unclean.leader.election.enable=false
    log.retention.hours=${var.retention_hours}
  PROPERTIES
}

resource "aws_cloudwatch_log_group" "this" {
  count = local.provisioned ? 1 : 0

  name              = "/aws/msk/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_msk_cluster" "this" {
  count = local.provisioned ? 1 : 0

  cluster_name           = var.name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count
  enhanced_monitoring    = "PER_BROKER"

  broker_node_group_info {
    instance_type   = var.instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.this.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.volume_size_gb
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this[0].arn
    revision = aws_msk_configuration.this[0].latest_revision
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = var.kms_key_arn

    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  # IAM access control only: no password or certificate exists; each client's role
  # is allowed its topic and group (kafka-cluster:* actions).
  client_authentication {
    unauthenticated = false

    sasl {
      iam = true
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.this[0].name
      }
    }
  }

  tags = var.tags
}

# --- Serverless -------------------------------------------------------------------------

# MSK Serverless: IAM access control only, TLS always, encrypted at rest with a key MSK
# owns (it takes no customer-managed key), capacity and partitions placed by AWS.
resource "aws_msk_serverless_cluster" "this" {
  count = local.provisioned ? 0 : 1

  cluster_name = var.name

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  client_authentication {
    sasl {
      iam {
        enabled = true
      }
    }
  }

  tags = var.tags
}
