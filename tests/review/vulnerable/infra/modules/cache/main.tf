variable "nodes" {
  type    = number
  default = 2
}

resource "aws_elasticache_cluster" "this" {
  cluster_id      = "sessions"
  engine          = "redis"
  node_type       = "cache.t4g.small"
  num_cache_nodes = var.nodes
}
