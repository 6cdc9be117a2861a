resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(var.log_groups)

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

locals {
  burn_windows = length(var.burn_rate_alerts) == 0 ? {} : merge([
    for name, alert in var.burn_rate_alerts : {
      "${name}-long"  = { alert = name, window = "long", severity = alert.severity, period = alert.long_window_seconds, threshold = alert.error_rate_percent }
      "${name}-short" = { alert = name, window = "short", severity = alert.severity, period = alert.short_window_seconds, threshold = alert.error_rate_percent }
    }
  ]...)
}

# Error ratio of user requests over one window, in percent: the SLO's symptom.
resource "aws_cloudwatch_metric_alarm" "burn_rate" {
  for_each = local.burn_windows

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "Error ratio above ${each.value.threshold}% over ${each.value.period}s (burn-rate alert ${each.value.alert})"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "error_ratio"
    expression  = "100 * (FILL(errors_5xx, 0) + FILL(elb_5xx, 0)) / requests"
    label       = "5xx ratio (%)"
    return_data = true
  }

  metric_query {
    id = "errors_5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = { LoadBalancer = var.load_balancer_arn_suffix }
      period      = each.value.period
      stat        = "Sum"
    }
  }

  metric_query {
    id = "elb_5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = { LoadBalancer = var.load_balancer_arn_suffix }
      period      = each.value.period
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = { LoadBalancer = var.load_balancer_arn_suffix }
      period      = each.value.period
      stat        = "Sum"
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_composite_alarm" "burn_rate" {
  for_each = var.burn_rate_alerts

  alarm_name        = "${var.name}-slo-burn-${each.key}"
  alarm_description = "${upper(each.value.severity)}: error budget burning (long and short windows above ${each.value.error_rate_percent}% errors)"
  alarm_rule        = "ALARM(\"${aws_cloudwatch_metric_alarm.burn_rate["${each.key}-long"].alarm_name}\") AND ALARM(\"${aws_cloudwatch_metric_alarm.burn_rate["${each.key}-short"].alarm_name}\")"
  alarm_actions     = [aws_sns_topic.alerts.arn]
  ok_actions        = [aws_sns_topic.alerts.arn]

  tags = merge(var.tags, { Severity = each.value.severity })
}

resource "aws_cloudwatch_metric_alarm" "cause" {
  for_each = var.metric_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison_operator
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  tags = merge(var.tags, { Severity = "ticket" })
}
