"""Sizing the way a senior architect would (issue 17): the baseline carries the stated
load, autoscaling follows the daily peak and the spike, and standing capacity for an
instant step is a priced option the spec declares, never a default."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.spec import Requirements, load_requirements
from tests.conftest import EXAMPLES

SHOP = next(p for p in EXAMPLES if p.stem == "shop-1000rps")
ECOMMERCE = next(p for p in EXAMPLES if p.stem == "ecommerce")


@cache
def _requirements(spec: Path) -> Requirements:
    return load_requirements(spec, load_catalog().regions)


@cache
def _design(spec: Path) -> Design:
    return design_system(_requirements(spec), load_catalog())


def _with_step(spec: Path) -> Design:
    req = _requirements(spec)
    traffic = req.traffic.model_copy(update={"spike_ramp_seconds": 0.0})
    return design_system(req.model_copy(update={"traffic": traffic}), load_catalog())


def _prod(design: Design) -> float:
    return design.cost.environment("prod").total_monthly_usd.value


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_min_replicas_carry_the_stated_load_not_the_spike(spec: Path) -> None:
    """The old sizing held ~8x the average around the clock to absorb an instant step.
    Unless the spec declares that step, no service keeps more replicas at minimum than
    its daily peak needs at the target utilisation (or its availability floor)."""
    design = _design(spec)
    assert _requirements(spec).traffic.spike_ramp_seconds > 0
    for plan in design.compute.services:
        capacity = design.constraints.service(plan.name)
        if plan.autoscaling is None or capacity.load_per_replica.value <= 0:
            continue
        peak_need = math.ceil(round(capacity.peak_load.value / capacity.load_per_replica.value, 6))
        assert plan.min_replicas <= max(capacity.availability_floor.whole, peak_need), plan.name


def test_declaring_an_instant_step_buys_the_priced_option() -> None:
    """Both ways: the ramp design prices absorbing the step as an option; declaring the
    step (spike_ramp_seconds: 0) raises min replicas and the bill by that price."""
    ramp = _design(SHOP)
    study = ramp.simulation.spike
    assert study is not None
    assert not study.declared_step
    option = study.absorb_step
    assert option is not None, "the step is over budget under the ramp's settings"
    assert option.monthly_usd.value > 0
    assert option.within
    step = _with_step(SHOP)
    step_study = step.simulation.spike
    assert step_study is not None
    assert step_study.declared_step
    assert step_study.absorb_step is None
    raised = {
        p.name: (p.min_replicas, ramp.compute.service(p.name).min_replicas)
        for p in step.compute.services
    }
    assert any(high > low for high, low in raised.values()), raised
    assert all(high >= low for high, low in raised.values()), raised
    assert _prod(step) > _prod(ramp)
    assert _prod(step) - _prod(ramp) == pytest.approx(option.monthly_usd.value, abs=1.0)
    # the step the ramp design reports as a risk is within budget once declared
    assert step_study.within


def test_the_dod_answers_ten_x_with_time_to_capacity_and_shed_share() -> None:
    design = _design(SHOP)
    answer = next(a for a in design.definition_of_done if "10x" in a.question)
    assert answer.done, answer.missing
    assert "Simulated 10x over a 600 s ramp" in answer.answer
    assert "capacity covers the load after" in answer.answer
    assert "of those offered during the spike" in answer.answer
    assert "An instant 10x step instead (a risk, not declared)" in answer.answer
    assert "Absorbing it would cost $" in answer.answer


def test_the_canonical_shop_is_feasible_with_default_assumptions() -> None:
    """10,000 users x 6 requests a minute, five services, 99.9 %, PCI DSS, $40k, and
    nothing else stated: feasible, well within the budget."""
    req = _requirements(SHOP)
    assert req.traffic.concurrent_users == 10_000
    assert len(req.system.services) == 5
    assert all(s.cpu_ms_per_request is None and s.runtime is None for s in req.system.services)
    design = _design(SHOP)
    assert design.feasible, [c.title for c in design.conflicts]
    assert design.cost.total_monthly_usd.value < 0.5 * 40_000


def test_the_assumptions_are_ranked_by_what_they_move() -> None:
    costs = _design(SHOP).assumption_costs
    assert costs, "the shop leaves CPU, fan-out and messages to defaults"
    effects = [a.effect for a in costs]
    assert effects == sorted(effects, reverse=True)
    ids = {a.id for a in costs}
    assert {"cpu-per-request", "call-fan-out", "spike-shape"} <= ids
    cpu = next(a for a in costs if a.id == "cpu-per-request")
    low, high = cpu.scenarios
    # halving CPU per request cannot cost more, doubling it cannot cost less
    assert low.effect_usd.value <= 0 <= high.effect_usd.value
    assert low.label.startswith("at ")
    assert high.label.startswith("at ")


def test_an_example_that_states_everything_rests_on_no_cpu_default() -> None:
    """Online Boutique states every service's CPU per call: nothing to measure there."""
    boutique = next(p for p in EXAMPLES if p.stem == "online-boutique")
    assert "cpu-per-request" not in {a.id for a in _design(boutique).assumption_costs}
