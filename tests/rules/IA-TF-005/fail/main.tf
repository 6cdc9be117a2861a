resource "aws_ecs_cluster" "this" {
  name = "shop"
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.this.id
  task_definition = "api:1"
  desired_count   = 3

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

resource "aws_eks_node_group" "fixed" {
  cluster_name    = "shop"
  node_group_name = "fixed"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]

  scaling_config {
    min_size     = 3
    max_size     = 3
    desired_size = 3
  }
}
