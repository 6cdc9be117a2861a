resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

variable "alarm_topics" {
  type = list(string)
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "db-cpu"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

# unknown actions: never guessed empty
resource "aws_cloudwatch_metric_alarm" "queue_age" {
  alarm_name          = "queue-age"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 300
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = var.alarm_topics
}

# feeds a composite alarm that notifies
resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "errors"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 10
  comparison_operator = "GreaterThanThreshold"
}

resource "aws_cloudwatch_composite_alarm" "service" {
  alarm_name    = "service"
  alarm_rule    = "ALARM(${aws_cloudwatch_metric_alarm.errors.alarm_name})"
  alarm_actions = [aws_sns_topic.alerts.arn]
}

# rolls back an ECS deployment
resource "aws_cloudwatch_metric_alarm" "canary" {
  alarm_name          = "canary"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "main"
  task_definition = "api:1"
  desired_count   = 2
  alarms {
    alarm_names = [aws_cloudwatch_metric_alarm.canary.alarm_name]
    enable      = true
    rollback    = true
  }
}
