resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "shop"
  task_definition = "api:1"
  desired_count   = 3

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = "shop"
  task_definition = "web:1"
  desired_count   = 3

  deployment_controller {
    type = "CODE_DEPLOY"
  }
}

resource "aws_codedeploy_deployment_group" "web" {
  app_name              = "shop"
  deployment_group_name = "web"
  service_role_arn      = "arn:aws:iam::111122223333:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE"]
  }

  ecs_service {
    cluster_name = "shop"
    service_name = aws_ecs_service.web.name
  }
}
