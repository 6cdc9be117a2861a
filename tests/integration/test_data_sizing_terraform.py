"""The Terraform of a design that sizes its data from reads and writes, checked by the
real tools: an Aurora cluster leading a Global Database (its secondary in the recovery
region), an RDS instance with gp3 IOPS provisioned past the baseline, and a bucket with
lifecycle tiers down to Glacier Instant Retrieval and an expiry (tests/specs/data-sizing.yaml)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain, ToolResult
from infra_architect.validate._tools import run_checkov, run_terraform
from infra_architect.validate._validate import run_our_rules
from tests.conftest import ROOT, generate

pytestmark = pytest.mark.integration

SPEC = ROOT / "tests" / "specs" / "data-sizing.yaml"


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    return Toolchain.discover()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("data-sizing")
    write_tree(tree, generate(SPEC), force=False)
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


def test_the_design_uses_what_this_test_checks(tree: Path) -> None:
    text = (tree / "infra/terraform/environments/prod/main.tf").read_text(encoding="utf-8")
    prod = re.sub(r" +", " ", text)
    assert 'source = "../../modules/aurora"' in prod
    assert "create_global_cluster = true" in prod
    assert "global_cluster_identifier = module.aurora_ledger_db.global_cluster_id" in prod
    assert "iops = 13000" in prod
    assert 'storage_class = "GLACIER_IR"' in prod
    assert "expiration_days = 3650" in prod


def test_terraform_fmt_init_validate_pass(tools: Toolchain, tree: Path, tmp_path: Path) -> None:
    _need(tools.terraform, "terraform")
    if tools.plugin_dir is None and not os.environ.get("TF_CLI_CONFIG_FILE"):
        _need(None, "a provider mirror holding hashicorp/aws (INFRA_ARCHITECT_PLUGIN_DIR)")
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
