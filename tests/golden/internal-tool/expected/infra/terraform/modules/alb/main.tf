locals {
  groups = merge(
    { for key, target in var.targets : "${key}-blue" => merge(target, { service = key, name = target.blue_name }) },
    { for key, target in var.targets : "${key}-green" => merge(target, { service = key, name = target.green_name }) if target.blue_green },
  )
  routed = { for key, target in var.targets : key => target if key != var.default_target }
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Listeners of ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = toset(var.ingress_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS"
  cidr_ipv4         = each.value
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "http_redirect" {
  for_each = toset(var.ingress_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "HTTP, redirected to HTTPS"
  cidr_ipv4         = each.value
  from_port         = 80
  to_port           = 80
  ip_protocol       = "tcp"
}

# One rule per distinct target port: services sharing a port share the rule (AWS refuses
# duplicates).
resource "aws_vpc_security_group_egress_rule" "targets" {
  for_each = toset([for target in var.targets : tostring(target.port)])

  security_group_id = aws_security_group.this.id
  description       = "To targets on port ${each.value}"
  cidr_ipv4         = data.aws_vpc.this.cidr_block
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  ip_protocol       = "tcp"
}

data "aws_vpc" "this" {
  id = var.vpc_id
}

resource "aws_lb" "this" {
  name                       = var.name
  internal                   = var.internal
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.this.id]
  subnets                    = var.subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.enable_deletion_protection

  access_logs {
    bucket  = var.access_log_bucket
    prefix  = "alb/${var.name}"
    enabled = true
  }

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:Clients reach the ALB over TLS only (HTTPS listener, HTTP redirects); the hop to a target is inside private subnets whose security groups admit only the ALB. The design sets target_protocol = "HTTPS" when it asks for TLS up to each service (e.g. HIPAA).
  for_each = local.groups

  # Decided by the design within AWS's 32 characters (blue and green always differ).
  name                 = each.value.name
  port                 = each.value.port
  protocol             = var.target_protocol
  protocol_version     = each.value.protocol_version
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    path                = each.value.health_check_path
    interval            = each.value.interval_seconds
    timeout             = each.value.timeout_seconds
    healthy_threshold   = each.value.healthy_threshold
    unhealthy_threshold = each.value.unhealthy_threshold
    protocol            = var.target_protocol
    matcher             = each.value.matcher
  }

  tags = merge(var.tags, { Service = each.value.service })
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["${var.default_target}-blue"].arn
  }

  tags = var.tags

  # CodeDeploy moves the listener between the blue and green groups.
  lifecycle {
    ignore_changes = [default_action]
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "this" {
  for_each = local.routed

  listener_arn = aws_lb_listener.https.arn
  priority     = each.value.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["${each.key}-blue"].arn
  }

  condition {
    path_pattern {
      values = each.value.path_patterns
    }
  }

  tags = var.tags

  lifecycle {
    ignore_changes = [action]
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.enable_waf ? 1 : 0

  resource_arn = aws_lb.this.arn
  web_acl_arn  = var.waf_acl_arn
}
