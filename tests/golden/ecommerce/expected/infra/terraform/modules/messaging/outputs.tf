output "queue_arns" {
  description = "ARN per queue."
  value       = { for name, queue in aws_sqs_queue.this : name => queue.arn }
}

output "queue_urls" {
  description = "URL per queue."
  value       = { for name, queue in aws_sqs_queue.this : name => queue.url }
}

output "queue_names" {
  description = "Full name per queue."
  value       = { for name, queue in aws_sqs_queue.this : name => queue.name }
}

output "dead_letter_queue_names" {
  description = "Full name of each queue's dead-letter queue."
  value       = { for name, queue in aws_sqs_queue.dead_letter : name => queue.name }
}

output "topic_arns" {
  description = "ARN per topic."
  value       = { for name, topic in aws_sns_topic.this : name => topic.arn }
}

output "stream_arns" {
  description = "ARN per stream."
  value       = { for name, stream in aws_kinesis_stream.this : name => stream.arn }
}

output "stream_names" {
  description = "Full name per stream."
  value       = { for name, stream in aws_kinesis_stream.this : name => stream.name }
}
