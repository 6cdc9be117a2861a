# A registry module installed by `terraform init` (its copy checked in under
# .terraform/modules, as after an init in CI): reviewed from that copy, never fetched.
# The network module was not installed: it stays unread, and the review says so.
module "db" {
  source  = "example-org/db/aws"
  version = "1.0.0"
  name    = "orders"
}

module "network" {
  source  = "example-org/network/aws"
  version = "2.0.0"
}
