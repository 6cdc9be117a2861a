output "bucket_id" {
  description = "Name of the bucket, once its policy is in place (log delivery to it is then allowed)."
  value       = aws_s3_bucket.this.id

  # S3 and ELB check the target's permissions when logging is switched on.
  depends_on = [aws_s3_bucket_policy.this]
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}
