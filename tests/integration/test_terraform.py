"""The generated Terraform of every example, checked by the real tools: terraform fmt,
init (offline, from the provider mirror) and validate per environment, checkov, and
our own rules. Skipped only when a tool is truly absent, and never under CI."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain, ToolResult, validate_tree
from infra_architect.validate._tools import run_checkov, run_terraform
from infra_architect.validate._validate import run_our_rules
from tests.conftest import EXAMPLES, generate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    return Toolchain.discover()


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: Path = request.param
    tree = tmp_path_factory.mktemp(spec.stem)
    write_tree(tree, generate(spec), force=False)
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
    results = list(run_terraform(tools, tree, tmp_path))
    assert [r.tool for r in results] == [
        "terraform fmt",
        *["terraform init", "terraform validate"] * 2,
    ]
    assert all(r.status == "passed" for r in results), _report(results)


def test_checkov_finds_no_failed_check(tools: Toolchain, tree: Path, tmp_path: Path) -> None:
    _need(tools.checkov, "checkov")
    (result,) = run_checkov(tools, tree, tmp_path)
    assert result.status == "passed", _report([result])
    skipped = [f for f in result.findings if f.startswith("skipped ")]
    # The generated modules carry inline skips (key policies, read replicas...): a report
    # without any means checkov's skipped checks were lost on the way.
    assert skipped, "checkov reported no skipped check: the report dropped them"
    short = [f for f in skipped if len(f.split(": ", 1)[1]) < 40]
    assert not short, "every skip needs a reason a reviewer can accept:\n" + "\n".join(short)


def test_our_rules_find_nothing_in_generated_terraform(tree: Path) -> None:
    results = run_our_rules(tree)
    assert [r.target.rsplit("/", 1)[1] for r in results] == ["prod", "staging"]
    assert all(r.status == "passed" for r in results), _report(results)


def test_validate_reports_a_broken_tree(tools: Toolchain, tree: Path) -> None:
    _need(tools.terraform, "terraform")
    main = tree / "infra/terraform/environments/staging/main.tf"
    original = main.read_text(encoding="utf-8")
    try:
        main.write_text(
            original.replace(
                'source = "../../modules/vpc"', 'source = "../../modules/vpc"\n  bogus = 1'
            ),
            encoding="utf-8",
        )
        report = validate_tree(tree, dataclasses.replace(tools, checkov=None))
    finally:
        main.write_text(original, encoding="utf-8")
    failed = {(r.tool, r.target) for r in report.failed}
    assert ("terraform fmt", "infra/terraform") in failed
    assert ("terraform validate", "infra/terraform/environments/staging") in failed
    # checkov runs on the Terraform and on each rendered overlay: skipped everywhere.
    assert {r.tool for r in report.skipped} == {"checkov"}
    assert not report.ok
