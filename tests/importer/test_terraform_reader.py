"""The Terraform reader of `import`: on the project's own generated trees (what design
wrote must be read back) and on a public terraform-aws-modules example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from infra_architect.importer import Evidence, Findings
from infra_architect.importer._terraform import read_terraform
from infra_architect.review import walk
from tests.conftest import ROOT, generate

PUBLIC = Path(__file__).parent / "public"


def _read(tmp_path: Path, example: str) -> Findings:
    for path, text in generate(ROOT / "examples" / f"{example}.yaml").items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return read_terraform(tmp_path, walk(tmp_path.resolve()))


def _services(found: Findings) -> dict[str, tuple[str, bool, int | None, list[str], list[str]]]:
    return {
        s.name: (s.type, s.public, s.port, [c.target for c in s.calls], [u.target for u in s.uses])
        for s in found.services
    }


EXAMPLE_NAMES = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_example_reads_back_its_stores_queues_and_ecs_services(
    tmp_path: Path, example: str
) -> None:
    """Every bundled example's stores and queues come back with their names and engines;
    on ECS its services come back by name (on EKS they are the Kubernetes reader's).
    Not recoverable from Terraform: web versus api (both are a port behind a load
    balancer; an internal one reads as api, an internet-facing one as web)."""
    system = yaml.safe_load((ROOT / "examples" / f"{example}.yaml").read_text())["system"]
    found = _read(tmp_path, example)
    assert {s.name: s.engine for s in found.datastores} == {
        d["name"]: d["engine"] for d in system.get("datastores", [])
    }
    assert {q.name: q.engine for q in found.queues} == {
        q["name"]: q["engine"] for q in system.get("queues", [])
    }
    on_ecs = (tmp_path / "infra" / "terraform" / "modules" / "ecs").is_dir()
    wanted = {s["name"] for s in system["services"]} if on_ecs else set()
    assert {s.name for s in found.services} == wanted
    assert not found.unread


def test_saas_team_prod_is_read_back(tmp_path: Path) -> None:
    found = _read(tmp_path, "saas-team")
    # app and api are both behind the internet-facing ALB; the ALB forwards only /api
    # paths to api, which is what says it is an API and not a second web front end
    assert _services(found) == {
        "app": ("web", True, 8080, ["api"], ["app-cache"]),
        "api": ("api", True, 8080, [], ["app-cache", "jobs", "main-db", "uploads"]),
        "jobs-worker": ("worker", False, None, [], ["jobs", "main-db", "uploads"]),
        "billing-run": ("cron", False, None, [], ["main-db"]),
    }
    services = {s.name: s for s in found.services}
    assert (services["app"].replicas, services["app"].max_replicas) == (6, 53)
    assert (services["app"].cpu, services["app"].memory_mb) == (0.5, 1024)
    # EventBridge's six fields as the spec's five (the draft must load)
    assert services["billing-run"].schedule == "15 2 * * *"
    prod = "infra/terraform/environments/prod/main.tf"
    lines = (tmp_path / prod).read_text().splitlines()
    assert services["api"].evidence.path == prod
    assert lines[services["api"].evidence.line - 1].strip() == "api = {"
    assert {s.platform for s in found.services} == {"ecs-fargate"}
    stores = {s.name: (s.engine, s.multi_az, s.instance_class) for s in found.datastores}
    assert stores == {
        "main-db": ("postgres", True, "db.m6g.large"),
        "app-cache": ("redis", True, "cache.t4g.small"),
        "uploads": ("s3", True, None),  # S3 Standard spans three AZs
    }
    main_db = next(s for s in found.datastores if s.name == "main-db")
    assert (main_db.storage_gb, main_db.backup_retention_days, main_db.replicas) == (80, 35, 0)
    assert [(q.name, q.engine, q.dead_letter) for q in found.queues] == [("jobs", "sqs", True)]
    alarms = {a.name: a.target for a in found.alarms}
    assert alarms["main-db-cpu"] == "main-db"
    assert alarms["jobs-dead-letters"] == "jobs"
    assert alarms["api-at-max-tasks"] == "api"
    assert found.region is not None
    assert found.region[0] == "eu-west-1"
    assert found.availability_zones is not None
    assert found.availability_zones[0] == 3
    assert str(found.region[1]).startswith("infra/terraform/environments/prod/")
    # the access-log and audit buckets are the platform's, not the application's data
    assert any("access-logs" in n or "s3_logs" in n for n in found.notes)
    assert not found.unread


def test_payment_gateway_aurora_msk_and_calls(tmp_path: Path) -> None:
    found = _read(tmp_path, "payment-gateway")
    assert _services(found)["gateway"][3] == ["authorise", "tokens"]
    # the recovery region's copies (an aliased provider) are a DR choice, not a store
    assert [(s.name, s.engine, s.multi_az) for s in found.datastores] == [
        ("ledger-db", "postgres", True)
    ]
    assert [(q.name, q.engine) for q in found.queues] == [("payment-events", "kafka")]
    assert found.region is not None
    assert found.region[0] == "us-east-1"


@pytest.mark.parametrize(
    ("example", "region", "zones", "stores"),
    [
        ("internal-tool", "eu-central-1", 2, {"planner-db": ("postgres", False, "db.t4g.micro")}),
        (
            "streaming-ingest",
            "us-east-1",
            3,
            {"readings-db": ("postgres", True, "db.r6g.2xlarge")},
        ),
    ],
)
def test_ecs_examples_stores_region_zones(
    tmp_path: Path,
    example: str,
    region: str,
    zones: int,
    stores: dict[str, tuple[str, bool, str]],
) -> None:
    found = _read(tmp_path, example)
    assert {s.name: (s.engine, s.multi_az, s.instance_class) for s in found.datastores} == stores
    assert found.region is not None
    assert found.region[0] == region
    assert found.availability_zones is not None
    assert found.availability_zones[0] == zones


def test_terraform_aws_ecs_complete_example() -> None:
    root = PUBLIC / "terraform-aws-ecs"
    found = read_terraform(root, walk(root.resolve()))
    assert [(s.name, s.public, s.port, s.cpu, s.memory_mb) for s in found.services] == [
        ("ecsdemo-frontend", True, 3000, 1.0, 4096)
    ]
    assert found.services[0].evidence == Evidence("examples/complete/main.tf", 69)
    assert found.region is not None
    assert found.region[0] == "eu-west-1"
    # its azs are a slice of the first three of data.aws_availability_zones
    assert found.availability_zones is not None
    assert found.availability_zones[0] == 3


HAND_WRITTEN = """
provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "ap-southeast-2"
}

locals {
  name = "acme-prod"
}

resource "aws_subnet" "private" {
  for_each          = toset(["ap-southeast-2a", "ap-southeast-2b"])
  vpc_id            = "vpc-1"
  availability_zone = each.value
  cidr_block        = "10.0.0.0/24"
}

resource "aws_lb" "public" {
  name     = "${local.name}-public"
  internal = false
}

resource "aws_lb_target_group" "web" {
  name = "${local.name}-web"
  port = 3000
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_security_group" "web" {
  name = "${local.name}-web"
}

resource "aws_security_group" "orders" {
  name = "${local.name}-orders"
}

resource "aws_security_group" "db" {
  name = "${local.name}-orders-db"
}

resource "aws_vpc_security_group_ingress_rule" "web_to_orders" {
  security_group_id            = aws_security_group.orders.id
  referenced_security_group_id = aws_security_group.web.id
  from_port                    = 8080
  to_port                      = 8080
  ip_protocol                  = "tcp"
}

resource "aws_security_group_rule" "orders_to_db" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  source_security_group_id = aws_security_group.orders.id
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
}

resource "aws_ecs_task_definition" "web" {
  family = "${local.name}-web"
  cpu    = 256
  memory = 512
  container_definitions = jsonencode([
    { name = "web", image = "web:1", portMappings = [{ containerPort = 3000 }] }
  ])
}

resource "aws_ecs_task_definition" "orders" {
  family        = "${local.name}-orders"
  cpu           = 512
  memory        = 1024
  task_role_arn = aws_iam_role.orders.arn
  container_definitions = jsonencode([
    { name = "orders", image = "orders:1", portMappings = [{ containerPort = 8080 }] }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "${local.name}-web"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 3
  network_configuration {
    subnets         = []
    security_groups = [aws_security_group.web.id]
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 3000
  }
}

resource "aws_ecs_service" "orders" {
  name            = "${local.name}-orders"
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
  network_configuration {
    subnets         = []
    security_groups = [aws_security_group.orders.id]
  }
}

resource "aws_iam_role" "orders" {
  name = "${local.name}-orders"
}

data "aws_iam_policy_document" "orders" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
  }
}

resource "aws_iam_role_policy" "orders" {
  role   = aws_iam_role.orders.id
  policy = data.aws_iam_policy_document.orders.json
}

resource "aws_db_instance" "orders" {
  identifier              = "${local.name}-orders-db"
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 50
  multi_az                = false
  backup_retention_period = 7
  vpc_security_group_ids  = [aws_security_group.db.id]
}

resource "aws_db_instance" "orders_replica" {
  identifier          = "${local.name}-orders-db-replica"
  replicate_source_db = aws_db_instance.orders.identifier
  instance_class      = "db.t4g.medium"
}

resource "aws_sqs_queue" "orders_dlq" {
  name = "${local.name}-orders-dlq"
}

resource "aws_sqs_queue" "orders" {
  name           = "${local.name}-order-events"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_lambda_function" "fulfil" {
  function_name = "${local.name}-fulfil"
  memory_size   = 256
  role          = "arn:aws:iam::1:role/x"
}

resource "aws_lambda_event_source_mapping" "fulfil" {
  event_source_arn = aws_sqs_queue.orders.arn
  function_name    = aws_lambda_function.fulfil.arn
}

resource "aws_lambda_function" "nightly" {
  function_name = "${local.name}-nightly-report"
  memory_size   = 512
  role          = "arn:aws:iam::1:role/x"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "${local.name}-nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.nightly.arn
}

resource "aws_lambda_function" "exports" {
  function_name = "${local.name}-exports"
  memory_size   = 1024
  role          = "arn:aws:iam::1:role/x"
}

resource "aws_lambda_function_url" "exports" {
  function_name      = aws_lambda_function.exports.function_name
  authorization_type = "AWS_IAM"
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name  = "${local.name}-orders-db-cpu"
  metric_name = "CPUUtilization"
  dimensions = {
    DBInstanceIdentifier = aws_db_instance.orders.identifier
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-terraform-state"
}
"""


def test_hand_written_resources(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(HAND_WRITTEN, encoding="utf-8")
    found = read_terraform(tmp_path, walk(tmp_path.resolve()))
    services = {s.name: s for s in found.services}
    assert _services(found) == {
        "web": ("web", True, 3000, ["orders"], []),
        "orders": ("api", False, 8080, [], ["order-events", "orders-db"]),
        "fulfil": ("worker", False, None, [], []),
        "nightly-report": ("cron", False, None, [], []),
        "exports": ("api", True, None, [], []),
    }
    assert (services["web"].replicas, services["web"].cpu, services["web"].memory_mb) == (
        3,
        0.25,
        512,
    )
    assert services["web"].calls[0].evidence == Evidence("main.tf", 52)
    assert services["nightly-report"].schedule == "0 3 * * *"
    assert {s.name: s.platform for s in found.services}["fulfil"] == "lambda"
    db = found.datastores
    assert [(s.name, s.engine, s.instance_class, s.multi_az, s.replicas) for s in db] == [
        ("orders-db", "mysql", "db.t4g.medium", False, 1)
    ]
    assert (db[0].storage_gb, db[0].backup_retention_days) == (50, 7)
    assert [(q.name, q.dead_letter) for q in found.queues] == [("order-events", True)]
    assert [(a.name, a.target) for a in found.alarms] == [("orders-db-cpu", "orders-db")]
    assert found.region == ("ap-southeast-2", Evidence("main.tf", 2))
    assert found.availability_zones is not None
    assert found.availability_zones[0] == 2
    assert any("acme-terraform-state" in n or "aws_s3_bucket.state" in n for n in found.notes)


def test_a_plan_alone_is_read(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_db_instance.main",
                        "mode": "managed",
                        "type": "aws_db_instance",
                        "name": "main",
                        "values": {
                            "identifier": "billing-db",
                            "engine": "postgres",
                            "instance_class": "db.r6g.large",
                            "multi_az": True,
                            "allocated_storage": 100,
                        },
                    },
                    {
                        "address": "aws_lambda_function.export",
                        "mode": "managed",
                        "type": "aws_lambda_function",
                        "name": "export",
                        "values": {"function_name": "export", "memory_size": 1024},
                    },
                ]
            }
        },
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    found = read_terraform(tmp_path, walk(tmp_path.resolve()))
    assert [(s.name, s.engine, s.multi_az, s.instance_class) for s in found.datastores] == [
        ("billing-db", "postgres", True, "db.r6g.large")
    ]
    assert found.datastores[0].evidence.path == "plan.json"  # a plan has no lines
    assert [(s.name, s.platform, s.memory_mb) for s in found.services] == [
        ("export", "lambda", 1024)
    ]


PEOPLE_AND_SERVICE_TOPICS = """
variable "alert_emails" {
  type    = list(string)
  default = []
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alert_emails)
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic" "order_placed" {
  name = "order-placed"
}

resource "aws_sqs_queue" "fulfil" {
  name = "fulfil"
}

resource "aws_sns_topic_subscription" "fulfil" {
  topic_arn = aws_sns_topic.order_placed.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.fulfil.arn
}
"""


def test_a_topic_only_people_subscribe_to_is_no_queue(tmp_path: Path) -> None:
    """No alarm names the alerts topic (they were all removed), and its email list is
    given at apply time (no instance in the code): its subscription still says people
    read it. A topic a queue subscribes to is the application's."""
    (tmp_path / "main.tf").write_text(PEOPLE_AND_SERVICE_TOPICS, encoding="utf-8")
    found = read_terraform(tmp_path, walk(tmp_path.resolve()))
    assert sorted((q.name, q.engine) for q in found.queues) == [
        ("fulfil", "sqs"),
        ("order-placed", "sns"),
    ]
    assert any("aws_sns_topic.alerts" in n and "people" in n for n in found.notes)
