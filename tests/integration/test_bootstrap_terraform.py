"""The per-account bootstrap roots with the real tools, and the CMK's key policy.

For every example: each bootstrap root is ``terraform fmt`` clean, inits from the offline
mirror *with the lock file it ships* (and init leaves that file unchanged), validates,
passes checkov (reasoned skips only) and plans against moto. For an EKS example with
OpenSearch the staging bootstrap is applied and planned again (no changes), and the prod
bootstrap is planned in the same emulated account, where the service-linked roles already
exist: they are imported, not created (CreateServiceLinkedRole would fail on AWS). The
environment key's policy, planned through the security module, admits the Auto Scaling
service-linked role with the two statements AWS documents.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain
from infra_architect.validate._tools import write_cli_config
from tests.conftest import EXAMPLES, ROOT, generate
from tests.integration.test_emulator_apply import ROOT_OVERRIDE, emulator

pytestmark = pytest.mark.integration

__all__ = ["emulator"]  # the moto fixture, shared

MOTO_ACCOUNT = "123456789012"
# Provider blocks merge with override files: the emulator's account replaces the real one.
OVERRIDE = ROOT_OVERRIDE
assert f'allowed_account_ids         = ["{MOTO_ACCOUNT}"]' in OVERRIDE
AUTOSCALING_ROLE = (
    f"arn:aws:iam::{MOTO_ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    found = Toolchain.discover()
    if found.terraform is None or found.plugin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("terraform and a provider mirror are required in CI")
        pytest.skip("terraform or the provider mirror is absent")
    return found


def _env(tools: Toolchain, work: Path, endpoint: str | None = None) -> dict[str, str]:
    assert tools.plugin_dir is not None
    env = dict(
        os.environ,
        TF_CLI_CONFIG_FILE=str(write_cli_config(tools.plugin_dir, work)),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
    )
    if endpoint is not None:
        env |= {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",  # the emulator's dummy credentials
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    return env


def _tf(
    tools: Toolchain, args: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    assert tools.terraform is not None
    return subprocess.run(
        [tools.terraform, *args, "-no-color"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    return "\n".join((proc.stderr or proc.stdout).splitlines()[-40:])


def _tree(spec: Path, where: Path) -> Path:
    write_tree(where, generate(spec), force=False)
    return where / "infra" / "terraform"


def _emulated(root: Path) -> Path:
    (root / "emulator_override.tf").write_text(OVERRIDE, encoding="utf-8")
    return root


def _changes(tools: Toolchain, root: Path, env: dict[str, str]) -> dict[str, object]:
    show = _tf(tools, ["show", "-json", "plan.out"], root, env)
    assert show.returncode == 0, _ok(show)
    plan: dict[str, object] = json.loads(show.stdout)
    return plan


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_bootstrap_roots_init_validate_and_plan_against_the_emulator(
    spec: Path, tools: Toolchain, emulator: str, tmp_path: Path
) -> None:
    terraform = _tree(spec, tmp_path / "tree")
    roots = sorted((terraform / "bootstrap").iterdir())
    assert roots, "no bootstrap root"
    env = _env(tools, tmp_path, emulator)
    fmt = _tf(tools, ["fmt", "-check", "-recursive", "."], terraform / "bootstrap", env)
    assert fmt.returncode == 0, fmt.stdout
    for root in roots:
        lock = (root / ".terraform.lock.hcl").read_text(encoding="utf-8")
        init = _tf(tools, ["init", "-input=false"], _emulated(root), env)
        assert init.returncode == 0, _ok(init)
        assert (root / ".terraform.lock.hcl").read_text(encoding="utf-8") == lock, (
            "init rewrote the shipped lock file"
        )
        validate = _tf(tools, ["validate"], root, env)
        assert validate.returncode == 0, _ok(validate)
        plan = _tf(tools, ["plan", "-input=false", "-out=plan.out"], root, env)
        assert plan.returncode == 0, _ok(plan)
        changes = _changes(tools, root, env)["resource_changes"]
        assert isinstance(changes, list)
        created = {c["address"] for c in changes if c["change"]["actions"] == ["create"]}
        assert "aws_s3_bucket.state" in created
        assert "aws_iam_openid_connect_provider.github[0]" in created


def test_service_linked_roles_are_created_once_and_adopted_after(
    tools: Toolchain, emulator: str, tmp_path: Path
) -> None:
    # ecommerce: EKS (the Auto Scaling role) with an OpenSearch domain (its role).
    terraform = _tree(ROOT / "examples" / "ecommerce.yaml", tmp_path / "tree")
    env = _env(tools, tmp_path, emulator)
    staging = _emulated(terraform / "bootstrap" / "staging")
    assert _tf(tools, ["init", "-input=false"], staging, env).returncode == 0
    apply = _tf(tools, ["apply", "-input=false", "-auto-approve"], staging, env)
    assert apply.returncode == 0, _ok(apply)
    again = _tf(tools, ["plan", "-input=false", "-detailed-exitcode"], staging, env)
    assert again.returncode == 0, f"a second plan is not empty:\n{_ok(again)}"

    # The prod bootstrap in the same (emulated) account: the roles exist now, so a
    # CreateServiceLinkedRole would fail; the plan imports them instead. GitHub's
    # provider exists too: the documented flag reads it rather than creating another.
    prod = _emulated(terraform / "bootstrap" / "prod")
    assert _tf(tools, ["init", "-input=false"], prod, env).returncode == 0
    plan = _tf(
        tools,
        ["plan", "-input=false", "-var", "create_github_oidc_provider=false", "-out=plan.out"],
        prod,
        env,
    )
    assert plan.returncode == 0, _ok(plan)
    changes = _changes(tools, prod, env)["resource_changes"]
    assert isinstance(changes, list)
    roles = {c["address"]: c["change"] for c in changes if "service_linked_role" in c["address"]}
    assert set(roles) == {
        "aws_iam_service_linked_role.autoscaling",
        "aws_iam_service_linked_role.opensearchservice",
    }
    for change in roles.values():
        assert change["actions"] == ["no-op"]
        assert change.get("importing"), "an existing service-linked role is imported"


def test_bootstrap_roots_pass_checkov(tools: Toolchain, tmp_path: Path) -> None:
    checkov = Toolchain.discover().checkov
    if checkov is None:
        if os.environ.get("CI"):
            pytest.fail("checkov is required in CI")
        pytest.skip("checkov is absent")
    for spec in EXAMPLES:
        terraform = _tree(spec, tmp_path / spec.stem)
        proc = subprocess.run(
            [
                *(checkov, "-d", "bootstrap", "--framework", "terraform"),
                *("--skip-download", "--compact", "-o", "json"),
            ],
            cwd=terraform,
            env=dict(os.environ, BC_SKIP_MAPPING="TRUE"),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        report = json.loads(proc.stdout)
        reports = report if isinstance(report, list) else [report]
        failed = [c for r in reports for c in r["results"]["failed_checks"]]
        assert not failed, [(c["check_id"], c["resource"]) for c in failed]
        skipped = [c for r in reports for c in r["results"]["skipped_checks"]]
        assert all(c["check_result"].get("suppress_comment") for c in skipped)


SECURITY_CALLER = """\
module "security" {
  source            = "../modules/security"
  name              = "kms-policy-test"
  workload_platform = "%s"
  oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/example"
  oidc_provider_url = "oidc.example"
}
"""


def _key_policy(tools: Toolchain, terraform: Path, platform: str, env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """The security module's key policy for ``platform``, as Terraform plans it."""
    root = terraform / f"policy-{platform}"
    root.mkdir()
    shutil.copy(terraform / "environments" / "staging" / "versions.tf", root)
    (root / "main.tf").write_text(SECURITY_CALLER % platform, encoding="utf-8")
    (root / "provider.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    _emulated(root)
    init = _tf(tools, ["init", "-input=false"], root, env)
    assert init.returncode == 0, _ok(init)
    plan = _tf(tools, ["plan", "-input=false", "-out=plan.out"], root, env)
    assert plan.returncode == 0, _ok(plan)
    planned = _changes(tools, root, env)["planned_values"]
    assert isinstance(planned, dict)
    (module,) = planned["root_module"]["child_modules"]
    (key,) = [r for r in module["resources"] if r["address"] == "module.security.aws_kms_key.this"]
    policy: dict = json.loads(key["values"]["policy"])  # type: ignore[type-arg]
    return policy


def test_the_eks_key_policy_admits_the_auto_scaling_service_linked_role(
    tools: Toolchain, emulator: str, tmp_path: Path
) -> None:
    terraform = _tree(ROOT / "examples" / "ecommerce.yaml", tmp_path / "tree")
    env = _env(tools, tmp_path, emulator)
    policy = _key_policy(tools, terraform, "eks", env)
    asg = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("AWS") in (AUTOSCALING_ROLE, [AUTOSCALING_ROLE])
    ]
    by_sid = {s["Sid"]: s for s in asg}
    assert set(by_sid) == {
        "AutoScalingUseForEncryptedNodeVolumes",
        "AutoScalingGrantsForAttachedVolumes",
    }
    use = by_sid["AutoScalingUseForEncryptedNodeVolumes"]
    assert set(use["Action"]) == {
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
    }
    assert use["Effect"] == "Allow"
    grant = by_sid["AutoScalingGrantsForAttachedVolumes"]
    assert grant["Action"] in ("kms:CreateGrant", ["kms:CreateGrant"])
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    # ECS on Fargate launches no Auto Scaling group: the key names no such role there.
    ecs = _key_policy(tools, terraform, "ecs", env)
    assert not [s for s in ecs["Statement"] if "AutoScaling" in s.get("Sid", "")]
