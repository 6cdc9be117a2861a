"""The Terraform of designs using every broker and stream engine and MemoryDB, checked by
the real tools (terraform fmt, init from the provider mirror and validate per environment,
checkov with reasoned skips only, our rules). No example uses them all in each of their
modes, so tests/specs/streaming.yaml is varied to reach: MSK provisioned and Serverless,
Kinesis on-demand and provisioned, Amazon MQ cluster and single-instance, MemoryDB with
replicas, without, and sharded; on ECS and on EKS."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.render import render_all
from infra_architect.spec import parse_document, validate_document
from infra_architect.validate import Toolchain, ToolResult
from infra_architect.validate._tools import run_checkov, run_terraform
from infra_architect.validate._validate import run_our_rules
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SPEC = ROOT / "tests" / "specs" / "streaming.yaml"
TEAM = "team: {size: 12, ops_experience: medium, kubernetes_experience: low}"
AUDITOR = "{name: auditor, type: worker, uses: [audit], runtime: go}"
AUDIT = "{name: audit, engine: kinesis, messages_per_second: 200}"
VARIANTS: dict[str, dict[str, str]] = {
    "as-written": {},
    # a small team at a low SLO: Serverless, a single broker, no MemoryDB replica
    "small-team": {
        TEAM: "team: {size: 4, ops_experience: low}",
        "availability: {slo: 99.95, rpo_minutes: 15, rto_minutes: 15}": (
            "availability: {slo: 99.0, rpo_minutes: 60, rto_minutes: 240}"
        ),
    },
    # on EKS; a stream with no consumer at a rate where shards cost less; sharded data
    "eks": {
        TEAM: "team: {size: 12, ops_experience: high, kubernetes_experience: high}\n"
        "decisions: {compute: eks}",
        AUDITOR: "{name: auditor, type: worker, uses: [registry], runtime: go}",
        AUDIT: "{name: audit, engine: kinesis, messages_per_second: 5000}",
        "storage_gb: 4}": "storage_gb: 300}",
    },
}
# (platform, kafka, kinesis, rabbitmq, memorydb replicas per shard, memorydb shards > 1)
EXPECTED = {
    "as-written": ("ecs-fargate", "provisioned", "on-demand", "cluster", True, False),
    "small-team": ("ecs-fargate", "serverless", "on-demand", "single-instance", False, False),
    "eks": ("eks", "provisioned", "provisioned", "cluster", True, True),
}


def _design(variant: str) -> Design:
    catalog = load_catalog()
    text = SPEC.read_text(encoding="utf-8")
    for old, new in VARIANTS[variant].items():
        assert old in text, old
        text = text.replace(old, new)
    return design_system(
        validate_document(parse_document(text, "s.yaml"), catalog.regions), catalog
    )


def _modes(design: Design) -> tuple[object, ...]:
    modes = {q.engine: q.sizing.mode for q in design.data.queues if q.sizing is not None}
    registry = design.data.store("registry")
    return (
        design.compute.platform,
        modes["kafka"],
        modes["kinesis"],
        modes["rabbitmq"],
        registry.read_replicas > 0,
        registry.shards > 1,
    )


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    return Toolchain.discover()


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    design = _design(request.param)
    # the variant reaches the modes it is here for
    assert _modes(design) == EXPECTED[request.param]
    files = render_all(design)
    tree = tmp_path_factory.mktemp(request.param)
    for rel, text in files.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tree


def _need(tool: str | None, name: str) -> None:
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")


def _report(results: list[ToolResult]) -> str:
    return "\n".join(
        f"{r.tool} {r.target}: {r.status} {r.detail}\n  " + "\n  ".join(r.findings) for r in results
    )


def test_terraform_fmt_init_validate_pass(tools: Toolchain, tree: Path, tmp_path: Path) -> None:
    _need(tools.terraform, "terraform")
    if tools.plugin_dir is None and not os.environ.get("TF_CLI_CONFIG_FILE"):
        _need(None, "a provider mirror holding hashicorp/aws (INFRA_ARCHITECT_PLUGIN_DIR)")
    for module in ("msk", "mq", "memorydb", "messaging"):
        assert (tree / f"infra/terraform/modules/{module}/main.tf").is_file(), module
    results = list(run_terraform(tools, tree, tmp_path))
    assert len(results) == 5, _report(results)
    assert all(r.status == "passed" for r in results), _report(results)


def test_checkov_passes_with_reasoned_skips_only(
    tools: Toolchain, tree: Path, tmp_path: Path
) -> None:
    _need(tools.checkov, "checkov")
    (result,) = run_checkov(tools, tree, tmp_path)
    assert result.status == "passed", _report([result])
    skipped = [f for f in result.findings if f.startswith("skipped ")]
    short = [f for f in skipped if len(f.split(": ", 1)[1]) < 40]
    assert not short, "every skip needs a reason a reviewer can accept:\n" + "\n".join(short)


def test_our_rules_find_nothing(tree: Path) -> None:
    results = run_our_rules(tree)
    assert all(r.status == "passed" for r in results), _report(results)


def test_each_broker_admits_only_its_clients_on_its_port(tree: Path) -> None:
    """The brokers' security groups take the services that use them, on the broker's
    port; nothing else (no CIDR) is admitted."""
    main = (tree / "infra/terraform/environments/prod/main.tf").read_text(encoding="utf-8")
    for module, port, clients in (
        ("msk_events", 9098, {"api", "indexer"}),
        ("mq_commands", 5671, {"api", "dispatcher"}),
    ):
        block = main.split(f'module "{module}" {{', 1)[1].split("\n}\n", 1)[0]
        assert re.search(rf"^\s+port\s+= {port}$", block, re.MULTILINE), module
        assert "cidr" not in block.lower(), module
        groups = block.split("allowed_security_groups = {", 1)[1].split("}", 1)[0]
        names = set(re.findall(r"^\s+([\w-]+)\s+=", groups, re.MULTILINE))
        assert names in (clients, {"eks-nodes"}), (module, names)
