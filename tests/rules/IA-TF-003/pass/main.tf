data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::orders/*"]
  }

  statement {
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_kms_key" "this" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

# X-Ray's trace writes take no resource type: "*" is the only Resource they accept.
data "aws_iam_policy_document" "tracing" {
  statement {
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

# NotAction scoped to one bucket, or held to the organisation by a condition
data "aws_iam_policy_document" "bucket_but_delete" {
  statement {
    not_actions = ["s3:DeleteBucket"]
    resources   = ["arn:aws:s3:::orders"]
  }

  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-example"]
    }
  }
}

# Every action on every resource, but attached nowhere: the only role policy using it
# has count 0 unless break-glass access is switched on
data "aws_iam_policy_document" "break_glass" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

variable "break_glass" {
  type    = bool
  default = false
}

resource "aws_iam_role_policy" "break_glass" {
  count  = var.break_glass ? 1 : 0
  name   = "break-glass"
  role   = "operator"
  policy = data.aws_iam_policy_document.break_glass.json
}
