"""The public name works on day one (issue 20 item 8c), over every example spec.

With ``cloud.domains``: each environment root issues its certificate validated by DNS in
the environment's hosted zone, and the listener (ECS) or the Ingress (EKS, through
infrastructure.env) uses that certificate; the name's records point at the load balancer
(Terraform's alias records on ECS, a failover pair where a standby ALB runs; external-dns
on EKS, its role limited to the zone); no certificate_arn input is left. Without a
domain the input exists and the Design says how to supply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import hcl2
import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES

ROOTS = "infra/terraform/environments"
DNS_MODULE = "infra/terraform/modules/dns/main.tf"


@dataclass(frozen=True)
class Generated:
    design: Design
    files: dict[str, str]

    def modules(self, env: str) -> dict[str, dict[str, object]]:
        parsed = hcl2.loads(self.files[f"{ROOTS}/{env}/main.tf"])
        return {name: body for entry in parsed.get("module", []) for name, body in entry.items()}

    def variables(self, env: str) -> set[str]:
        parsed = hcl2.loads(self.files[f"{ROOTS}/{env}/variables.tf"])
        return {name for entry in parsed.get("variable", []) for name in entry}


@cache
def _generated(spec: Path) -> Generated:
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    return Generated(design, render_all(design))


def _ref(value: object) -> str:
    """python-hcl2 writes an expression as ``${...}``."""
    return str(value).removeprefix("${").removesuffix("}")


def _public(design: Design) -> bool:
    return design.network.load_balancer == "alb" and any(s.public for s in design.compute.services)


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def generated(request: pytest.FixtureRequest) -> Generated:
    return _generated(request.param)


def test_examples_cover_a_domain_on_ecs_with_a_standby_and_on_eks() -> None:
    designs = [_generated(p).design for p in EXAMPLES]
    assert any(
        d.dns.domains and not d.compute.platform.kubernetes and d.dns.health_check for d in designs
    )
    assert any(d.dns.domains and d.compute.platform.kubernetes for d in designs)


def test_certificate_is_validated_in_the_zone(generated: Generated) -> None:
    design = generated.design
    for env in design.environments:
        domain = design.dns.domain(env.name)
        modules = generated.modules(env.name)
        if domain is None:
            assert "dns" not in modules
            continue
        dns = modules["dns"]
        assert dns["domain_name"] == domain.name
        assert dns["zone_name"] == domain.hosted_zone
        assert domain.name == domain.hosted_zone or domain.name.endswith("." + domain.hosted_zone)
        assert domain.public_url == f"https://{domain.name}"
    if design.dns.domains:
        module = hcl2.loads(generated.files[DNS_MODULE])
        resources = {k for entry in module["resource"] for k in entry}
        assert {
            "aws_acm_certificate",
            "aws_route53_record",
            "aws_acm_certificate_validation",
        } <= resources
        certificate = next(
            e["aws_acm_certificate"] for e in module["resource"] if "aws_acm_certificate" in e
        )
        assert certificate["this"]["validation_method"] == "DNS"
        data = {k for entry in module["data"] for k in entry}
        assert "aws_route53_zone" in data
        # the listener waits for the issued certificate, not the pending one
        outputs = {
            k: v
            for entry in hcl2.loads(generated.files[DNS_MODULE.replace("main", "outputs")])[
                "output"
            ]
            for k, v in entry.items()
        }
        assert _ref(outputs["certificate_arn"]["value"]) == (
            "aws_acm_certificate_validation.this.certificate_arn"
        )


def test_the_load_balancer_uses_the_certificate(generated: Generated) -> None:
    design = generated.design
    if not _public(design):
        return
    for env in design.environments:
        domain = design.dns.domain(env.name)
        expected = "module.dns.certificate_arn" if domain else "var.certificate_arn"
        modules = generated.modules(env.name)
        if design.compute.platform.kubernetes:
            output = generated.files[f"{ROOTS}/{env.name}/outputs.tf"]
            assert f"CERTIFICATE_ARN=${{{expected}}}" in output
        else:
            assert _ref(modules["alb"]["certificate_arn"]) == expected
            if "alb_recovery" in modules:
                assert _ref(modules["alb_recovery"]["certificate_arn"]) == (
                    "module.dns_recovery.certificate_arn"
                    if domain
                    else "var.recovery_certificate_arn"
                )


def test_certificate_input_exists_only_without_a_domain(generated: Generated) -> None:
    design = generated.design
    if not _public(design):
        return
    for env in design.environments:
        named = design.dns.domain(env.name) is not None
        variables = generated.variables(env.name)
        assert ("certificate_arn" in variables) is not named
        if named:
            assert "recovery_certificate_arn" not in variables
    conflicts = [c for c in design.conflicts if c.id == "no-public-domain"]
    assert bool(conflicts) is not bool(design.dns.domains)
    assert bool(design.dns.certificate_input) is not bool(design.dns.domains)


def test_records_point_at_the_load_balancer(generated: Generated) -> None:
    design = generated.design
    for env in design.environments:
        domain = design.dns.domain(env.name)
        if domain is None:
            continue
        modules = generated.modules(env.name)
        if design.compute.platform.kubernetes:
            assert "alias_records" not in modules["dns"]
            continue
        records = modules["dns"]["alias_records"]
        assert isinstance(records, dict)
        assert _ref(records["primary"]["dns_name"]) == "module.alb.dns_name"
        assert _ref(records["primary"]["zone_id"]) == "module.alb.zone_id"
        if not domain.failover:
            assert set(records) == {"primary"}
            assert "health_check" not in modules["dns"]
            continue
        assert env.standby is not None
        assert env.standby.load_balancer
        assert records["primary"]["failover"] == "PRIMARY"
        assert records["secondary"]["failover"] == "SECONDARY"
        assert _ref(records["secondary"]["dns_name"]) == "module.alb_recovery.dns_name"
        check = modules["dns"]["health_check"]
        assert _ref(check["fqdn"]) == "module.alb.dns_name"
        health = design.dns.health_check
        assert health is not None
        assert check["resource_path"] == health.path
        # the standby's certificate is issued in the recovery region
        recovery = modules["dns_recovery"]
        assert _ref(recovery["providers"]["aws"]) == "aws.recovery"
        assert recovery["domain_name"] == domain.name


def test_standby_designs_fail_over_when_they_have_a_domain(generated: Generated) -> None:
    design = generated.design
    for env in design.environments:
        domain = design.dns.domain(env.name)
        if domain is None or design.compute.platform.kubernetes:
            continue
        standby = env.standby is not None and env.standby.load_balancer
        assert domain.failover is standby


def test_external_dns_writes_the_ingress_record_on_eks(generated: Generated) -> None:
    design = generated.design
    if not design.compute.platform.kubernetes or not design.dns.domains:
        return
    assert design.addons is not None
    chart = next(c for c in design.addons.charts if c.name == "external-dns")
    assert chart.version.count(".") == 2
    assert chart.source
    for env in design.environments:
        domain = design.dns.domain(env.name)
        assert domain is not None
        ingress = yaml.safe_load(generated.files[f"infra/k8s/overlays/{env.name}/ingress.yaml"])
        annotations = ingress["metadata"]["annotations"]
        assert annotations["external-dns.alpha.kubernetes.io/hostname"] == domain.name
        addons = generated.modules(env.name)["eks_addons"]
        assert _ref(addons["hosted_zone_arn"]) == "module.dns.zone_arn"
        identities = addons["pod_identities"]
        assert identities["external-dns"]["policy"] == "external-dns"
        values = next(
            doc
            for path, text in generated.files.items()
            if path.startswith(f"infra/k8s/platform/{env.name}/") and "external-dns" in path
            for doc in yaml.safe_load_all(text)
            if doc and doc.get("kind") == "Application"
        )
        helm = values["spec"]["source"]["helm"]
        chart_values = helm.get("valuesObject") or yaml.safe_load(helm["values"])
        assert chart_values["domainFilters"] == [domain.hosted_zone]
    module = generated.files["infra/terraform/modules/eks-addons/main.tf"]
    policy = module[module.index('data "aws_iam_policy_document" "external_dns"') :]
    policy = policy[: policy.index("\n}\n")]
    # records change only in the environment's zone
    change = policy[policy.index("route53:ChangeResourceRecordSets") :]
    assert "resources = [var.hosted_zone_arn]" in change[: change.index("}")]


def test_public_url_has_a_value_command_when_the_name_is_known(generated: Generated) -> None:
    design = generated.design
    variable = next((v for v in design.delivery.variables if v.name == "PUBLIC_URL"), None)
    if variable is None:
        return
    if design.dns.domains:
        assert variable.value_command is not None
        for domain in design.dns.domains:
            assert f"{domain.environment}: echo {domain.public_url}" in variable.value_command
    else:
        assert variable.value_command is None
