"""Each EKS cluster's platform agrees with its Terraform, for every example on EKS.

The add-on Applications of ``infra/k8s/platform/<env>/`` are read as YAML and each
environment's Terraform root with python-hcl2: every service account an add-on chart
runs as has a Pod Identity association in that environment's Terraform (and no
association is left without its chart); every Application targets its own cluster's API
server with a pinned chart release; vpc-cni enforces NetworkPolicies; no managed node
group is above the EKS quota; the app-of-apps builds with kustomize and every object
validates against its schema.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.render import render_all
from infra_architect.render._k8s_platform import bootstrap_commands
from infra_architect.spec import load_requirements
from infra_architect.validate._kubernetes import validate_object
from tests.conftest import EXAMPLES

IN_CLUSTER = "https://kubernetes.default.svc"
QUOTA = 450
_RELEASE = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass
class Generated:
    design: Design
    files: dict[str, str]

    def main_tf(self, env: str) -> dict[str, Any]:
        parsed: dict[str, Any] = hcl2.loads(
            self.files[f"infra/terraform/environments/{env}/main.tf"]
        )
        return parsed

    def module(self, env: str, name: str) -> dict[str, Any]:
        for block in self.main_tf(env)["module"]:
            if name in block:
                found: dict[str, Any] = block[name]
                return found
        raise KeyError(name)

    def applications(self, env: str) -> Iterator[dict[str, Any]]:
        prefix = f"infra/k8s/platform/{env}/apps/"
        for path, text in sorted(self.files.items()):
            if path.startswith(prefix):
                yield yaml.safe_load(text)


def _eks_designs() -> Iterator[Path]:
    catalog = load_catalog()
    for spec in EXAMPLES:
        design = design_system(load_requirements(spec, catalog.regions), catalog)
        if design.compute.platform.kubernetes:
            yield spec


EKS_EXAMPLES = list(_eks_designs())


@pytest.fixture(scope="module", params=EKS_EXAMPLES, ids=[p.stem for p in EKS_EXAMPLES])
def generated(request: pytest.FixtureRequest) -> Generated:
    catalog = load_catalog()
    design = design_system(load_requirements(request.param, catalog.regions), catalog)
    return Generated(design, render_all(design))


def test_there_are_eks_examples() -> None:
    assert {p.stem for p in EKS_EXAMPLES} >= {"ecommerce", "online-boutique"}


def _service_account(values: dict[str, Any]) -> str | None:
    for holder in (values, values.get("rbac") or {}):
        account = holder.get("serviceAccount") or {}
        if account.get("name"):
            return str(account["name"])
    return None


def test_every_add_on_service_account_has_a_pod_identity(generated: Generated) -> None:
    for env in generated.design.environments:
        identities = generated.module(env.name, "eks_addons")["pod_identities"]
        bound = {(v["namespace"], v["service_account"]) for v in identities.values()}
        used = set()
        for app in generated.applications(env.name):
            source = app["spec"]["source"]
            account = _service_account(source.get("helm", {}).get("valuesObject", {}))
            if account is not None:
                used.add((app["spec"]["destination"]["namespace"], account))
        needing = {
            (c.namespace, c.service_account)
            for c in generated.design.addons.charts  # type: ignore[union-attr]
            if c.aws_role is not None
        }
        assert needing <= used, f"{env.name}: charts that call AWS run as {used}"
        assert needing == bound, f"{env.name}: Terraform binds {bound}, charts need {needing}"


def test_applications_target_their_own_cluster_with_pinned_charts(generated: Generated) -> None:
    for env in generated.design.environments:
        apps = list(generated.applications(env.name))
        assert any(a["metadata"]["name"] == "argo-cd" for a in apps), "Argo CD manages itself"
        for app in apps:
            spec = app["spec"]
            assert spec["destination"]["server"] == IN_CLUSTER, app["metadata"]["name"]
            assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
            if "chart" in spec["source"]:
                assert _RELEASE.match(spec["source"]["targetRevision"]), spec["source"]
        workloads = next(a for a in apps if a["metadata"]["name"].endswith(env.name))
        assert workloads["spec"]["source"]["path"] == f"infra/k8s/overlays/{env.name}"
        assert workloads["spec"]["destination"]["namespace"] == env.namespace
    assert not any(p.startswith("infra/k8s/argocd/") for p in generated.files)


def test_vpc_cni_enforces_network_policies(generated: Generated) -> None:
    for env in generated.design.environments:
        addons = generated.module(env.name, "eks")["addons"]
        cni = addons["vpc-cni"]
        assert cni["configuration"] == {"enableNetworkPolicy": "true"}
        assert cni["before_compute"] is True
    module = generated.files["infra/terraform/modules/eks/main.tf"]
    assert "configuration_values        = length(each.value.configuration) > 0" in module


def test_no_node_group_above_the_quota(generated: Generated) -> None:
    for env in generated.design.environments:
        groups = generated.module(env.name, "eks")["node_groups"]
        assert groups
        assert all(g["max_size"] <= QUOTA for g in groups.values()), env.name


def test_cluster_admins_come_from_access_entries(generated: Generated) -> None:
    module = generated.files["infra/terraform/modules/eks/main.tf"]
    assert "bootstrap_cluster_creator_admin_permissions = false" in module
    for env in generated.design.environments:
        entries = generated.module(env.name, "eks")["access_entries"]
        assert "var.cluster_admin_role_arns" in entries


def test_the_bootstrap_installs_the_pinned_argo_cd(generated: Generated) -> None:
    argocd = generated.design.addons.argocd  # type: ignore[union-attr]
    for env in generated.design.environments:
        commands = bootstrap_commands(generated.design, env)
        assert f"--version {argocd.version}" in commands[1]
        for path in re.findall(r"infra/k8s/platform/\S+\.yaml", " ".join(commands)):
            assert path in generated.files, path


@pytest.mark.integration
def test_the_platform_builds_and_validates(generated: Generated, tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    for rel, text in generated.files.items():
        if rel.startswith("infra/k8s/platform/"):
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    version = generated.design.compute.kubernetes_version or ""
    for env in generated.design.environments:
        folder = tmp_path / "infra" / "k8s" / "platform" / env.name
        built = subprocess.run(
            [kubectl, "kustomize", str(folder)], capture_output=True, text=True, check=False
        )
        assert built.returncode == 0, built.stderr
        objects = list(yaml.safe_load_all(built.stdout))
        assert len(objects) == len(list(generated.applications(env.name))) + 2
        for obj in [*objects, yaml.safe_load((folder / "root.yaml").read_text())]:
            problems = validate_object(obj, version)
            assert problems == [], f"{obj['kind']} {obj['metadata']['name']}: {problems}"
