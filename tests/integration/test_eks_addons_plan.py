"""Every EKS example's environment roots, add-on IAM included, plan against moto.

``terraform validate`` never calls AWS; a plan reads every data source and evaluates
every for_each and count with the values the design gives, which is where the add-on
roles, Pod Identity associations, Karpenter's queue and the split node groups can still
fail. The plan's JSON is then checked: each add-on role is bound to the service account
its chart runs as, vpc-cni is configured for network policy, no node group exceeds the
EKS quota. Same emulator and overrides as test_emulator_apply.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from infra_architect.validate import Toolchain
from infra_architect.validate._emulator import (
    hosted_zones,
    override,
    placeholder_variables,
    provider_aliases,
    seed_hosted_zones,
)
from infra_architect.validate._tools import write_cli_config
from tests.integration.test_emulator_apply import _errors, _terraform, emulator
from tests.test_platform_artifacts import EKS_EXAMPLES

pytestmark = pytest.mark.integration
__all__ = ["emulator"]  # the fixture, shared

ADMIN_ROLE = "arn:aws:iam::123456789012:role/platform-admin"


@pytest.mark.parametrize("spec", EKS_EXAMPLES, ids=[p.stem for p in EKS_EXAMPLES])
def test_eks_roots_plan_against_the_emulator(emulator: str, spec: Path, tmp_path: Path) -> None:
    tools = Toolchain.discover()
    if tools.terraform is None or tools.plugin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("terraform and a provider mirror are required in CI")
        pytest.skip("terraform or the provider mirror is absent")
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    addons = design.addons
    assert addons is not None
    tree = tmp_path / "tree"
    write_tree(tree, render_all(design), force=False)
    env = dict(
        os.environ,
        TF_CLI_CONFIG_FILE=str(write_cli_config(tools.plugin_dir, tmp_path)),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        AWS_ENDPOINT_URL=emulator,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",  # noqa: S106  (the emulator's dummy credentials)
        AWS_EC2_METADATA_DISABLED="true",
    )
    for sizing in design.environments:
        root = tree / "infra" / "terraform" / "environments" / sizing.name
        # validate's override: every aws provider block, the recovery alias too
        (root / "emulator_override.tf").write_text(
            override(provider_aliases(root)), encoding="utf-8"
        )
        init = _terraform(tools, ["init", "-input=false"], root, env)
        assert init.returncode == 0, _errors(init)
        seed_hosted_zones(emulator, hosted_zones(root))  # the zones a domain names
        # what the root requires, as validate's emulator step gives it, and a real-looking
        # admin role (the access entries plan one per ARN)
        variables = placeholder_variables(root) | {
            "cluster_admin_role_arns": f'["{ADMIN_ROLE}"]',
            "image_tag": "test",
        }
        plan = _terraform(
            tools,
            [
                "plan",
                "-input=false",
                "-lock=false",
                "-out=plan.bin",
                *(f"-var={name}={value}" for name, value in sorted(variables.items())),
            ],
            root,
            env,
        )
        assert plan.returncode == 0, _errors(plan)
        shown = _terraform(tools, ["show", "-json", "plan.bin"], root, env)
        assert shown.returncode == 0, _errors(shown)
        changes = json.loads(shown.stdout)["resource_changes"]

        def after(kind: str, changes: list[dict[str, object]] = changes) -> list[dict[str, object]]:
            return [c["change"]["after"] for c in changes if c["type"] == kind]  # type: ignore[index]

        bound = {
            (a["namespace"], a["service_account"])
            for a in after("aws_eks_pod_identity_association")
        }
        wanted = {(c.namespace, c.service_account) for c in addons.charts if c.aws_role}
        wanted |= {(m.namespace, m.service_account) for m in addons.managed if m.aws_role}
        assert bound == wanted, sizing.name
        cni = next(a for a in after("aws_eks_addon") if a["addon_name"] == "vpc-cni")
        assert json.loads(str(cni["configuration_values"])) == {"enableNetworkPolicy": "true"}
        groups = after("aws_eks_node_group")
        assert len(groups) == len(sizing.node_groups)
        assert all(g["scaling_config"][0]["max_size"] <= 450 for g in groups)  # type: ignore[index]
        entries = after("aws_eks_access_entry")
        assert [e["principal_arn"] for e in entries] == [ADMIN_ROLE]
        if addons.node_autoscaler == "karpenter":
            assert len(after("aws_cloudwatch_event_rule")) >= 4
            assert [q["name"] for q in after("aws_sqs_queue") if "karpenter" in str(q["name"])]
