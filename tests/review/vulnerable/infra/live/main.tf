# A legacy production stack, vulnerable by design: every problem below is planted and
# listed in tests/review/expected.json with its file and line.

variable "db_password" {
  type    = string
  default = "correct-horse-battery"
}

variable "cache_nodes" {
  type    = number
  default = 1
}

locals {
  public = true
}

resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 20
  username                = "app"
  password                = var.db_password
  publicly_accessible     = local.public
  storage_encrypted       = false
  backup_retention_period = 0
}

resource "aws_iam_policy" "deploy" {
  name = "deploy"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

# infra-architect:ignore IA-TF-008 -- scratch volume, holds no customer data
resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 100
  encrypted         = false
}

# infra-architect:ignore IA-TF-008
resource "aws_ebs_volume" "logs" {
  availability_zone = "us-east-1a"
  size              = 100
  encrypted         = false
}

resource "aws_ebs_volume" "unused" {
  count             = 0
  availability_zone = "us-east-1a"
  size              = 100
  encrypted         = false
}

module "cache" {
  source = "../modules/cache"
  nodes  = var.cache_nodes
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}

module "outside" {
  source = "../../../outside"
}

resource "aws_lb" "public" {
  name               = "shop"
  load_balancer_type = "application"
  subnets            = ["subnet-0a", "subnet-0b"]
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "orders-db-cpu"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  period              = 60
  statistic           = "Average"
  threshold           = 80
}

resource "aws_subnet" "only" {
  vpc_id            = "vpc-0abc"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_autoscaling_group" "api" {
  name                = "api"
  min_size            = 3
  max_size            = 9
  vpc_zone_identifier = [aws_subnet.only.id]
}
