resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "shop"
  task_definition = "api:1"
  desired_count   = 3
}
