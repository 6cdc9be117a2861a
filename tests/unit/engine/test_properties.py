"""Properties of the arithmetic that must hold for any valid requirements."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from infra_architect.catalog import load_catalog
from infra_architect.engine import derive_constraints
from infra_architect.spec import parse_document, validate_document
from tests.conftest import VALID

CATALOG = load_catalog()


def _derive(rps: float, slo: float, peak: float = 3.0, spike: float = 10.0):
    text = VALID.replace(
        "requests_per_second: 100",
        f"requests_per_second: {rps!r}, peak_multiplier: {peak!r}, spike_multiplier: {spike!r}",
    ).replace("slo: 99.9", f"slo: {slo!r}")
    requirements = validate_document(parse_document(text, "p.yaml"), CATALOG.regions)
    return derive_constraints(requirements, CATALOG)


rates = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
slos = st.floats(min_value=90.0, max_value=99.999, allow_nan=False)
multipliers = st.floats(min_value=1.0, max_value=50.0, allow_nan=False)


@given(rates, slos, multipliers, multipliers)
def test_bounds_cover_the_load(rps: float, slo: float, peak: float, spike: float) -> None:
    result = _derive(rps, slo, peak, spike)
    for s in result.services:
        assert s.availability_floor.value <= s.min_replicas.value <= s.max_replicas.value
        if s.load_per_replica.value > 0:
            capacity = s.max_replicas.value * s.load_per_replica.value
            assert capacity >= s.spike_load.value * (1 - 1e-9)
            assert capacity >= s.growth_peak_load.value * (1 - 1e-9)
            assert s.min_replicas.value * s.load_per_replica.value >= s.average_load.value * (
                1 - 1e-9
            )


@pytest.mark.slow
@given(rates, rates, slos)
# Capacity is monotone, the replica count is not: the worker at 1 message/s gets 4 small
# replicas, at 3 messages/s 3 replicas twice the size (0.5 vs 1.5 vCPU at most).
@example(1.0, 3.0, 90.0)
def test_more_traffic_never_means_less_capacity(a: float, b: float, slo: float) -> None:
    low, high = sorted((a, b))
    small, large = _derive(low, slo), _derive(high, slo)
    for s_small, s_large in zip(small.services, large.services, strict=True):
        # vCPU the service holds at least and may scale to: replicas times vCPU per replica
        for bound in ("min_replicas", "max_replicas"):
            held = getattr(s_small, bound).value * s_small.vcpu_per_replica.value
            more = getattr(s_large, bound).value * s_large.vcpu_per_replica.value
            assert held <= more * (1 + 1e-9), (s_small.name, bound)
    assert small.cost_floor.total_monthly_usd.value <= large.cost_floor.total_monthly_usd.value


@pytest.mark.slow
@given(slos, slos)
def test_a_higher_slo_never_has_a_larger_budget_or_fewer_azs(a: float, b: float) -> None:
    low, high = sorted((a, b))
    lower, higher = _derive(100, low), _derive(100, high)
    assert higher.error_budget.per_30_days.value <= lower.error_budget.per_30_days.value
    assert higher.topology.availability_zones.value >= lower.topology.availability_zones.value
    assert higher.topology.regions >= lower.topology.regions


@pytest.mark.slow
@given(slos)
def test_error_budget_formula(slo: float) -> None:
    budget = _derive(100, slo).error_budget
    assert abs(budget.per_30_days.value - (100 - slo) / 100 * 43_200) < 1e-5
    assert abs(budget.per_year.value - budget.per_30_days.value * 365 / 30) < 1e-4
