"""``derive_constraints``: what the requirements demand of any design. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from infra_architect._figures import Figure, figure, number
from infra_architect.catalog import Catalog, DataReplication, StandbyCompute
from infra_architect.engine._capacity import derive_capacity, total_capacity
from infra_architect.engine._conflicts import Cheaper, Derived, derive_conflicts
from infra_architect.engine._data_sizing import data_access_notes
from infra_architect.engine._floor import derive_cost_floor, floor_parts
from infra_architect.engine._model import (
    Complexity,
    Constraints,
    CostFloor,
    ErrorBudget,
    Recovery,
    ServiceCapacity,
    Topology,
    TopologyCandidate,
)
from infra_architect.engine._recovery import (
    active_active_lines,
    active_active_recovery,
    derive_recovery,
    recovery_lines,
)
from infra_architect.engine._region_study import choose, constraint_shape, describe, study
from infra_architect.engine._standby import unbuilt_standby
from infra_architect.engine._topology import derive_azs, derive_complexity, in_region_failover
from infra_architect.engine._traffic import derive_load_factors, derive_traffic
from infra_architect.spec import (
    AppliedDefault,
    Requirements,
    TopologyChoice,
    found,
    group_assumptions,
    spec_defaults,
)

SLO_LADDER = (99.99, 99.95, 99.9, 99.5, 99.0, 95.0)
"""SLOs offered as trades when the budget cannot buy the one asked for."""

MINUTES_PER_DAY = 1440


def derive_constraints(
    req: Requirements, catalog: Catalog, *, simulated: Sequence[TopologyCandidate] = ()
) -> Constraints:
    """Derive error budget, traffic, capacity, topology, recovery, team ceiling, cost
    floor, conflicts and assumptions from ``req``; every figure shows its arithmetic.
    ``simulated``: topology candidates whose availability Monte Carlo already ran for this
    system (a variant of a spec whose inputs move its price, not its shape: see
    ``price_assumptions``); they are re-priced, not simulated again."""
    return _derive(req, catalog, offer_trades=True, simulated=simulated)


def _derive(
    req: Requirements,
    catalog: Catalog,
    *,
    offer_trades: bool,
    simulated: Sequence[TopologyCandidate] = (),
) -> Constraints:
    policy = catalog.policy
    budget = derive_error_budget(req)
    traffic = derive_traffic(req)
    azs = derive_azs(req, catalog)
    factors = derive_load_factors(req, traffic.average_rps.value)
    services, capacity_notes = derive_capacity(req, policy, traffic, factors.factors, azs.whole)
    complexity = derive_complexity(req, policy)
    topology, recovery, recovery_notes = derive_topology(
        req, catalog, azs, services, budget=budget, complexity=complexity, simulated=simulated
    )
    floor = derive_cost_floor(req, catalog, topology, recovery, services)
    cheaper = _cheaper(req, catalog, floor) if offer_trades else []
    derived = Derived(
        error_budget=budget,
        traffic=traffic,
        services=services,
        topology=topology,
        recovery=recovery,
        complexity=complexity,
        cost_floor=floor,
        cheaper=cheaper,
    )
    notes = (
        spec_defaults(req)
        + factors.assumptions
        + capacity_notes
        + recovery_notes
        + data_access_notes(req, catalog)
        + _repository_notes(req)
    )
    return Constraints(
        name=req.metadata.name,
        error_budget=budget,
        traffic=traffic,
        services=services,
        totals=total_capacity(services),
        topology=topology,
        recovery=recovery,
        complexity=complexity,
        cost_floor=floor,
        conflicts=derive_conflicts(req, catalog, derived),
        assumptions=group_assumptions(notes),
    )


PIN_STANDBY: dict[TopologyChoice, Callable[[DataReplication, StandbyCompute], bool]] = {
    TopologyChoice.SINGLE_REGION: lambda _data, standby: not standby.automated,
    TopologyChoice.ACTIVE_PASSIVE: lambda _data, standby: standby.automated,
    TopologyChoice.ACTIVE_ACTIVE: lambda _data, _standby: True,
}
"""The recovery a pinned topology admits: one region fails over by hand (no standby
behind an automated failover); active-passive is exactly such a standby."""


def derive_topology(
    req: Requirements,
    catalog: Catalog,
    azs: Figure,
    services: list[ServiceCapacity],
    *,
    budget: ErrorBudget,
    complexity: Complexity,
    simulated: Sequence[TopologyCandidate] = (),
) -> tuple[Topology, Recovery, list[AppliedDefault]]:
    """The recovery the RTO/RPO need, then the topology the availability Monte Carlo of
    every candidate chooses (a candidate of ``simulated`` keeps its results), and the
    recovery that topology runs."""
    policy = catalog.policy
    parts = floor_parts(req, catalog, azs.whole, services)
    failover = in_region_failover(req, policy)
    pin = req.decisions.topology
    allow = PIN_STANDBY[pin] if pin is not None else None
    unbuilt = unbuilt_standby(req, complexity, catalog)
    plan, notes = derive_recovery(req, catalog, parts, failover, allow=allow, unbuilt=unbuilt)
    shape = constraint_shape(
        req, catalog, {s.name: s.min_replicas.whole for s in services}, azs.whole
    )
    dns = catalog.design.timings.dns_failover_seconds / 60

    def price(data: DataReplication, standby: StandbyCompute) -> float:
        return sum(
            line.monthly_usd.value for line in recovery_lines(req, catalog, parts, data, standby)
        )

    candidates = study(
        req,
        catalog,
        shape,
        azs=azs.whole,
        budget=budget.per_30_days.value,
        complexity=complexity,
        plan=plan,
        price=price,
        active_active_usd=sum(line.monthly_usd.value for line in active_active_lines(parts)),
        unbuilt=unbuilt,
        simulated=simulated,
    )
    chosen, meets = choose(candidates, pin, catalog.design.simulation.monte_carlo_trials)
    if chosen.name == "active-active":
        recovery = active_active_recovery(plan, parts, dns)
    elif (chosen.data_replication, chosen.standby_compute) == (
        plan.data_replication,
        plan.standby_compute,
    ):
        recovery = plan
    else:
        pair = (chosen.data_replication, chosen.standby_compute)
        recovery, _ = derive_recovery(
            req,
            catalog,
            parts,
            failover,
            allow=lambda d, c: (d.name, c.name) == pair,
            unbuilt=unbuilt,
        )
    regions = 1 if chosen.name == "single-region" else 2
    topology = Topology(
        region=req.cloud.region,
        availability_zones=azs,
        regions=regions,
        multi_region="none" if chosen.name == "single-region" else chosen.name,
        why=_topology_why(
            req, budget, chosen, candidates, meets=meets, threshold=policy.months_within_budget
        ),
        name=chosen.name,
        standby_compute=chosen.standby_compute,
        months_within_budget=policy.months_within_budget,
        candidates=candidates,
        meets_threshold=meets,
        pinned=pin is not None,
    )
    return topology, recovery, notes


def _topology_why(
    req: Requirements,
    budget: ErrorBudget,
    chosen: TopologyCandidate,
    candidates: list[TopologyCandidate],
    *,
    meets: bool,
    threshold: float,
) -> str:
    pinned = req.decisions.topology
    head = (
        f"{req.availability.slo:g}% allows {number(budget.per_30_days.value)} min/month; "
        f"simulated months within it must reach {threshold:.0%}. "
    )
    if pinned is not None:
        head += f"Pinned (decisions.topology: {pinned.value}). "
    body = (
        f"{chosen.label} reaches {chosen.months_within_budget:.1%}: the cheapest that does"
        if meets
        else f"no candidate reaches it; {chosen.label} is the best "
        f"({chosen.months_within_budget:.1%}) for its price"
    )
    others = "; ".join(
        describe(c) + ("" if c.available else f" (not possible: {c.why_unavailable})")
        for c in candidates
        if c is not chosen
    )
    return head + body + (f". Others: {others}" if others else "")


def repository(req: Requirements) -> str:
    """Where the generated tree lives: stated, else GitHub under the owner (or the name)."""
    if req.delivery.repository is not None:
        return req.delivery.repository
    owner = req.metadata.owner or req.metadata.name
    # The owner is free text; the URL it becomes lands in Argo CD manifests, so it keeps
    # to the characters delivery.repository itself is held to (ASCII, no leading '-').
    slug = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in owner)
    slug = slug.lower().strip("-.") or req.metadata.name
    return f"https://github.com/{slug}/{req.metadata.name}.git"


def _repository_notes(req: Requirements) -> list[AppliedDefault]:
    if req.delivery.repository is not None:
        return []
    return [
        found(
            ("delivery", "repository"),
            repository(req),
            "Argo CD syncs the manifests and the pipelines commit image tags to this "
            "repository; state delivery.repository if it lives elsewhere",
        )
    ]


def derive_error_budget(req: Requirements) -> ErrorBudget:
    slo = req.availability.slo
    per_30 = figure(
        (100 - slo) / 100 * 30 * MINUTES_PER_DAY,
        "min",
        "(100 - {slo}) / 100 × 30 × 1440",
        slo=slo,
    )
    per_year = figure(
        (100 - slo) / 100 * 365 * MINUTES_PER_DAY,
        "min",
        "(100 - {slo}) / 100 × 365 × 1440",
        slo=slo,
    )
    deploys = req.delivery.deploys_per_day
    per_deploy = (
        figure(
            per_30.value / (deploys * 30),
            "min",
            "{budget_30_days} / ({deploys_per_day} × 30)",
            budget_30_days=per_30.value,
            deploys_per_day=deploys,
        )
        if deploys > 0
        else None
    )
    return ErrorBudget(slo=slo, per_30_days=per_30, per_year=per_year, per_deploy=per_deploy)


def _cheaper(req: Requirements, catalog: Catalog, floor: CostFloor) -> list[Cheaper]:
    """Floors at lower SLOs, computed only when the budget cannot buy this one."""
    if req.budget is None or req.budget.monthly_usd >= floor.total_monthly_usd.value:
        return []
    out: list[Cheaper] = []
    for slo in SLO_LADDER:
        if slo >= req.availability.slo:
            continue
        lowered = req.model_copy(
            update={"availability": req.availability.model_copy(update={"slo": slo})}
        )
        alternative = _derive(lowered, catalog, offer_trades=False)
        out.append(Cheaper(slo=slo, floor_usd=alternative.cost_floor.total_monthly_usd.value))
    return out
