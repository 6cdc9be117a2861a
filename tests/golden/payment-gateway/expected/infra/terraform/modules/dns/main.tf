# The public name of one environment: the ACM certificate, validated by DNS in the
# environment's hosted zone, and the alias records to the load balancer. Shape after
# the AWS provider's aws_acm_certificate_validation example "DNS Validation with
# Route 53" (the validation records keyed by domain name, the validation resource
# waiting on their FQDNs).

data "aws_route53_zone" "this" {
  name         = var.zone_name
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  domain_name       = var.domain_name
  validation_method = "DNS"

  tags = var.tags

  # A replacement (another name) is issued before the listener lets go of the old one.
  lifecycle {
    create_before_destroy = true
  }
}

# A second certificate for this name (the recovery region's) may be asked for the same
# CNAME: allow_overwrite lets both calls write it rather than fail on an existing record.
resource "aws_route53_record" "validation" {
  for_each = {
    for o in aws_acm_certificate.this.domain_validation_options : o.domain_name => o
  }

  zone_id         = data.aws_route53_zone.this.zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = var.validation_record_ttl
  allow_overwrite = true
}

# Waits until ACM has issued the certificate, so no listener is given one still pending.
resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

# Route 53 marks the primary unhealthy after failure_threshold failed checks, and the
# failover record then answers with the secondary (Route 53 Developer Guide, "Active-passive
# failover"). The check targets the primary ALB by its own DNS name: the public name
# resolves to whichever side is serving. Without SNI the ALB presents its default
# certificate (the listener's), and Route 53 does not need the names to match.
resource "aws_route53_health_check" "this" {
  count = var.health_check == null ? 0 : 1

  type              = "HTTPS"
  fqdn              = var.health_check.fqdn
  port              = var.health_check.port
  resource_path     = var.health_check.resource_path
  request_interval  = var.health_check.request_interval
  failure_threshold = var.health_check.failure_threshold
  enable_sni        = false

  tags = merge(var.tags, { Name = var.domain_name })
}

# A records only: the load balancers are IPv4 (ip_address_type ipv4), and an AAAA alias to
# an IPv4-only ALB answers nothing.
resource "aws_route53_record" "alias" {
  #checkov:skip=CKV2_AWS_23:Each record aliases a load balancer of this root, passed in as alias_records (the check cannot follow a module input to the resource).
  for_each = var.alias_records

  zone_id         = data.aws_route53_zone.this.zone_id
  name            = var.domain_name
  type            = "A"
  set_identifier  = each.value.failover == null ? null : each.key
  health_check_id = each.value.failover == "PRIMARY" ? aws_route53_health_check.this[0].id : null

  alias {
    name    = each.value.dns_name
    zone_id = each.value.zone_id
    # A load balancer with no healthy target is skipped too (ELB alias health).
    evaluate_target_health = true
  }

  dynamic "failover_routing_policy" {
    for_each = each.value.failover == null ? [] : [each.value.failover]
    content {
      type = failover_routing_policy.value
    }
  }
}
