"""checkov's scans of the Terraform and of every rendered overlay share one checkov process
(imported once, a forked child per scan): each target's result equals a separate
``checkov`` call's, finding for finding, on a tree where the Terraform and one overlay
fail checks and the other overlay passes them (so a scan that saw another's objects, or
state one scan left behind, would show)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from infra_architect._kubectl import build_overlay
from infra_architect._output import write_tree
from infra_architect.validate import Toolchain
from infra_architect.validate._tools import (
    checkov_output,
    manifest_scan,
    run_checkov_scans,
    terraform_scan,
)
from tests.conftest import ROOT, generate

pytestmark = pytest.mark.integration

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: privileged
spec:
  containers:
    - name: privileged
      image: nginx
      securityContext:
        privileged: true
"""


def test_one_checkov_process_reports_what_separate_calls_do(tmp_path: Path) -> None:
    tools = Toolchain.discover()
    if tools.checkov is None or tools.kubectl is None:
        if os.environ.get("CI"):
            pytest.fail("checkov and kubectl are required in CI (.ci/run installs them)")
        pytest.skip("checkov or kubectl is not installed")
    tree = tmp_path / "tree"
    write_tree(tree, generate(ROOT / "examples" / "online-boutique.yaml"), force=False)
    main = tree / "infra/terraform/environments/prod/main.tf"
    main.write_text(
        main.read_text(encoding="utf-8") + '\nresource "aws_s3_bucket" "open" {\n}\n',
        encoding="utf-8",
    )
    prod = tree / "infra/k8s/overlays/prod"
    (prod / "privileged.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    kustomization = prod / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text(encoding="utf-8").replace(
            "- ../../base\n", "- ../../base\n- privileged.yaml\n", 1
        ),
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    scans = [terraform_scan(tree, work)]
    for name in ("prod", "staging"):
        rendered, errors = build_overlay(tools.kubectl, tree / "infra/k8s/overlays" / name)
        assert rendered is not None, errors
        (work / name).mkdir()
        (work / name / "rendered.yaml").write_text(rendered, encoding="utf-8")
        scans.append(manifest_scan(f"infra/k8s/overlays/{name}", work / name / "rendered.yaml"))

    shared = run_checkov_scans(tools.checkov, scans, work)

    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
    separate = []
    for scan in scans:
        proc = subprocess.run(
            [tools.checkov, *scan.arguments],
            cwd=scan.cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        separate.append(checkov_output(scan.target, proc.stdout, proc.stderr))
    assert shared == separate
    assert [r.status for r in shared] == ["failed", "failed", "passed"]
    assert any("aws_s3_bucket.open" in f for f in shared[0].findings)
    assert any("Pod.online-boutique-prod.privileged" in f for f in shared[1].findings)
