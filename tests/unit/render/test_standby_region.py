"""The bill and the Terraform agree on the recovery region: every prod bill line of
category "recovery" has a module or resource built with the recovery provider, and
every billable thing built there is on the bill; the standby's services run the tasks
the engine sized (pilot light 0, warm its share of prod's minimum, hot prod's minimum)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, ImpossiblePinError, design_system
from infra_architect.render import render_docs
from infra_architect.render._terraform import render_terraform
from infra_architect.spec import parse_document, validate_document
from tests.conftest import EXAMPLES, ROOT

PROD = "infra/terraform/environments/prod/main.tf"
PAYMENTS = ROOT / "examples" / "payment-gateway.yaml"
# payment-gateway pinned to each standby mode by its RTO (policy.yaml standby_compute)
STANDBY = ("pilot-light", "warm-standby", "hot-standby")
EKS_PIN = "decisions:\n  compute: eks\n"
MODES = {"none": 240, "pilot-light": 60, "warm-standby": 15, "hot-standby": 2.5}

# bill line (component pattern) → what builds it in the recovery region
BUILDERS: list[tuple[str, str]] = [
    (r"^Fargate, standby tasks .*\(standby region\)$", "module ecs_recovery"),
    (r"^Application Load Balancer \(standby region\)$", "module alb_recovery"),
    (r"^AWS WAF .*\(standby region\)$", "module waf_recovery"),
    (r"^NAT gateways \(standby region\)$", "nat vpc_recovery"),
    (r"^VPC interface endpoints \(standby region\)$", "endpoints vpc_recovery"),
    (r"^(\S+) \(MSK broker.*\(standby region\)$", "module msk_{0}_recovery"),
    (r"^(\S+) Aurora Global Database secondary", "module aurora_{0}_recovery"),
    (r"^(\S+) secondary cluster storage$", "module aurora_{0}_recovery"),
    (r"^(\S+) cross-region replica( storage| \()", "module rds_{0}_recovery"),
    (r"^(\S+) backups in the recovery region$", "backups {0}"),
    (r"^(\S+) replica bucket$", "module s3_{0}_recovery"),
    (r"^(\S+) global-table replica$", "replica {0}"),
]
# what costs money when built in the recovery region (the VPC itself, its flow logs'
# group and the recovery key are not on the bill: free or a dollar)
BILLABLE = ("ecs_recovery", "alb_recovery", "waf_recovery", "msk_", "aurora_", "rds_")


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower())


def _design(text: str) -> Design:
    catalog = load_catalog()
    return design_system(
        validate_document(parse_document(text, "s.yaml"), catalog.regions), catalog
    )


def _cases() -> dict[str, str]:
    cases = {p.stem: p.read_text(encoding="utf-8") for p in EXAMPLES}
    text = PAYMENTS.read_text(encoding="utf-8")
    for mode, rto in MODES.items():
        cases[f"payment-gateway-{mode}"] = text.replace("rto_minutes: 15", f"rto_minutes: {rto}")
    # the same RTO 15 on EKS, for which no recovery cluster is generated
    cases["payment-gateway-eks"] = text + EKS_PIN
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def designs() -> dict[str, Design]:
    return {name: _design(text) for name, text in CASES.items()}


def _recovery_modules(main: str) -> set[str]:
    """Module calls whose providers map aws to aws.recovery."""
    found = set()
    for m in re.finditer(r'module "([a-z0-9_]+)" \{\n(.*?)\n\}\n', main, re.S):
        if "aws = aws.recovery" in m.group(2):
            found.add(m.group(1))
    return found


def _module_body(main: str, name: str) -> str:
    m = re.search(rf'module "{name}" \{{\n(.*?)\n\}}\n', main, re.S)
    return m.group(1) if m else ""


def _built(what: str, main: str, modules: set[str]) -> bool:
    kind, _, name = what.partition(" ")
    vpc = _module_body(main, "vpc_recovery")
    if kind == "module":
        return name in modules
    if kind == "nat":
        return "enable_nat_gateway  = true" in vpc
    if kind == "endpoints":
        return re.search(r'interface_endpoints = \["', vpc) is not None
    if kind == "backups":
        return "aws_db_instance_automated_backups_replication" in main
    if kind == "replica":
        return "replica" in main
    raise AssertionError(what)


def _expected(component: str) -> str:
    for pattern, what in BUILDERS:
        m = re.match(pattern, component)
        if m:
            return what.format(*(_snake(g) for g in m.groups() if g and not g.startswith(" ")))
    raise AssertionError(f"no builder known for recovery bill line {component!r}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_recovery_bill_line_is_built_and_nothing_unbilled_is(
    case: str, designs: dict[str, Design]
) -> None:
    design = designs[case]
    prod = next(e for e in design.cost.environments if e.name == "prod")
    lines = [ln.component for ln in prod.lines if ln.category == "recovery"]
    main = render_terraform(design)[PROD]
    modules = _recovery_modules(main)
    expected = {ln: _expected(ln) for ln in lines}
    missing = [ln for ln, what in expected.items() if not _built(what, main, modules)]
    assert not missing, f"billed in the recovery region but not built: {missing}"
    billed = {what.split(" ", 1)[1] for what in expected.values() if what.startswith("module")}
    standby = design.environment("prod").standby
    if standby is not None and not any(s.tasks for s in standby.services):
        # a pilot light's services at 0 tasks cost nothing until a failover scales them
        billed.add("ecs_recovery")
    unbilled = [m for m in modules if m.startswith(BILLABLE) and m not in billed]
    assert not unbilled, f"built in the recovery region but not billed: {unbilled}"
    if "enable_nat_gateway  = true" in _module_body(main, "vpc_recovery"):
        assert "NAT gateways (standby region)" in lines


@pytest.mark.parametrize("mode", sorted(MODES))
def test_standby_services_run_the_modes_tasks(mode: str, designs: dict[str, Design]) -> None:
    design = designs[f"payment-gateway-{mode}"]
    assert design.constraints.recovery.standby_compute == mode
    prod = design.environment("prod")
    main = render_terraform(design)[PROD]
    ecs = _module_body(main, "ecs_recovery")
    if mode == "none":
        assert prod.standby is None
        assert not ecs
        assert "aws_ecr_replication_configuration" not in main
        return
    assert prod.standby is not None
    share = design.constraints.recovery.standby_share
    assert "aws_ecr_replication_configuration" in main
    assert (
        "module.alb_recovery.dns_name"
        in render_terraform(design)[PROD.replace("main.tf", "outputs.tf")]
    )
    for size in prod.services:
        expected = 0 if share == 0 else max(1, math.ceil(size.min_replicas * share))
        block = re.search(rf"\n    {size.name} = \{{\n(.*?)\n    \}}", ecs, re.S)
        assert block is not None, size.name
        assert re.search(rf"min_tasks +=\s*{expected}\n", block.group(1)), (size.name, expected)


@pytest.mark.parametrize("mode", ["warm-standby", "hot-standby"])
def test_task_roles_reach_the_standby_brokers(mode: str, designs: dict[str, Design]) -> None:
    """The standby's tasks run under the primary's roles: their statements name the
    recovery MSK cluster, topic and consumer groups as well as the primary's."""
    design = designs[f"payment-gateway-{mode}"]
    standby = design.environment("prod").standby
    assert standby is not None
    assert standby.brokers
    main = render_terraform(design)[PROD]
    security = _module_body(main, "security")
    for ref in re.findall(r"module\.(msk_[a-z0-9_]+)\.(\w+(?:\[[^\]]+\])?)", security):
        if not ref[0].endswith("_recovery"):
            assert f"module.{ref[0]}_recovery.{ref[1]}" in security, ref
    assert "module.msk_payment_events_recovery.cluster_arn" in security


@pytest.mark.parametrize("mode", sorted(STANDBY))
def test_region_outage_runbook_raises_tasks_and_names_the_dns_target(
    mode: str, designs: dict[str, Design]
) -> None:
    design = designs[f"payment-gateway-{mode}"]
    prod = design.environment("prod")
    assert prod.standby is not None
    runbook = render_docs(design)["docs/runbooks/region-outage.md"]
    assert "output -raw recovery_load_balancer_dns_name" in runbook
    assert prod.standby.why in runbook
    for size in prod.services:
        if size.name in {s.name for s in prod.standby.services}:
            assert f"--service {size.name} " in runbook
            assert f"--desired-count {size.min_replicas}`" in runbook
    assert ("enable_nat_gateway = true" in runbook) == (prod.standby.nat_gateways == 0)


def test_eks_never_gets_a_standby_it_cannot_build(designs: dict[str, Design]) -> None:
    design = designs["payment-gateway-eks"]
    assert design.compute.platform == "eks"
    recovery = design.constraints.recovery
    built = load_catalog().buildable.standby_modes("eks")
    assert recovery.standby_compute in built
    assert recovery.standby_compute not in ("warm-standby", "hot-standby")
    for option in recovery.options:
        unbuilt = option.standby_compute not in built
        assert (option.why_unavailable is not None) == unbuilt, option
        assert not (unbuilt and option.meets), option
    for candidate in design.constraints.topology.candidates:
        if candidate.standby_compute in ("warm-standby", "hot-standby"):
            assert not candidate.available
            assert "no recovery cluster is generated for EKS" in candidate.why_unavailable
    # RTO 15 min cannot be met without a running standby: the existing conflict says so
    assert not recovery.meets_stated
    assert "rto-rpo-unreachable" in {c.id for c in design.conflicts}
    assert design.environment("prod").standby is None
    main = render_terraform(design)[PROD]
    assert not _recovery_modules(main) & {"ecs_recovery", "alb_recovery", "waf_recovery"}


def test_a_pinned_active_passive_on_eks_is_refused() -> None:
    text = PAYMENTS.read_text(encoding="utf-8") + EKS_PIN + "  topology: active-passive\n"
    with pytest.raises(ImpossiblePinError, match="no recovery cluster is generated for EKS"):
        _design(text)


def test_examples_are_all_covered() -> None:
    assert {p.stem for p in EXAMPLES} <= set(CASES)
    assert isinstance(Path, type)
