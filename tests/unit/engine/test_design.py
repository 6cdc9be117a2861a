"""The decision engine's must-shows: who gets EKS, when multi-region, infeasible specs."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import Design, ImpossiblePinError, Severity, design_system
from infra_architect.spec import load_requirements
from tests.conftest import ROOT, generate

SPECS = ROOT / "tests" / "specs"


def _design(path: Path, catalog: Catalog, **decisions: str) -> Design:
    req = load_requirements(path, catalog.regions)
    if decisions:
        req = req.model_copy(update={"decisions": req.decisions.model_validate({**decisions})})
    return design_system(req, catalog)


def _tradeoff_row(files: dict[str, str], title: str) -> str:
    rows = [r for r in files["docs/tradeoffs.md"].splitlines() if r.startswith(f"| {title} |")]
    assert len(rows) == 1
    return rows[0]


def test_small_low_ops_team_without_kubernetes_is_not_given_eks(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "saas-team.yaml", catalog)
    assert design.compute.platform == "ecs-fargate"
    row = _tradeoff_row(generate(ROOT / "examples" / "saas-team.yaml"), "Compute platform")
    assert "| ecs-fargate |" in row
    assert "eks: the team cannot run it yet" in row
    assert "needs medium Kubernetes experience, team has none" in row


def test_kubernetes_team_with_many_services_gets_eks(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "ecommerce.yaml", catalog)
    assert design.compute.platform == "eks"
    assert design.compute.node_pool is not None
    row = _tradeoff_row(generate(ROOT / "examples" / "ecommerce.yaml"), "Compute platform")
    assert "| eks |" in row
    assert "7 long-running services" in row
    assert "team.kubernetes_experience=medium" in row


def test_four_nines_is_decided_by_the_monte_carlo(catalog: Catalog) -> None:
    design = _design(SPECS / "four-nines.yaml", catalog)
    topology = design.constraints.topology
    # no candidate holds 85% of months within 4.3 min: a second region would not fix what
    # spends the budget (in-region dependencies), so the cheapest best stays in one region
    assert not topology.meets_threshold
    assert design.availability.regions == 1
    assert design.availability.decision.selected.startswith("single-region, pilot-light")
    names = {a.name for a in design.availability.decision.alternatives}
    assert {"active-passive, warm-standby", "active-active"} <= names
    warning = next(c for c in design.conflicts if c.id == "slo-not-met-in-simulation")
    assert warning.severity is Severity.WARNING
    assert "search-index" in warning.detail
    assert "soft dependency" in warning.detail
    row = _tradeoff_row(generate(SPECS / "four-nines.yaml"), "Availability topology")
    assert "4.32 min/month" in row
    assert "of simulated months within budget" in row


def test_three_nines_stays_in_one_region(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "ecommerce.yaml", catalog)
    assert design.availability.regions == 1
    assert design.availability.availability_zones == 3


def test_infeasible_spec_is_loud_and_never_claims_to_meet_it(catalog: Catalog) -> None:
    design = _design(SPECS / "infeasible.yaml", catalog)
    assert not design.feasible
    errors = {c.id for c in design.conflicts if c.severity is Severity.ERROR}
    assert {"estimate-over-budget", "slo-exceeds-operational-experience"} <= errors
    assert not any(answer.done for answer in design.definition_of_done)
    files = generate(SPECS / "infeasible.yaml")
    assert "**INFEASIBLE" in files["docs/architecture.md"]
    assert "## Conflicts" in files["docs/architecture.md"]
    assert "**NOT DONE: the requirements conflict.**" in files["docs/definition-of-done.md"]
    assert "**DONE.**" not in files["docs/definition-of-done.md"]
    assert '"feasible": false' in files["design.json"]


def test_bundled_example_answers_all_five_questions_with_figures(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "ecommerce.yaml", catalog)
    answers = design.definition_of_done
    assert len(answers) == 5
    for answer in answers:
        assert answer.done, answer.question
        assert answer.figures, answer.question
        assert any(ch.isdigit() for ch in answer.answer), answer.question
    text = generate(ROOT / "examples" / "ecommerce.yaml")["docs/definition-of-done.md"]
    assert text.count("**DONE.**") == 5
    assert "NOT DONE" not in text


@pytest.mark.parametrize(
    ("spec", "pin", "message"),
    [
        ("saas-team", {"compute": "eks"}, "EKS needs a team that can operate Kubernetes"),
        ("saas-team", {"compute": "eks-karpenter"}, "advanced Kubernetes"),
        ("ecommerce", {"topology": "active-active"}, "cannot run two regions serving"),
    ],
    ids=["eks-for-low-ops-team", "karpenter-for-low-ops-team", "active-active-for-medium-team"],
)
def test_impossible_pin_says_why(
    catalog: Catalog, spec: str, pin: dict[str, str], message: str
) -> None:
    with pytest.raises(ImpossiblePinError) as info:
        _design(ROOT / "examples" / f"{spec}.yaml", catalog, **pin)
    assert message in str(info.value)


def test_possible_pins_are_followed_by_the_rest_of_the_design(catalog: Catalog) -> None:
    design = _design(
        ROOT / "examples" / "ecommerce.yaml", catalog, compute="ecs-fargate", deployment="rolling"
    )
    assert design.compute.platform == "ecs-fargate"
    assert design.compute.decision.pinned
    assert design.compute.node_pool is None
    assert design.delivery.strategy == "rolling"
    assert design.delivery.tool.startswith("ECS rolling update")
    assert "ECS Service Connect" in design.network.service_discovery
    assert all(i.mechanism == "ECS task role" for i in design.security.identities)


def test_delivery_strategy_follows_the_error_budget_arithmetic(catalog: Catalog) -> None:
    shop = _design(ROOT / "examples" / "ecommerce.yaml", catalog).delivery
    # 4 deploys/day x 30 x 15% = 18 bad deploys; a quarter of 43.2 min = 10.8 min
    assert shop.bad_deploys_per_month.value == pytest.approx(18)
    assert shop.deploy_budget.value == pytest.approx(10.8)
    burns = {r.strategy: r.monthly_burn.value for r in shop.comparison}
    assert burns["rolling"] > shop.deploy_budget.value
    assert burns["canary"] <= shop.deploy_budget.value
    assert shop.strategy == "canary"
    tool = _design(ROOT / "examples" / "internal-tool.yaml", catalog).delivery
    assert tool.strategy == "rolling"


def test_every_service_gets_its_own_least_privilege_role(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "ecommerce.yaml", catalog)
    roles = {i.service: i for i in design.security.identities}
    assert len(roles) == len(design.compute.services)
    fulfilment = {p.resource: p.actions for p in roles["fulfilment"].permissions}
    assert "sqs:ReceiveMessage" in fulfilment["queue order-events"]
    checkout = {p.resource: p.actions for p in roles["checkout"].permissions}
    assert checkout["queue order-events"] == ["sqs:SendMessage"]
    assert not any("*" in a for i in roles.values() for p in i.permissions for a in p.actions)


def test_flows_follow_the_call_graph_and_nothing_else(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "ecommerce.yaml", catalog)
    service_flows = {
        (f.source, f.target) for f in design.network.flows if f.why == "calls (spec call graph)"
    }
    calls = {(s.name, c) for s in design.compute.services for c in s.calls}
    assert service_flows == calls


def test_subnets_never_overlap(catalog: Catalog) -> None:
    design = _design(ROOT / "examples" / "ecommerce.yaml", catalog)
    networks = [ipaddress.ip_network(s.cidr) for s in design.network.subnets]
    vpc = ipaddress.ip_network(design.network.vpc_cidr)
    assert all(n.subnet_of(vpc) for n in networks)
    for i, left in enumerate(networks):
        for right in networks[i + 1 :]:
            assert not left.overlaps(right)


def test_cost_lines_follow_the_store_engine_not_its_name(catalog: Catalog) -> None:
    req = load_requirements(ROOT / "examples" / "internal-tool.yaml", catalog.regions)
    store = req.system.datastores[0].model_copy(update={"name": "s3-archive"})
    service = req.system.services[0].model_copy(update={"uses": ["s3-archive"]})
    req = req.model_copy(
        update={
            "system": req.system.model_copy(update={"datastores": [store], "services": [service]})
        }
    )
    prod = design_system(req, catalog).cost.environment("prod")
    lines = [line.component for line in prod.lines]
    assert [c for c in lines if c.startswith("s3-archive")] == [
        "s3-archive (db.t4g.micro)",
        "s3-archive storage (gp3)",
        "s3-archive backups in the recovery region",
    ]
