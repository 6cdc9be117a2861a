"""How many regions: the availability Monte Carlo of every candidate topology decides.

Each candidate is one region with its disaster recovery (the region's outage lasts
until the recovery region serves), a warm or hot standby behind an automated DNS
failover, or two regions serving (every regional outage on the path ends with the DNS
failover; only when every store can take writes in both regions). The Monte Carlo
samples months of failures and repairs on each entry service's request path; a
candidate meets the SLO when the share of months within the error budget reaches the
catalog's threshold. The cheapest that does is chosen; when none does, the best (a
dearer one only when it is better beyond the sampling noise), with the components that
spend the budget named beside their fixes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from infra_architect._figures import given, number
from infra_architect.catalog import Catalog, DataReplication, StandbyCompute
from infra_architect.engine._model import (
    Complexity,
    DowntimeContributor,
    Recovery,
    TopologyCandidate,
    TopologyName,
)
from infra_architect.engine._topology import store_is_multi_az
from infra_architect.engine.choose._availability import queue_sla, reachable, store_sla
from infra_architect.simulate import (
    MONTH_MINUTES,
    Block,
    Component,
    MonteCarlo,
    closed_form,
    k_of_n,
    monte_carlo,
    parallel,
    series,
)
from infra_architect.spec import (
    ComputeChoice,
    DatastoreEngine,
    DatastoreRole,
    Requirements,
    TopologyChoice,
    entry_services,
)

Z95 = 1.959964


@dataclass(frozen=True)
class StoreShape:
    sla: str
    multi_az: bool


@dataclass(frozen=True)
class PathShape:
    """What a request path is made of, as far as availability goes."""

    front: str
    replica: str
    repair_minutes: float | None
    replicas: dict[str, int]
    stores: dict[str, StoreShape]


@dataclass(frozen=True)
class Caps:
    """How long outages last at most under a topology: the region's (its recovery), and
    every regional component's when traffic moves to a second region on any failure."""

    region: float
    every_component: float | None = None


def path_tree(
    req: Requirements, catalog: Catalog, entry: str, shape: PathShape, *, azs: int, caps: Caps
) -> tuple[Block, dict[str, str]]:
    """The entry service's request path as a reliability block diagram, and the
    reliability key of each top-level part (for its fix).

    The services the entry reaches and the stores and queues they use come in name
    order, whatever order the spec lists them (or their calls) in: a path is a set of
    parts in series, and the Monte Carlo draws its components in tree order, so a
    listing order would otherwise change the sampled figures of the same system."""
    keys: dict[str, str] = {}

    def part(key: str, name: str, repair: float | None = None) -> Component:
        figures = catalog.design.reliability[key]
        keys[name] = key
        return Component(
            name=name,
            incidents_per_year=figures.incidents_per_year,
            repair_minutes=repair if repair is not None else figures.repair_minutes,
            cap_minutes=caps.every_component,
            source=figures.source,
        )

    zones = [part("availability-zone", f"zone-{chr(97 + i)}") for i in range(azs)]
    region = part("region", "region")
    region = region.model_copy(
        update={"cap_minutes": min(caps.region, caps.every_component or math.inf)}
    )
    parts: list[Component | Block] = [region, part(shape.front, shape.front)]
    parts.append(k_of_n("zones", 1, zones))
    keys["zones"] = "availability-zone"
    reached = [entry, *sorted(n for n in reachable(req, entry) if n != entry)]
    modelled = catalog.design.simulation.replicas_modelled
    for name in reached:
        count = max(1, min(shape.replicas.get(name, 1), modelled))
        copies = [
            part(shape.replica, f"{name}-replica-{i + 1}", shape.repair_minutes)
            for i in range(count)
        ]
        block = parallel(f"{name} replicas", *copies) if count > 1 else copies[0]
        keys[block.name] = shape.replica
        parts.append(block)
    used = sorted({use for name in reached for use in req.service(name).uses})
    queues = {q.name: q for q in req.system.queues}
    for name in used:
        if name in shape.stores:
            store = shape.stores[name]
            component = part(store.sla, name)
            if store.multi_az:
                parts.append(component)
            else:
                held = series(f"{name} in its zone", zones[0], component)
                keys[held.name] = store.sla
                parts.append(held)
        elif name in queues:
            parts.append(part(queue_sla(queues[name].engine), name))
    return series(entry, *parts), keys


def contributors(
    tree: Block, keys: dict[str, str], catalog: Catalog, limit: int = 3
) -> list[DowntimeContributor]:
    """The top-level parts of a path by the downtime they add to a month on average."""
    out = []
    for child in tree.children:
        minutes = (1 - closed_form(child)) * MONTH_MINUTES
        if minutes <= 0:
            continue
        key = keys.get(child.name, "")
        fix = catalog.design.reliability[key].fix if key else ""
        out.append(
            DowntimeContributor(component=child.name, minutes_per_month=round(minutes, 4), fix=fix)
        )
    out.sort(key=lambda c: (-c.minutes_per_month, c.component))
    return out[:limit]


def constraint_shape(
    req: Requirements, catalog: Catalog, replicas: dict[str, int], azs: int
) -> PathShape:
    """The path before the platform is chosen: the services' minimum replicas, the
    catalog's repair time, each store as the SLO places it."""
    lambda_front = req.decisions.compute is ComputeChoice.LAMBDA
    eks = req.decisions.compute in (ComputeChoice.EKS, ComputeChoice.EKS_KARPENTER)
    stores = {
        d.name: StoreShape(
            sla=store_sla(
                d.engine,
                d.role,
                multi=(
                    multi := store_is_multi_az(
                        d.multi_az, req.availability.slo, catalog.policy, azs
                    )
                ),
                aurora=bool(d.aurora),
            ),
            multi_az=multi or d.engine in (DatastoreEngine.S3, DatastoreEngine.DYNAMODB),
        )
        for d in req.system.datastores
    }
    return PathShape(
        front="api-gateway" if lambda_front else "alb",
        replica="node" if eks else "task",
        repair_minutes=None,
        replicas=replicas,
        stores=stores,
    )


def multi_writer_gap(req: Requirements) -> str:
    """Why two regions cannot both take writes ('' when they can): a relational primary
    or Redis primary data has one writer."""
    single = [
        f"{d.name} ({d.engine.value})"
        for d in req.system.datastores
        if d.engine.relational
        or (d.engine is DatastoreEngine.REDIS and d.role is DatastoreRole.PRIMARY)
    ]
    if not single:
        return ""
    return (
        f"{', '.join(single)} take{'s' if len(single) == 1 else ''} writes in one region "
        "only: two regions serving need a multi-writer store (DynamoDB global tables, "
        "Aurora DSQL)"
    )


@dataclass(frozen=True)
class Candidate:
    name: TopologyName
    data: DataReplication | None
    standby: StandbyCompute | None
    caps: Caps
    monthly_usd: float
    unavailable: str


def simulate_candidate(
    req: Requirements,
    catalog: Catalog,
    shape: PathShape,
    *,
    azs: int,
    caps: Caps,
    budget: float,
) -> tuple[MonteCarlo, list[DowntimeContributor]]:
    """The worst entry path's Monte Carlo under ``caps``, and its contributors."""
    sim = catalog.design.simulation
    worst: tuple[MonteCarlo, list[DowntimeContributor]] | None = None
    for entry in entry_services(req) or [s.name for s in req.system.services[:1]]:
        tree, keys = path_tree(req, catalog, entry, shape, azs=azs, caps=caps)
        result = monte_carlo(
            tree, trials=sim.monte_carlo_trials, seed=sim.seed, budget_minutes=budget
        )
        if worst is None or (result.meets_slo, result.mean) < (worst[0].meets_slo, worst[0].mean):
            worst = (result, contributors(tree, keys, catalog))
    assert worst is not None  # noqa: S101  (a spec has at least one service)
    return worst


def noise(share: float, trials: int) -> float:
    """Two shares from independent samples differ by up to this by chance (95%)."""
    return Z95 * math.sqrt(2 * share * (1 - share) / trials)


TOPOLOGY_CAPABILITY = {
    "single-region": None,
    "active-passive": "multi-region-active-passive",
    "active-active": "multi-region-active-active",
}


def study(
    req: Requirements,
    catalog: Catalog,
    shape: PathShape,
    *,
    azs: int,
    budget: float,
    complexity: Complexity,
    plan: Recovery,
    price: Callable[[DataReplication, StandbyCompute], float],
    active_active_usd: float,
    unbuilt: Mapping[str, str] | None = None,
    simulated: Sequence[TopologyCandidate] = (),
) -> list[TopologyCandidate]:
    """Every candidate topology at least as strong as the recovery the RTO/RPO need,
    simulated and priced; one whose standby the generator does not build for the
    design's platform (``unbuilt``) is listed as not possible, with the reason. A
    candidate in ``simulated`` (the same topology, standby and data replication, already
    simulated for this system) keeps that Monte Carlo's results and is only re-priced."""
    unbuilt = unbuilt or {}
    policy = catalog.policy
    dns = catalog.design.timings.dns_failover_seconds / 60
    standby_names: list[str] = [c.name for c in policy.standby_compute]
    data_names: list[str] = [d.name for d in policy.data_replication]
    start = standby_names.index(plan.standby_compute)
    least_data = data_names.index(plan.data_replication)
    candidates: list[Candidate] = []
    for standby in policy.standby_compute[start:]:
        # the cheapest data at least as strong as the plan's that does not slow the standby
        fitting = [
            d
            for d in policy.data_replication[least_data:]
            if d.restore_minutes <= standby.rto_minutes
        ]
        data = fitting[0] if fitting else policy.data_replication[-1]
        cap = max(data.restore_minutes, standby.rto_minutes)
        name: TopologyName = "active-passive" if standby.automated else "single-region"
        candidates.append(
            Candidate(
                name,
                data,
                standby,
                Caps(region=cap),
                price(data, standby),
                unbuilt.get(standby.name, ""),
            )
        )
    candidates.append(
        Candidate(
            "active-active",
            None,
            None,
            Caps(region=dns, every_component=dns),
            active_active_usd,
            multi_writer_gap(req),
        )
    )
    threshold = policy.months_within_budget
    known = {(k.name, k.standby_compute, k.data_replication): k for k in simulated}
    out: list[TopologyCandidate] = []
    for c in candidates:
        standby_name = c.standby.name if c.standby else "active-active"
        data_name = c.data.name if c.data else "multi-writer"
        before = known.get((c.name, standby_name, data_name))
        if before is not None:
            months, mean, parts = (
                before.months_within_budget,
                before.mean_availability,
                before.contributors,
            )
        else:
            result, parts = simulate_candidate(
                req, catalog, shape, azs=azs, caps=c.caps, budget=budget
            )
            months, mean = result.meets_slo, result.mean
        capability = TOPOLOGY_CAPABILITY[c.name]
        out.append(
            TopologyCandidate(
                name=c.name,
                standby_compute=standby_name,
                data_replication=data_name,
                label=_label(c),
                region_outage_minutes=c.caps.region,
                monthly_usd=given(
                    round(c.monthly_usd, 2), "USD/month", "recovery region at floor prices"
                ),
                months_within_budget=months,
                mean_availability=mean,
                available=not c.unavailable,
                why_unavailable=c.unavailable,
                within_team=capability is None or complexity.allows(capability),
                meets=months >= threshold,
                contributors=parts,
            )
        )
    return out


def _label(c: Candidate) -> str:
    if c.standby is None:
        return "two regions serving, multi-writer stores"
    where = "one region" if c.name == "single-region" else "two regions"
    return f"{where}: {c.standby.title}, {c.data.title if c.data else ''}"


PIN_ALLOWS = {
    TopologyChoice.SINGLE_REGION: "single-region",
    TopologyChoice.ACTIVE_PASSIVE: "active-passive",
    TopologyChoice.ACTIVE_ACTIVE: "active-active",
}


def choose(
    candidates: list[TopologyCandidate], pinned: TopologyChoice | None, trials: int
) -> tuple[TopologyCandidate, bool]:
    """(the candidate, whether it meets the threshold): the cheapest that meets it; else
    the best the team can run, a dearer one only when better beyond the noise."""
    pool = [c for c in candidates if c.available]
    if pinned is not None:
        pool = [c for c in pool if c.name == PIN_ALLOWS[pinned]] or pool
    by_cost = sorted(pool, key=lambda c: (c.monthly_usd.value, -c.months_within_budget))
    meeting = [c for c in by_cost if c.meets]
    if meeting:
        return meeting[0], True
    reach = [c for c in by_cost if c.within_team] or by_cost
    best = max(c.months_within_budget for c in reach)
    close = [c for c in reach if c.months_within_budget >= best - noise(best, trials)]
    return close[0], False


def describe(candidate: TopologyCandidate) -> str:
    return (
        f"{candidate.label}: {candidate.months_within_budget:.1%} of simulated months within "
        f"budget (mean {candidate.mean_availability * 100:.4f}%), "
        f"+${number(round(candidate.monthly_usd.value))}/month"
    )
