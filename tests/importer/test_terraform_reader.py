"""The Terraform reader of `import`: on the project's own generated trees (what design
wrote must be read back) and on a public terraform-aws-modules example."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.importer import Findings
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


def test_saas_team_prod_is_read_back(tmp_path: Path) -> None:
    found = _read(tmp_path, "saas-team")
    # app and api are both behind the internet-facing ALB: Terraform cannot tell a web
    # front end from a public API (the spec says app is web, api is api)
    assert _services(found) == {
        "app": ("web", True, 8080, ["api"], ["app-cache"]),
        "api": ("web", True, 8080, [], ["app-cache", "jobs", "main-db", "uploads"]),
        "jobs-worker": ("worker", False, None, [], ["jobs", "main-db", "uploads"]),
        "billing-run": ("cron", False, None, [], ["main-db"]),
    }
    services = {s.name: s for s in found.services}
    assert (services["app"].replicas, services["app"].max_replicas) == (6, 53)
    assert (services["app"].cpu, services["app"].memory_mb) == (0.5, 1024)
    assert services["billing-run"].schedule == "15 2 * * ? *"
    assert {s.platform for s in found.services} == {"ecs-fargate"}
    stores = {s.name: (s.engine, s.multi_az, s.instance_class) for s in found.datastores}
    assert stores == {
        "main-db": ("postgres", True, "db.m6g.large"),
        "app-cache": ("redis", True, "cache.t4g.small"),
        "uploads": ("s3", None, None),
    }
    main_db = next(s for s in found.datastores if s.name == "main-db")
    assert (main_db.storage_gb, main_db.backup_retention_days, main_db.replicas) == (80, 35, 0)
    assert [(q.name, q.engine, q.dead_letter) for q in found.queues] == [("jobs", "sqs", True)]
    alarms = {a.name: a.target for a in found.alarms}
    assert alarms["main-db-cpu"] == "main-db"
    assert alarms["jobs-dead-letters"] == "jobs"
    assert alarms["api-at-max-tasks"] == "api"
    assert found.region is not None and found.region[0] == "eu-west-1"
    assert found.availability_zones is not None and found.availability_zones[0] == 3
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
    assert found.region is not None and found.region[0] == "us-east-1"


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
    assert found.region is not None and found.region[0] == region
    assert found.availability_zones is not None and found.availability_zones[0] == zones


def test_terraform_aws_ecs_complete_example() -> None:
    root = PUBLIC / "terraform-aws-ecs"
    found = read_terraform(root, walk(root.resolve()))
    assert [(s.name, s.public, s.port, s.cpu, s.memory_mb) for s in found.services] == [
        ("ecsdemo-frontend", True, 3000, 1.0, 4096)
    ]
    assert found.services[0].evidence.path == "examples/complete/main.tf"
    assert found.region is not None and found.region[0] == "eu-west-1"
    # azs = slice(data.aws_availability_zones.available.names, 0, 3)
    assert found.availability_zones is not None and found.availability_zones[0] == 3
