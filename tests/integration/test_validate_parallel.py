"""``validate`` runs its tools concurrently and reports them in one fixed order: the
report of the pool equals the report of one worker (the tools one after another),
result for result, on a tree where some tools fail."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain, validate_tree
from tests.conftest import ROOT, generate

pytestmark = pytest.mark.integration


@pytest.mark.slow
def test_the_parallel_report_equals_the_sequential_one(tmp_path: Path) -> None:
    tools = Toolchain.discover()
    if tools.terraform is None or tools.kubectl is None:
        if os.environ.get("CI"):
            pytest.fail("terraform and kubectl are required in CI (.ci/run installs them)")
        pytest.skip("terraform or kubectl is not installed")
    if tools.checkov is None and os.environ.get("CI"):
        pytest.fail("checkov is required in CI (.ci/run installs it)")
    write_tree(tmp_path, generate(ROOT / "examples" / "online-boutique.yaml"), force=False)
    main = tmp_path / "infra/terraform/environments/prod/main.tf"
    # init passes (it reads no expressions), validate and the plan fail
    main.write_text(
        main.read_text(encoding="utf-8") + '\noutput "bogus" {\n  value = var.undeclared\n}\n',
        encoding="utf-8",
    )
    one = validate_tree(tmp_path, tools, workers=1)
    pool = validate_tree(tmp_path, tools, workers=4)
    assert pool.results == one.results
    assert ("terraform validate", "infra/terraform/environments/prod") in {
        (r.tool, r.target) for r in one.failed
    }
    kinds = [r.tool for r in one.results]
    assert kinds.index("terraform fmt") < kinds.index("kubectl kustomize") < kinds.index("zizmor")
    # checkov runs once for the Terraform and the overlays; each result keeps its place
    prod = [r.tool for r in one.results if r.target == "infra/k8s/overlays/prod"]
    assert prod == ["kubectl kustomize", "schemas", "promql", "checkov", "infra-architect rules"]
    assert kinds.index("checkov") == len(kinds) - kinds[::-1].index("terraform plan (emulator)")


def test_without_checkov_each_target_says_so(tmp_path: Path) -> None:
    tools = Toolchain.discover()
    if tools.kubectl is None:
        pytest.skip("kubectl is not installed")
    tools = dataclasses.replace(tools, checkov=None, terraform=None)
    write_tree(tmp_path, generate(ROOT / "examples" / "online-boutique.yaml"), force=False)
    report = validate_tree(tmp_path, tools, workers=2)
    assert [(r.target, r.status) for r in report.results if r.tool == "checkov"] == [
        ("infra/terraform", "skipped"),
        ("infra/k8s/overlays/prod", "skipped"),
        ("infra/k8s/overlays/staging", "skipped"),
    ]
