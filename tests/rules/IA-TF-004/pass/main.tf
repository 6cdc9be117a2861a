# infra-architect: slo=99.9
module "db" {
  source   = "./db"
  multi_az = true
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = "sessions"
  description                = "sessions"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
}
