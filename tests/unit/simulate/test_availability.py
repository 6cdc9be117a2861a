"""Closed forms against the Monte Carlo: the steady-state availability of series,
parallel, k-of-n and shared-zone structures lies in the Monte Carlo's 95% interval."""

from __future__ import annotations

import math

import pytest

from infra_architect.simulate import (
    Component,
    closed_form,
    k_of_n,
    monte_carlo,
    parallel,
    series,
)

# Deliberately failure-prone so 10,000 months see thousands of outages.
A = Component(name="a", incidents_per_year=50, repair_minutes=120)
B = Component(name="b", incidents_per_year=20, repair_minutes=300)
C = Component(name="c", incidents_per_year=100, repair_minutes=60, cap_minutes=30)


def _availability(c: Component) -> float:
    up = 525_600 / c.incidents_per_year
    down = c.repair_minutes
    if c.cap_minutes is not None:
        down = c.repair_minutes * (1 - math.exp(-c.cap_minutes / c.repair_minutes))
    return up / (up + down)


def test_closed_forms_are_the_textbook_formulas() -> None:
    a, b, c = (_availability(x) for x in (A, B, C))
    assert closed_form(series("s", A, B, C)) == pytest.approx(a * b * c, rel=1e-12)
    assert closed_form(parallel("p", A, B)) == pytest.approx(1 - (1 - a) * (1 - b), rel=1e-12)
    twins = [Component(name=f"z{i}", incidents_per_year=50, repair_minutes=120) for i in range(3)]
    assert closed_form(k_of_n("k", 2, twins)) == pytest.approx(a**3 + 3 * a**2 * (1 - a))


@pytest.mark.parametrize(
    ("label", "structure"),
    [
        ("series", series("s", A, B, C)),
        ("parallel", parallel("p", A, B)),
        (
            "k-of-n",
            k_of_n("k", 2, [A, B, Component(name="a2", incidents_per_year=50, repair_minutes=120)]),
        ),
        ("series of parallel", series("x", parallel("p", A, B), C)),
    ],
)
def test_closed_form_lies_in_the_monte_carlo_interval(label: str, structure: object) -> None:
    """The design's seed and trials. A 95% interval misses the truth one time in twenty
    by construction, so each structure is also checked against the 99% interval."""
    result = monte_carlo(structure, trials=10_000, seed=2026, budget_minutes=43.2)  # type: ignore[arg-type]
    assert result.ci_low < result.mean < result.ci_high
    assert result.ci_high - result.ci_low < 0.01, "the interval must be tight to mean anything"
    assert result.closed_form_in_ci, (label, result)
    half99 = (result.ci_high - result.ci_low) / 2 * 2.5758 / 1.96
    assert abs(result.closed_form - result.mean) <= half99


def test_a_shared_zone_is_one_component_in_both_forms() -> None:
    """A store in zone a fails with zone a: the compute's 1-of-3 zones and the store
    share that zone, and both forms must see the correlation."""
    zones = [Component(name=f"zone-{z}", incidents_per_year=200, repair_minutes=180) for z in "abc"]
    db = Component(name="db", incidents_per_year=10, repair_minutes=60)
    shared = series("sys", k_of_n("zones", 1, zones), series("store", zones[0], db))
    independent = series(
        "sys",
        k_of_n("zones", 1, zones),
        series("store", Component(name="other", incidents_per_year=200, repair_minutes=180), db),
    )
    result = monte_carlo(shared, trials=10_000, seed=2026, budget_minutes=43.2)
    assert result.closed_form_in_ci
    # the shared form is not the independent product (otherwise the check proves nothing)
    assert abs(closed_form(shared) - closed_form(independent)) > 1e-6


def test_monte_carlo_is_deterministic_for_a_seed_and_counts_months_within_budget() -> None:
    one = monte_carlo(series("s", A, B), trials=2_000, seed=5, budget_minutes=500)
    two = monte_carlo(series("s", A, B), trials=2_000, seed=5, budget_minutes=500)
    assert one == two
    assert 0 < one.meets_slo < 1
    assert one.downtime_p50_minutes <= one.downtime_p90_minutes <= one.downtime_p99_minutes
