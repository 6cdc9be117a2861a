"""Infeasible and risky requirements are found, with the right severity."""

from __future__ import annotations

import pytest

from infra_architect.engine import Constraints, Severity, derive_constraints
from infra_architect.spec import parse_document, validate_document
from tests.conftest import VALID


def _derive(catalog, text: str) -> Constraints:
    return derive_constraints(
        validate_document(parse_document(text, "s.yaml"), catalog.regions), catalog
    )


def _spec(catalog, text: str) -> dict[str, Severity]:
    return {c.id: c.severity for c in _derive(catalog, text).conflicts}


def test_the_valid_spec_has_no_conflicts(catalog) -> None:
    assert _spec(catalog, VALID) == {}


def test_four_nines_with_one_low_experience_person(catalog) -> None:
    text = VALID.replace("slo: 99.9", "slo: 99.99").replace(
        "team: {size: 6, ops_experience: medium}", "team: {size: 1, ops_experience: low}"
    )
    found = _spec(catalog, text)
    assert found["slo-on-call-rotation"] is Severity.ERROR
    assert found["slo-exceeds-operational-experience"] is Severity.ERROR
    # no fixed ladder: the Monte Carlo finds no topology within reach that holds 99.99%
    # and says what spends the budget, instead of demanding two regions
    assert found["slo-not-met-in-simulation"] is Severity.WARNING
    assert "slo-needs-multi-region-team" not in found


def test_infeasible_five_nines_on_a_shoestring(catalog) -> None:
    text = VALID.replace("slo: 99.9", "slo: 99.999").replace(
        "team: {size: 6, ops_experience: medium}",
        "team: {size: 1, ops_experience: low}\nbudget: {monthly_usd: 100}",
    )
    found = _spec(catalog, text)
    assert found["budget-below-cost-floor"] is Severity.ERROR
    assert found["slo-exceeds-operational-experience"] is Severity.ERROR


def _floor(catalog, text: str) -> float:
    return _derive(catalog, text).cost_floor.total_monthly_usd.value


def test_budget_conflict_names_the_slo_that_fits(catalog) -> None:
    three_nines = _floor(catalog, VALID)
    two_nines = _floor(catalog, VALID.replace("slo: 99.9", "slo: 99.0"))
    assert two_nines < three_nines  # 2 AZs, one NAT gateway, single-AZ database
    budget = (two_nines + three_nines) / 2
    text = VALID + f"budget: {{monthly_usd: {budget:.2f}}}\n"
    conflict = next(
        c for c in _derive(catalog, text).conflicts if c.id == "budget-below-cost-floor"
    )
    ladder = (99.5, 99.0, 95.0)  # the SLOs below 99.9% offered as trades, highest first
    fitting = next(
        slo
        for slo in ladder
        if _floor(catalog, VALID.replace("slo: 99.9", f"slo: {slo}")) <= budget
    )
    assert f"lower the SLO to {fitting:g}%" in conflict.fix


def test_budget_too_small_for_any_slo_says_so(catalog) -> None:
    text = VALID + "budget: {monthly_usd: 50}\n"
    conflict = next(
        c for c in _derive(catalog, text).conflicts if c.id == "budget-below-cost-floor"
    )
    assert "no lower SLO fits" in conflict.fix
    assert "Compute at minimum replicas" in conflict.detail


def test_small_team_at_three_nines_is_a_warning(catalog) -> None:
    found = _spec(catalog, VALID.replace("size: 6", "size: 3"))
    assert found == {"slo-on-call-rotation": Severity.WARNING}


def test_region_with_too_few_azs(catalog) -> None:
    found = _spec(catalog, VALID + "cloud: {region: us-west-1}\n")
    assert found["region-lacks-azs"] is Severity.ERROR


def test_single_az_pin(catalog) -> None:
    found = _spec(catalog, VALID + "cloud: {availability_zones: 1}\n")
    assert found["azs-pinned-below-slo"] is Severity.ERROR


def test_rpo_zero_with_a_single_az_store(catalog) -> None:
    text = VALID.replace("slo: 99.9}", "slo: 99.9, rpo_minutes: 0}").replace(
        "engine: postgres}", "engine: postgres, multi_az: false}"
    )
    found = _spec(catalog, text)
    assert found["rpo-zero-single-az-store"] is Severity.ERROR


def test_rpo_zero_with_redis_as_primary(catalog) -> None:
    text = VALID.replace("slo: 99.9}", "slo: 99.9, rpo_minutes: 0}").replace(
        "engine: postgres}", "engine: redis, role: primary}"
    )
    assert _spec(catalog, text)["rpo-zero-async-store"] is Severity.ERROR


def test_fast_rto_needs_a_second_region_the_team_cannot_run(catalog) -> None:
    text = VALID.replace("slo: 99.9}", "slo: 99.9, rto_minutes: 10, rpo_minutes: 1}").replace(
        "ops_experience: medium", "ops_experience: low"
    )
    found = _spec(catalog, text)
    assert found["recovery-needs-second-region-team"] is Severity.ERROR


def test_unreachable_rto(catalog) -> None:
    text = VALID.replace("slo: 99.9}", "slo: 99.9, rto_minutes: 0.5}")
    found = _spec(catalog, text)
    assert found["rto-rpo-unreachable"] is Severity.ERROR
    assert found["rto-below-database-failover"] is Severity.WARNING


@pytest.mark.parametrize(
    ("deploys", "severity"),
    [("0.5", Severity.INFO), ("1", Severity.WARNING), ("2", Severity.ERROR)],
)
def test_deploy_downtime_against_the_budget(catalog, deploys: str, severity: Severity) -> None:
    # 99.9%: 43.2 min/month; stop-start deploys cost ~1 min: 15, 30 and 60 min a month
    text = VALID.replace(
        "delivery: {deploys_per_day: 2}",
        f"delivery: {{deploys_per_day: {deploys}, zero_downtime: false}}",
    )
    assert _spec(catalog, text)["deploy-downtime-budget"] is severity


def test_compliance_with_low_experience(catalog) -> None:
    text = (
        VALID.replace("ops_experience: medium", "ops_experience: low") + "compliance: [pci-dss]\n"
    )
    assert _spec(catalog, text)["compliance-low-experience"] is Severity.WARNING


def test_shrinking_growth_target(catalog) -> None:
    text = VALID.replace(
        "requests_per_second: 100",
        "requests_per_second: 100, growth: {requests_per_second: 50, months: 3}",
    )
    assert _spec(catalog, text)["growth-below-today"] is Severity.WARNING


def test_kubernetes_is_out_of_reach_for_a_low_ops_team_without_it(catalog) -> None:
    text = VALID.replace(
        "team: {size: 6, ops_experience: medium}", "team: {size: 5, ops_experience: low}"
    )
    result = _derive(catalog, text)
    assert result.complexity.compute_ceiling == "managed-containers"
    assert not result.complexity.allows("kubernetes")
    text = VALID.replace(
        "team: {size: 6, ops_experience: medium}",
        "team: {size: 6, ops_experience: medium, kubernetes_experience: high}",
    )
    assert _derive(catalog, text).complexity.allows("kubernetes")
