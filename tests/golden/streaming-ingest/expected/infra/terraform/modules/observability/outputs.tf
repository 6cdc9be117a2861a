output "alert_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = aws_sns_topic.alerts.arn
}

output "log_group_names" {
  description = "Names of the log groups created."
  value       = [for group in aws_cloudwatch_log_group.this : group.name]
}

output "slo_alarm_names" {
  description = "Composite burn-rate alarms on the SLO symptom."
  value       = [for alarm in aws_cloudwatch_composite_alarm.burn_rate : alarm.alarm_name]
}

output "cause_alarm_names" {
  description = "Alarms on causes."
  value       = [for alarm in aws_cloudwatch_metric_alarm.cause : alarm.alarm_name]
}

output "deployment_alarm_names" {
  description = "Short-window alarms of the paging burn rates: a deployment that trips one is rolled back."
  value       = [for key, window in local.burn_windows : aws_cloudwatch_metric_alarm.burn_rate[key].alarm_name if window.window == "short" && window.severity == "page"]
}
