output "bucket_id" {
  description = "Bucket holding the trail's log files and AWS Config's history, under Object Lock."
  value       = aws_s3_bucket.this.id
}

output "kms_key_arn" {
  description = "Key encrypting the audit files and the trail's log group."
  value       = aws_kms_key.this.arn
}

output "trail_arn" {
  description = "ARN of the multi-region trail (null when enable_cloudtrail is false)."
  value       = one(aws_cloudtrail.this[*].arn)
}

output "trail_log_group_name" {
  description = "CloudWatch log group receiving the trail's events (for metric filters and alarms)."
  value       = one(aws_cloudwatch_log_group.this[*].name)
}

output "guardduty_detector_id" {
  description = "ID of this account's GuardDuty detector (null when enable_guardduty is false)."
  value       = one(aws_guardduty_detector.this[*].id)
}
