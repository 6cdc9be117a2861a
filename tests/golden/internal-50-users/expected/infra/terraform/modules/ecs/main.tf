data "aws_region" "current" {}

locals {
  long_running = { for name, service in var.services : name => service if service.schedule == null }
  scheduled    = { for name, service in var.services : name => service if service.schedule != null }
  public       = { for name, service in local.long_running : name => service if service.load_balanced }
  autoscaled   = { for name, service in local.long_running : name => service if service.scaling_metric != "none" }
  codedeploy   = { for name, service in local.public : name => service if service.deployment == "codedeploy" }
  secret_arns  = distinct(flatten([for service in var.services : values(service.secrets)]))
  # Decided on the secrets' names, which are known at plan time (their ARNs may not be).
  has_secrets = length(flatten([for service in var.services : keys(service.secrets)])) > 0

  caller_rules = merge([
    for name, service in local.long_running : {
      for caller in service.callers : "${caller}->${name}" => { target = name, caller = caller, port = service.port }
    } if service.port != null
  ]...)
  egress_rules = merge([
    for name, service in var.services : {
      for port in service.egress_ports : "${name}:${port}" => { service = name, port = port }
    }
  ]...)
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enhanced"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_service_discovery_http_namespace" "this" {
  name        = "${var.name}.internal"
  description = "Service Connect namespace of ${var.name}"

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "service" {
  for_each = var.services

  name              = "${var.log_group_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, { Service = each.key })
}

# --- roles --------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = coalesce(var.role_names.task_execution, "${var.name}-task-execution")
  description        = "Pulls images, writes logs and injects secrets for ${var.name} tasks"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  count = local.has_secrets ? 1 : 0

  statement {
    sid       = "ReadServiceSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_arns
  }

  statement {
    sid       = "DecryptServiceSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  count = local.has_secrets ? 1 : 0

  name   = "read-service-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets[0].json
}

# --- network ------------------------------------------------------------------------

resource "aws_security_group" "service" {
  for_each = var.services

  name        = "${var.name}-${each.key}"
  description = "Tasks of the ${each.key} service"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-${each.key}", Service = each.key })
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  for_each = local.public

  security_group_id            = aws_security_group.service[each.key].id
  description                  = "From the load balancer"
  referenced_security_group_id = var.load_balancer_security_group_id
  from_port                    = each.value.port
  to_port                      = each.value.port
  ip_protocol                  = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "from_caller" {
  for_each = local.caller_rules

  security_group_id            = aws_security_group.service[each.value.target].id
  description                  = "From the ${each.value.caller} service"
  referenced_security_group_id = aws_security_group.service[each.value.caller].id
  from_port                    = each.value.port
  to_port                      = each.value.port
  ip_protocol                  = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  for_each = var.services

  security_group_id = aws_security_group.service[each.key].id
  description       = "HTTPS to AWS APIs and image registries"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "in_vpc" {
  for_each = local.egress_rules

  security_group_id = aws_security_group.service[each.value.service].id
  description       = "To a dependency inside the VPC"
  cidr_ipv4         = var.vpc_cidr
  from_port         = each.value.port
  to_port           = each.value.port
  ip_protocol       = "tcp"
}

# --- tasks and services ------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  for_each = var.services

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = each.value.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name                   = each.key
      image                  = each.value.image
      essential              = true
      user                   = "10001"
      readonlyRootFilesystem = true
      privileged             = false
      linuxParameters        = { capabilities = { drop = ["ALL"] } }
      portMappings = each.value.port == null ? [] : [
        { name = each.key, containerPort = each.value.port, protocol = "tcp", appProtocol = each.value.app_protocol }
      ]
      environment = [for key, value in each.value.environment : { name = key, value = value }]
      secrets     = [for key, arn in each.value.secrets : { name = key, valueFrom = arn }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.service[each.key].name
          "awslogs-region"        = data.aws_region.current.id
          "awslogs-stream-prefix" = each.key
        }
      }
      mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    }
  ])

  volume {
    name = "tmp"
  }

  tags = merge(var.tags, { Service = each.key })
}

resource "aws_ecs_service" "this" {
  for_each = local.long_running

  name                              = each.key
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.this[each.key].arn
  desired_count                     = each.value.min_tasks
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  propagate_tags                    = "SERVICE"
  enable_ecs_managed_tags           = true
  health_check_grace_period_seconds = each.value.load_balanced ? 60 : null

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_controller {
    type = each.value.deployment == "codedeploy" ? "CODE_DEPLOY" : "ECS"
  }

  # Rolling deployments roll back on their own when tasks fail to become healthy or an
  # SLO alarm fires; CodeDeploy rolls back canaries (see aws_codedeploy_deployment_group).
  dynamic "deployment_circuit_breaker" {
    for_each = each.value.deployment == "codedeploy" ? [] : [1]
    content {
      enable   = true
      rollback = true
    }
  }

  dynamic "alarms" {
    for_each = each.value.deployment != "codedeploy" && length(each.value.rollback_alarm_names) > 0 ? [1] : []
    content {
      alarm_names = each.value.rollback_alarm_names
      enable      = true
      rollback    = true
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service[each.key].id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = each.value.load_balanced ? [each.value.target_group_arn] : []
    content {
      target_group_arn = load_balancer.value
      container_name   = each.key
      container_port   = each.value.port
    }
  }

  # Never on a CODE_DEPLOY service: AWS supports Service Connect only with rolling
  # deployments (the services variable refuses the pair).
  dynamic "service_connect_configuration" {
    for_each = each.value.service_connect ? [1] : []
    content {
      enabled   = true
      namespace = aws_service_discovery_http_namespace.this.arn

      dynamic "service" {
        for_each = each.value.port == null ? [] : [each.value.port]
        content {
          port_name = each.key

          client_alias {
            port = service.value
          }
        }
      }
    }
  }

  tags = merge(var.tags, { Service = each.key })

  # Deployments change the task definition (CI) and autoscaling changes the count.
  lifecycle {
    ignore_changes = [desired_count, task_definition, load_balancer]
  }
}

# --- autoscaling --------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  for_each = local.autoscaled

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min_tasks
  max_capacity       = each.value.max_tasks

  tags = var.tags
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.autoscaled

  name               = "${each.key}-${each.value.scaling_metric}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.scaling_target
    scale_in_cooldown  = each.value.scale_in_cooldown
    scale_out_cooldown = each.value.scale_out_cooldown

    dynamic "predefined_metric_specification" {
      for_each = each.value.scaling_metric == "cpu" ? [1] : []
      content {
        predefined_metric_type = "ECSServiceAverageCPUUtilization"
      }
    }

    # Requests per task across both target groups, so scaling keeps working while
    # CodeDeploy has traffic on either colour.
    dynamic "customized_metric_specification" {
      for_each = each.value.scaling_metric == "requests" ? [1] : []
      content {
        dynamic "metrics" {
          for_each = each.value.target_group_arn_suffixes
          content {
            id          = "tg${metrics.key}"
            return_data = false

            metric_stat {
              stat = "Sum"

              metric {
                namespace   = "AWS/ApplicationELB"
                metric_name = "RequestCount"

                dimensions {
                  name  = "LoadBalancer"
                  value = var.load_balancer_arn_suffix
                }

                dimensions {
                  name  = "TargetGroup"
                  value = metrics.value
                }
              }
            }
          }
        }

        metrics {
          id          = "tasks"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              namespace   = "ECS/ContainerInsights"
              metric_name = "RunningTaskCount"

              dimensions {
                name  = "ClusterName"
                value = aws_ecs_cluster.this.name
              }

              dimensions {
                name  = "ServiceName"
                value = each.key
              }
            }
          }
        }

        metrics {
          id          = "per_task"
          label       = "Requests per task per minute"
          expression  = "(${join(" + ", [for i, _ in each.value.target_group_arn_suffixes : "FILL(tg${i}, 0)"])}) / tasks"
          return_data = true
        }
      }
    }

    # Requests per task from Service Connect's proxy (an internal service has no load
    # balancer): RequestCount of the service's endpoint over its running tasks, the
    # metric math AWS documents for scaling ECS services on Service Connect metrics.
    dynamic "customized_metric_specification" {
      for_each = each.value.scaling_metric == "service-connect-requests" ? [1] : []
      content {
        metrics {
          id          = "requests"
          return_data = false

          metric_stat {
            stat = "Sum"

            metric {
              namespace   = "AWS/ECS"
              metric_name = "RequestCount"

              dimensions {
                name  = "ClusterName"
                value = aws_ecs_cluster.this.name
              }

              dimensions {
                name  = "ServiceName"
                value = each.key
              }

              dimensions {
                name  = "DiscoveryName"
                value = each.key
              }
            }
          }
        }

        metrics {
          id          = "tasks"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              namespace   = "ECS/ContainerInsights"
              metric_name = "RunningTaskCount"

              dimensions {
                name  = "ClusterName"
                value = aws_ecs_cluster.this.name
              }

              dimensions {
                name  = "ServiceName"
                value = each.key
              }
            }
          }
        }

        metrics {
          id          = "per_task"
          label       = "Requests per task per minute (Service Connect)"
          expression  = "FILL(requests, 0) / tasks"
          return_data = true
        }
      }
    }

    dynamic "customized_metric_specification" {
      for_each = each.value.scaling_metric == "queue" ? [1] : []
      content {
        metrics {
          id          = "visible"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              namespace   = "AWS/SQS"
              metric_name = "ApproximateNumberOfMessagesVisible"

              dimensions {
                name  = "QueueName"
                value = each.value.scaling_queue_name
              }
            }
          }
        }

        metrics {
          id          = "tasks"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              namespace   = "ECS/ContainerInsights"
              metric_name = "RunningTaskCount"

              dimensions {
                name  = "ClusterName"
                value = aws_ecs_cluster.this.name
              }

              dimensions {
                name  = "ServiceName"
                value = each.key
              }
            }
          }
        }

        metrics {
          id          = "backlog_per_task"
          label       = "Visible messages per task"
          expression  = "visible / tasks"
          return_data = true
        }
      }
    }
  }
}

# --- canary deployments through CodeDeploy -----------------------------------------

data "aws_iam_policy_document" "codedeploy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codedeploy" {
  count = length(local.codedeploy) > 0 ? 1 : 0

  name               = coalesce(var.role_names.codedeploy, "${var.name}-codedeploy")
  description        = "Shifts traffic between blue and green target groups of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.codedeploy_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "codedeploy" {
  count = length(local.codedeploy) > 0 ? 1 : 0

  role       = aws_iam_role.codedeploy[0].name
  policy_arn = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
}

resource "aws_codedeploy_app" "this" {
  count = length(local.codedeploy) > 0 ? 1 : 0

  name             = var.name
  compute_platform = "ECS"

  tags = var.tags
}

resource "aws_codedeploy_deployment_config" "canary" {
  for_each = local.codedeploy

  deployment_config_name = coalesce(each.value.codedeploy_config_name, "${var.name}-${each.key}-canary-${each.value.canary_percent}pct-${each.value.canary_minutes}min")
  compute_platform       = "ECS"

  traffic_routing_config {
    type = "TimeBasedCanary"

    time_based_canary {
      percentage = each.value.canary_percent
      interval   = each.value.canary_minutes
    }
  }
}

resource "aws_codedeploy_deployment_group" "this" {
  for_each = local.codedeploy

  app_name               = aws_codedeploy_app.this[0].name
  deployment_group_name  = each.key
  deployment_config_name = aws_codedeploy_deployment_config.canary[each.key].id
  service_role_arn       = aws_iam_role.codedeploy[0].arn

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = length(each.value.rollback_alarm_names) > 0
    alarms  = each.value.rollback_alarm_names
  }

  dynamic "trigger_configuration" {
    for_each = var.alarm_topic_arn == "" ? [] : [var.alarm_topic_arn]
    content {
      trigger_events     = ["DeploymentFailure", "DeploymentRollback"]
      trigger_name       = "deployment-failed"
      trigger_target_arn = trigger_configuration.value
    }
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 15
    }
  }

  deployment_style {
    deployment_option = "WITH_TRAFFIC_CONTROL"
    deployment_type   = "BLUE_GREEN"
  }

  ecs_service {
    cluster_name = aws_ecs_cluster.this.name
    service_name = aws_ecs_service.this[each.key].name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [var.https_listener_arn]
      }

      dynamic "target_group" {
        for_each = each.value.target_group_names
        content {
          name = target_group.value
        }
      }
    }
  }

  tags = var.tags
}

# --- scheduled tasks ------------------------------------------------------------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = length(local.scheduled) > 0 ? 1 : 0

  name               = coalesce(var.role_names.scheduler, "${var.name}-scheduler")
  description        = "Starts the scheduled tasks of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  count = length(local.scheduled) > 0 ? 1 : 0

  statement {
    sid       = "RunScheduledTasks"
    actions   = ["ecs:RunTask"]
    resources = [for name, _ in local.scheduled : "${aws_ecs_task_definition.this[name].arn_without_revision}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = distinct(concat([aws_iam_role.execution.arn], [for service in local.scheduled : service.task_role_arn]))
  }

  # The schedules' target input is encrypted under the key; the scheduler decrypts it as this role.
  statement {
    sid       = "DecryptScheduleInput"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = length(local.scheduled) > 0 ? 1 : 0

  name   = "run-scheduled-tasks"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}

resource "aws_scheduler_schedule" "this" {
  for_each = local.scheduled

  name                         = coalesce(each.value.schedule_name, "${var.name}-${each.key}")
  schedule_expression          = "cron(${each.value.schedule})"
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.this.arn
    role_arn = aws_iam_role.scheduler[0].arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.this[each.key].arn
      launch_type         = "FARGATE"
      task_count          = 1

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = [aws_security_group.service[each.key].id]
        assign_public_ip = false
      }
    }

    retry_policy {
      maximum_retry_attempts = 2
    }
  }
}
