"""`validate` on a generated tree someone planted things in (issue 16): an output
directory is committed, edited and cloned, so it is untrusted input too. Before any tool
runs, a preflight walks it the way `review` does; a link or path out of the tree, a pipe,
a remote Terraform module or a kustomize reference to the network stops validate with
the reasons, and no tool (terraform init would fetch the module, kubectl the URL) runs."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.hostile.conftest import Sandbox

SPEC = ROOT / "examples" / "internal-tool.yaml"
PROD = Path("infra/terraform/environments/prod")


def _design(sandbox: Sandbox) -> None:
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(SPEC.read_text())
    result = sandbox.run("design", str(spec), "-o", str(sandbox.out))
    assert result.returncode == 0, result.stderr


def _remote_module(sandbox: Sandbox) -> str:
    main = sandbox.out / PROD / "main.tf"
    main.write_text(
        main.read_text()
        + f'\nmodule "planted" {{\n  source = "git::{sandbox.listener.url}/m.git"\n}}\n'
    )
    return "is not a local path"


def _registry_module(sandbox: Sandbox) -> str:
    (sandbox.out / PROD / "extra.tf").write_text(
        'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n'
    )
    return "is not a local path"


def _module_out_of_the_tree(sandbox: Sandbox) -> str:
    (sandbox.out / PROD / "extra.tf").write_text(
        'module "x" {\n  source = "../../../../../outside"\n}\n'
    )
    return "leaves the tree"


def _module_linked_out(sandbox: Sandbox) -> str:
    (sandbox.out / "infra/terraform/modules/planted").symlink_to(sandbox.outside)
    return "symlink leads outside the tree"


def _fifo(sandbox: Sandbox) -> str:
    os.mkfifo(sandbox.out / PROD / "extra.tf")
    return "not a regular file"


def _kustomize_url(sandbox: Sandbox) -> str:
    overlay = sandbox.out / "infra/k8s/overlays/prod"
    overlay.mkdir(parents=True, exist_ok=True)
    (overlay / "kustomization.yaml").write_text(
        f"resources:\n  - {sandbox.listener.url}/deployment.yaml\n"
    )
    return "not built"


PLANTED: dict[str, Callable[[Sandbox], str]] = {
    "remote module (git over http)": _remote_module,
    "registry module": _registry_module,
    "module path out of the tree": _module_out_of_the_tree,
    "module directory linked out": _module_linked_out,
    "a FIFO named .tf": _fifo,
    "kustomization naming a URL": _kustomize_url,
}


@pytest.mark.parametrize("plant", PLANTED.values(), ids=PLANTED.keys())
def test_validate_runs_no_tool_on_a_tree_with_something_planted(
    sandbox: Sandbox, plant: Callable[[Sandbox], str]
) -> None:
    _design(sandbox)
    reason = plant(sandbox)
    result = sandbox.run("validate", str(sandbox.out), "-f", "json", timeout=60)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [r["tool"] for r in report["results"]] == ["preflight"]
    assert any(reason in f for f in report["results"][0]["findings"]), report
    assert result.processes() == [], "no tool may run on it"


def test_a_clean_generated_tree_passes_the_preflight(sandbox: Sandbox) -> None:
    from infra_architect.review import preflight  # noqa: PLC0415  (the library, in-process)

    _design(sandbox)
    assert preflight(sandbox.out) == []


def test_pipes_where_no_tool_reads_neither_block_nor_crash(sandbox: Sandbox) -> None:
    """A FIFO as design.json (read for the SLO and the Kubernetes version) blocked
    validate; one under infra/terraform where no tool reads (a README) crashed the copy the
    tools run on (exit 70). Neither is opened; the tools run on the rest."""
    _design(sandbox)
    (sandbox.out / "design.json").unlink()
    os.mkfifo(sandbox.out / "design.json")
    os.mkfifo(sandbox.out / "infra/terraform/modules/README")
    result = sandbox.run(
        "validate", str(sandbox.out), "-f", "json", timeout=600, allowed=(Path("/tmp"),)
    )
    report = json.loads(result.stdout)
    assert "preflight" not in [r["tool"] for r in report["results"]]
    assert not [p for p in result.paths("open") if p.endswith(("design.json", "README"))]
