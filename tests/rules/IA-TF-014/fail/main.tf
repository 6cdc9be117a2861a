resource "aws_s3_bucket" "assets" {
  bucket = "assets"
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.assets.arn}/*"
    }]
  })
}

resource "aws_sqs_queue" "orders" {
  name = "orders"
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy    = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
        "Resource": "${aws_sqs_queue.orders.arn}",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}
      }]
    }
  EOF
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Anyone"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description = "data"
  policy      = data.aws_iam_policy_document.key.json
}

locals {
  topic_policy = {
    Statement = [{ Effect = "Allow", Principal = { AWS = ["*"] }, Action = "sns:Publish", Resource = "*" }]
  }
}

resource "aws_sns_topic" "alerts" {
  name   = "alerts"
  policy = jsonencode(local.topic_policy)
}

# Open to anyone and attached: one of its two consumers has count 0, the other exists
data "aws_iam_policy_document" "send" {
  statement {
    actions   = ["SES:SendEmail"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

variable "world_policy" {
  type    = bool
  default = false
}

resource "aws_ses_identity_policy" "flagged" {
  count    = var.world_policy ? 1 : 0
  name     = "flagged"
  identity = "example.com"
  policy   = data.aws_iam_policy_document.send.json
}

resource "aws_ses_identity_policy" "always" {
  name     = "always"
  identity = "example.org"
  policy   = data.aws_iam_policy_document.send.json
}
