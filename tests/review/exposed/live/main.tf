locals {
  # "temporarily" opened for a contractor's laptop
  anywhere = ["0.0.0.0/0"]
}

module "network" {
  source = "../network"
}

module "orders_db" {
  source     = "../database"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.public_subnet_ids
  open_to    = local.anywhere
}

resource "aws_cloudwatch_metric_alarm" "db_storage" {
  alarm_name          = "orders-db-storage"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  comparison_operator = "LessThanThreshold"
  evaluation_periods  = 1
  period              = 300
  statistic           = "Minimum"
  threshold           = 10000000000
}
