resource "aws_sqs_queue" "dead_letter" {
  for_each = { for name, queue in var.queues : name => queue if queue.enable_dead_letter }

  name                              = "${var.name}-${each.key}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = merge(var.tags, { Role = "dead-letter" })
}

resource "aws_sqs_queue" "this" {
  for_each = var.queues

  name                              = "${var.name}-${each.key}"
  visibility_timeout_seconds        = each.value.visibility_timeout_seconds
  message_retention_seconds         = each.value.message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = each.value.enable_dead_letter ? jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  }) : null

  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  for_each = aws_sqs_queue.dead_letter

  queue_url = each.value.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[each.key].arn]
  })
}

resource "aws_sns_topic" "this" {
  for_each = var.topics

  name              = "${var.name}-${each.key}"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

locals {
  subscriptions = merge([
    for topic, spec in var.topics : {
      for queue in spec.subscriber_queues : "${topic}/${queue}" => { topic = topic, queue = queue }
    }
  ]...)
}

resource "aws_sns_topic_subscription" "queue" {
  for_each = local.subscriptions

  topic_arn            = aws_sns_topic.this[each.value.topic].arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this[each.value.queue].arn
  raw_message_delivery = true
}

data "aws_iam_policy_document" "topic_to_queue" {
  for_each = local.subscriptions

  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this[each.value.queue].arn]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.this[each.value.topic].arn]
    }
  }
}

resource "aws_sqs_queue_policy" "topic_to_queue" {
  for_each = local.subscriptions

  queue_url = aws_sqs_queue.this[each.value.queue].id
  policy    = data.aws_iam_policy_document.topic_to_queue[each.key].json
}

resource "aws_kinesis_stream" "this" {
  for_each = var.streams

  name             = "${var.name}-${each.key}"
  retention_period = each.value.retention_hours
  # Provisioned streams have the design's shards; on-demand ones are sized by AWS.
  shard_count     = each.value.stream_mode == "PROVISIONED" ? each.value.shard_count : null
  encryption_type = "KMS"
  kms_key_id      = var.kms_key_arn

  stream_mode_details {
    stream_mode = each.value.stream_mode
  }

  tags = var.tags
}
