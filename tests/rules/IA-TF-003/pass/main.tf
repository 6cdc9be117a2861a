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
