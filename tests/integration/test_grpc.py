"""The gRPC shop's generated trees, checked by the real tools: both EKS variants
(client-side balancing over headless Services, and the Linkerd mesh) build with
`kubectl kustomize` and validate against the bundled schemas (gRPC probes, appProtocol,
clusterIP None) with checkov and our rules clean; the ECS variant's GRPC target group
passes terraform validate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain, ToolResult
from infra_architect.validate._kubernetes import run_kubernetes
from infra_architect.validate._tools import run_terraform
from tests.conftest import ROOT, generate
from tests.unit.render.test_grpc import shop_variant

pytestmark = pytest.mark.integration

SHOP = ROOT / "tests" / "specs" / "grpc-shop.yaml"


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    return Toolchain.discover()


def _need(tool: str | None, name: str) -> None:
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")


def _report(results: list[ToolResult]) -> str:
    return "\n".join(
        f"{r.tool} {r.target}: {r.status} {r.detail}\n  " + "\n  ".join(r.findings) for r in results
    )


def _tree(spec: Path, tmp: pytest.TempPathFactory) -> Path:
    tree = tmp.mktemp(spec.stem)
    write_tree(tree, generate(spec), force=False)
    return tree


@pytest.mark.parametrize(
    ("size", "kubernetes"), [(4, "medium"), (8, "high")], ids=["headless", "mesh"]
)
def test_grpc_manifests_build_and_validate(
    tools: Toolchain, tmp_path_factory: pytest.TempPathFactory, size: int, kubernetes: str
) -> None:
    _need(tools.kubectl, "kubectl")
    _need(tools.checkov, "checkov")
    spec = shop_variant(tmp_path_factory.mktemp("spec"), size, kubernetes)
    results = list(run_kubernetes(tools, _tree(spec, tmp_path_factory), slo=99.9))
    builds = [r for r in results if r.tool == "kubectl kustomize"]
    assert [b.target for b in builds] == [
        "infra/k8s/overlays/prod",
        "infra/k8s/overlays/staging",
        "infra/k8s/platform/prod",  # each cluster's add-on app-of-apps
        "infra/k8s/platform/staging",
    ]
    assert {r.tool for r in results} >= {"kubectl kustomize", "schemas", "checkov"}
    assert all(r.status == "passed" for r in results), _report(results)


def test_the_grpc_target_group_passes_terraform_validate(
    tools: Toolchain, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    _need(tools.terraform, "terraform")
    if tools.plugin_dir is None and not os.environ.get("TF_CLI_CONFIG_FILE"):
        _need(None, "a provider mirror holding hashicorp/aws (INFRA_ARCHITECT_PLUGIN_DIR)")
    tree = _tree(shop_variant(tmp_path_factory.mktemp("spec"), 4, "none"), tmp_path_factory)
    main = (tree / "infra/terraform/environments/prod/main.tf").read_text()
    assert '"GRPC"' in main, "the ECS variant must front its gRPC API with a GRPC target group"
    results = list(run_terraform(tools, tree, tmp_path))
    assert [r.tool for r in results] == [
        "terraform fmt",
        *["terraform init", "terraform validate"] * 2,
    ]
    assert all(r.status == "passed" for r in results), _report(results)
