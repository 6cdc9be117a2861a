data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::orders/*"]
  }
}

resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

# NotAction on "*": every action of every service but the one listed
resource "aws_iam_role_policy" "almost_admin" {
  name = "almost-admin"
  role = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", NotAction = "s3:DeleteBucket", Resource = "*" }]
  })
}

data "aws_iam_policy_document" "all_but_iam" {
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}
