"""``derive_constraints``: what the requirements demand of any design. Pure: no I/O."""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.catalog import Catalog
from infra_architect.engine._capacity import derive_capacity, total_capacity
from infra_architect.engine._conflicts import Cheaper, Derived, derive_conflicts
from infra_architect.engine._data_sizing import data_access_notes
from infra_architect.engine._floor import derive_cost_floor
from infra_architect.engine._model import Constraints, CostFloor, ErrorBudget
from infra_architect.engine._topology import (
    derive_complexity,
    derive_recovery,
    derive_topology,
)
from infra_architect.engine._traffic import derive_load_factors, derive_traffic
from infra_architect.spec import Requirements
from infra_architect.spec._assumptions import (
    AppliedDefault,
    found,
    group_assumptions,
    spec_defaults,
)

SLO_LADDER = (99.99, 99.95, 99.9, 99.5, 99.0, 95.0)
"""SLOs offered as trades when the budget cannot buy the one asked for."""

MINUTES_PER_DAY = 1440


def derive_constraints(req: Requirements, catalog: Catalog) -> Constraints:
    """Derive error budget, traffic, capacity, topology, recovery, team ceiling, cost
    floor, conflicts and assumptions from ``req``; every figure shows its arithmetic."""
    return _derive(req, catalog, offer_trades=True)


def _derive(req: Requirements, catalog: Catalog, *, offer_trades: bool) -> Constraints:
    policy = catalog.policy
    budget = derive_error_budget(req)
    traffic = derive_traffic(req)
    topology = derive_topology(req, catalog)
    factors = derive_load_factors(req, traffic.average_rps.value)
    services, capacity_notes = derive_capacity(
        req, policy, traffic, factors.factors, topology.availability_zones.whole
    )
    recovery, recovery_notes = derive_recovery(req, policy, topology)
    complexity = derive_complexity(req, policy)
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
