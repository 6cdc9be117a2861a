"""The account-level audit module and password-less caches, as rendered.

The audit module is called only when a compliance control uses it, with the standards the
regimes imply and Object Lock in compliance mode where the environment keeps its data (prod);
ElastiCache clients connect with an IAM token their own role signs, so no AUTH token exists
in the Terraform, the task definitions or the Kubernetes manifests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.iac import parse_hcl
from infra_architect.render import render_all
from infra_architect.spec import Compliance, load_requirements
from tests.conftest import ROOT

ENV = "infra/terraform/environments"
SAAS = ROOT / "examples" / "saas-team.yaml"  # ECS, a Redis cache, soc2
SHOP = ROOT / "examples" / "ecommerce.yaml"  # EKS, two Redis caches, pci-dss + gdpr
TOOL = ROOT / "examples" / "internal-tool.yaml"  # no compliance regime
FSBP = "aws-foundational-security-best-practices"
CIS = "cis-aws-foundations-benchmark"


def _design(spec: Path, regimes: list[Compliance] | None = None) -> Design:
    catalog = load_catalog()
    req = load_requirements(spec, catalog.regions)
    if regimes is not None:
        req = req.model_copy(update={"compliance": regimes})
    return design_system(req, catalog)


def _files(design: Design) -> dict[str, str]:
    return render_all(design)


def _module(files: dict[str, str], env: str, name: str) -> dict[str, object] | None:
    document = parse_hcl(files[f"{ENV}/{env}/main.tf"])
    for block in document.get("module", []):
        assert isinstance(block, dict)
        if name in block:
            body: dict[str, object] = block[name]
            return body
    return None


def test_no_regime_no_audit_module() -> None:
    files = _files(_design(TOOL))
    assert not any(p.startswith("infra/terraform/modules/audit/") for p in files)
    assert _module(files, "prod", "audit") is None


@pytest.mark.parametrize(
    ("regime", "standards", "guardduty"),
    [
        (Compliance.PCI_DSS, {FSBP, "pci-dss"}, True),
        (Compliance.SOC2, {FSBP, CIS}, True),
        (Compliance.HIPAA, {FSBP, CIS}, True),
        (Compliance.ISO27001, {FSBP, CIS}, True),
        (Compliance.GDPR, set(), False),  # Art. 32 asks for access logs, not detectors
    ],
    ids=lambda v: v.value if isinstance(v, Compliance) else None,
)
def test_the_audit_module_follows_the_regime(
    regime: Compliance, standards: set[str], guardduty: bool
) -> None:
    files = _files(_design(SAAS, [regime]))
    for env in ("staging", "prod"):
        audit = _module(files, env, "audit")
        assert audit is not None
        assert audit["enable_cloudtrail"] is True
        assert audit["enable_guardduty"] is guardduty
        assert audit["enable_securityhub"] is bool(standards)
        assert audit["enable_config"] is bool(standards)
        subscribed = audit["securityhub_standards"]
        assert isinstance(subscribed, dict)
        assert set(subscribed) == standards


def test_object_lock_is_compliance_mode_where_the_data_lives() -> None:
    design = _design(SHOP)
    files = _files(design)
    staging, prod = _module(files, "staging", "audit"), _module(files, "prod", "audit")
    assert staging is not None
    assert prod is not None
    # Nobody, root included, can shorten prod's lock; staging's account can be torn down.
    assert (prod["object_lock_mode"], prod["force_destroy"]) == ("COMPLIANCE", False)
    assert (staging["object_lock_mode"], staging["force_destroy"]) == ("GOVERNANCE", True)
    # PCI DSS 10.5.1: a year of audit history.
    assert prod["retention_days"] == staging["retention_days"] == 365


def test_hipaa_keeps_six_years_in_a_value_cloudwatch_accepts() -> None:
    audit = _module(_files(_design(SAAS, [Compliance.HIPAA])), "prod", "audit")
    assert audit is not None
    assert audit["retention_days"] == 2192  # 2190 is refused by PutRetentionPolicy


def test_cache_clients_connect_with_iam_on_ecs() -> None:
    design = _design(SAAS)
    files = _files(design)
    security = _module(files, "prod", "security")
    assert security is not None
    roles = security["service_roles"]
    assert isinstance(roles, dict)
    statements = {s["sid"]: s for s in roles["app"]["statements"]}
    assert statements["CacheIamAppCache"] == {
        "sid": "CacheIamAppCache",
        "actions": ["elasticache:Connect"],
        "resources": [
            "${module.elasticache_app_cache.replication_group_arn}",
            "${module.elasticache_app_cache.user_arn}",
        ],
    }
    ecs = _module(files, "prod", "ecs")
    assert ecs is not None
    services = ecs["services"]
    assert isinstance(services, dict)
    assert services["app"]["environment"] == {
        "APP_CACHE_ENDPOINT": "${module.elasticache_app_cache.primary_endpoint}",
        "APP_CACHE_USER": "${module.elasticache_app_cache.user_name}",
    }
    assert "secrets" not in services["app"]
    cache = _module(files, "prod", "elasticache_app_cache")
    assert cache is not None
    assert "auth_secret_name" not in cache


def test_cache_clients_connect_with_iam_on_kubernetes() -> None:
    files = _files(_design(SHOP))
    env = files["infra/k8s/overlays/prod/infrastructure.env"]
    assert "SESSIONS_USER=" in env
    assert "SESSIONS_SECRET_ARN" not in env
    storefront = "infra/k8s/base/storefront"  # uses only the sessions cache
    assert f"{storefront}/externalsecret.yaml" not in files
    output = files[f"{ENV}/prod/outputs.tf"]
    assert "SESSIONS_USER=${module.elasticache_sessions.user_name}" in output


def test_the_elasticache_module_holds_no_credential() -> None:
    files = _files(_design(SAAS))
    module = parse_hcl(files["infra/terraform/modules/elasticache/main.tf"])
    resources = {
        (kind, name): body
        for block in module["resource"]
        for kind, named in block.items()
        for name, body in named.items()
    }
    group = resources[("aws_elasticache_replication_group", "this")]
    assert "auth_token" not in group
    assert group["user_group_ids"] == ["${aws_elasticache_user_group.this.user_group_id}"]
    user = resources[("aws_elasticache_user", "this")]
    assert user["authentication_mode"][0]["type"] == "iam"
    assert user["user_id"] == user["user_name"]  # what IAM authentication requires
    assert not any(kind.startswith("aws_secretsmanager") for kind, _ in resources)
    data_sources = {kind for block in module["data"] for kind in block}
    assert data_sources == {"aws_caller_identity", "aws_partition", "aws_region"}
