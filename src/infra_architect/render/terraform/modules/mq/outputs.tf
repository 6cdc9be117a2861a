output "broker_name" {
  description = "Name of the broker (the Broker dimension of its metrics)."
  value       = aws_mq_broker.this.broker_name
}

output "broker_arn" {
  description = "ARN of the broker."
  value       = aws_mq_broker.this.arn
}

output "endpoint" {
  description = "AMQPS endpoint of the broker (amqps://host:5671)."
  value       = aws_mq_broker.this.instances[0].endpoints[0]
}

output "secret_arn" {
  description = "Secret holding the clients' username and password."
  value       = aws_secretsmanager_secret.this.arn
}

output "security_group_id" {
  description = "Security group of the broker."
  value       = aws_security_group.this.id
}
