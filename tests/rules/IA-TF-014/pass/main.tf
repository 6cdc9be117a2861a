resource "aws_s3_bucket" "assets" {
  bucket = "assets"
}

# TLS only: a Deny on everyone is how buckets refuse plain HTTP
resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["${aws_s3_bucket.assets.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.assets.arn}/*"
        Condition = { StringEquals = { "AWS:SourceArn" = var.distribution_arn } }
      },
    ]
  })
}

variable "distribution_arn" {
  type = string
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
        "Action": "sqs:SendMessage",
        "Resource": "${aws_sqs_queue.orders.arn}",
        "Condition": {"ArnEquals": {"aws:SourceArn": "${aws_sns_topic.alerts.arn}"}}
      }]
    }
  EOF
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-abc123"]
    }
  }
}

resource "aws_kms_key" "this" {
  description = "data"
  policy      = data.aws_iam_policy_document.key.json
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

# Open to anyone but attached nowhere: its only consumer has count 0 with the committed
# flag (sadcloud's SES module), so no policy exists to be open
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
