"""Requirements that cannot all hold: found before any design is attempted.

Each conflict names the fields involved, explains with figures why they clash, and
says what to trade. Errors make a spec infeasible; warnings and notes are costs and
risks the user should see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from infra_architect._figures import duration, number
from infra_architect.catalog import Catalog, RegionRpoZeroOption
from infra_architect.engine._capacity import MAX_REPLICAS
from infra_architect.engine._data_sizing import store_load
from infra_architect.engine._model import (
    Complexity,
    Conflict,
    CostFloor,
    ErrorBudget,
    Recovery,
    ServiceCapacity,
    Severity,
    Topology,
    TrafficFigures,
)
from infra_architect.engine._topology import SYNC_REPLICATED
from infra_architect.spec import (
    Compliance,
    DatastoreEngine,
    DatastoreRole,
    Requirements,
    RpoScope,
)

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Cheaper:
    """The cost floor the same system would have at a lower SLO."""

    slo: float
    floor_usd: float


@dataclass(frozen=True)
class Derived:
    error_budget: ErrorBudget
    traffic: TrafficFigures
    services: list[ServiceCapacity]
    topology: Topology
    recovery: Recovery
    complexity: Complexity
    cost_floor: CostFloor
    cheaper: list[Cheaper]


def derive_conflicts(req: Requirements, catalog: Catalog, d: Derived) -> list[Conflict]:
    checks = (
        _azs,
        _multi_region_team,
        _simulated_topology,
        _on_call,
        _automation,
        _budget,
        _rpo_zero,
        _rto,
        _deploy_downtime,
        _compliance_experience,
        _growth,
        _beyond_one_deployment,
        _store_beyond_largest_class,
    )
    return [conflict for check in checks for conflict in check(req, catalog, d)]


def _azs(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    tier = catalog.policy.tier_for(req.availability.slo)
    region = req.cloud.region
    offered = catalog.regions[region].availability_zones
    pinned = req.cloud.availability_zones
    if pinned is not None and pinned > offered:
        yield Conflict(
            id="azs-exceed-region",
            severity=ERROR,
            title=f"{region} offers {offered} AZs, the spec pins {pinned}",
            detail=f"A new AWS account sees {offered} Availability Zones in {region}.",
            fix=f"pin at most {offered} AZs, or choose a region with {pinned}",
            fields=["cloud.availability_zones", "cloud.region"],
        )
    elif pinned is not None and pinned < tier.availability_zones:
        single = pinned == 1
        yield Conflict(
            id="azs-pinned-below-slo",
            severity=ERROR
            if single and req.availability.slo >= catalog.policy.multi_az_data_slo
            else WARNING,
            title=f"{pinned} AZ{'s' if pinned > 1 else ''} pinned; a {req.availability.slo:g}% "
            f"SLO wants {tier.availability_zones}",
            detail=(
                "With one AZ, an AZ outage (hours, a few times a year across AWS) takes the "
                "whole system down; the budget is "
                f"{number(d.error_budget.per_30_days.value)} min per 30 days."
                if single
                else f"Losing one of {pinned} AZs removes {100 // pinned}% of capacity at once "
                "and leaves no spare AZ for quorum-based stores."
            ),
            fix=f"remove cloud.availability_zones (derives {tier.availability_zones}) or lower "
            "the SLO",
            fields=["cloud.availability_zones", "availability.slo"],
        )
    if pinned is None and offered < tier.availability_zones:
        yield Conflict(
            id="region-lacks-azs",
            severity=ERROR,
            title=f"{region} offers {offered} AZs; a {req.availability.slo:g}% SLO wants "
            f"{tier.availability_zones}",
            detail=" ".join(tier.why.split()),
            fix="choose a region with 3 or more AZs, or pin cloud.availability_zones: "
            f"{offered} and accept the risk",
            fields=["cloud.region", "availability.slo"],
        )


def _multi_region_team(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    complexity = d.complexity
    if d.topology.regions > 1:
        capability = f"multi-region-{d.topology.multi_region}"
        fit = complexity.capability(capability)
        # a stated RTO only a standby behind an automated failover meets leaves no
        # single-region candidate: the recovery, not the SLO, needs the second region
        forced = not any(c.name == "single-region" for c in d.topology.candidates)
        if not fit.within_reach and forced and d.topology.name == "active-passive":
            yield Conflict(
                id="recovery-needs-second-region-team",
                severity=ERROR,
                title=f"the stated RTO/RPO need {d.recovery.strategy} in a second region, "
                "which this team cannot operate",
                detail=f"RTO {number(d.recovery.rto_minutes.value)} min / RPO "
                f"{number(d.recovery.rpo_minutes.value)} min: {d.recovery.why}. Running a "
                f"second region {'; '.join(fit.shortfalls)}.",
                fix="relax availability.rto_minutes to what a pilot light delivers (60) or "
                "more, or grow the team's operations experience",
                fields=["availability.rto_minutes", "availability.rpo_minutes", "team"],
            )
        elif not fit.within_reach:
            yield Conflict(
                id="slo-needs-multi-region-team",
                severity=ERROR,
                title=f"a {req.availability.slo:g}% SLO needs {d.topology.multi_region} "
                "regions, which this team cannot operate",
                detail=f"{' '.join(d.topology.why.split())} Running it "
                f"{'; '.join(fit.shortfalls)}.",
                fix="lower the SLO, or grow the team and its operations experience before "
                "promising it",
                fields=["availability.slo", "team.size", "team.ops_experience"],
            )
        return
    if d.recovery.needs_second_region:
        fit = complexity.capability("multi-region-active-passive")
        if not fit.within_reach:
            yield Conflict(
                id="recovery-needs-second-region-team",
                severity=WARNING,
                title=f"the stated RTO/RPO need {d.recovery.strategy} in a second region, "
                "which this team has not run",
                detail=f"RTO {number(d.recovery.rto_minutes.value)} min / RPO "
                f"{number(d.recovery.rpo_minutes.value)} min: {d.recovery.why}. Running a "
                f"second region {'; '.join(fit.shortfalls)}.",
                fix="relax availability.rto_minutes to 240 and rpo_minutes to 60 "
                "(backup copies, no standby), or grow the team's operations experience",
                fields=["availability.rto_minutes", "availability.rpo_minutes", "team"],
            )


def _simulated_topology(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    """The Monte Carlo's verdict when it falls short: what spends the budget, the fix."""
    topology = d.topology
    chosen = topology.chosen
    budget = number(d.error_budget.per_30_days.value)
    spent = "; ".join(
        f"{c.component} {c.minutes_per_month:.2f} min/month" + (f" (fix: {c.fix})" if c.fix else "")
        for c in chosen.contributors
    )
    better = [
        c
        for c in topology.candidates
        if c.available and c.months_within_budget > chosen.months_within_budget and c.meets
    ]
    if topology.pinned and better:
        best = min(better, key=lambda c: c.monthly_usd.value)
        yield Conflict(
            id="topology-pin-below-simulation",
            severity=WARNING,
            title=f"decisions.topology pins {chosen.name}: {chosen.months_within_budget:.1%} "
            f"of simulated months stay within {budget} min, below the "
            f"{topology.months_within_budget:.0%} the SLO needs",
            detail=f"{best.label} would reach {best.months_within_budget:.1%} for "
            f"${number(round(best.monthly_usd.value))}/month more at floor prices. What "
            f"spends the budget under the pin: {spent}.",
            fix="accept the risk (it is the pin's trade), apply the fixes named, or remove the pin",
            fields=["decisions.topology", "availability.slo"],
        )
    elif not topology.meets_threshold:
        yield Conflict(
            id="slo-not-met-in-simulation",
            severity=WARNING,
            title=f"no topology keeps {topology.months_within_budget:.0%} of simulated months "
            f"within {budget} min; the best, {chosen.label}, keeps "
            f"{chosen.months_within_budget:.1%}",
            detail=f"What spends the budget (average downtime a month on the worst request "
            f"path): {spent}. A second region does not remove these: they fail inside the "
            "region that serves.",
            fix="apply the fixes named for the largest contributors, or lower availability.slo",
            fields=["availability.slo", "system.datastores", "system.queues"],
        )


def _on_call(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    policy = catalog.policy
    slo = req.availability.slo
    if slo < policy.paging_slo or d.complexity.sustainable_on_call:
        return
    size = req.team.size
    yield Conflict(
        id="slo-on-call-rotation",
        severity=ERROR if slo >= policy.automation_slo else WARNING,
        title=f"a {slo:g}% SLO needs a 24x7 on-call rotation; {size} "
        f"engineer{'s' if size != 1 else ''} cannot staff one",
        detail=f"{slo:g}% leaves {number(d.error_budget.per_30_days.value)} min per 30 days, so "
        "incidents at any hour need someone to respond within minutes. With "
        f"{size} people each is on call {'all the time' if size == 1 else f'one week in {size}'}; "
        f"below {policy.on_call_min_people} a rotation burns people out "
        "(Google SRE book, 'Being On-Call').",
        fix=f"grow the rotation to {policy.on_call_min_people}+ people (or buy a managed "
        f"on-call service), or lower the SLO below {policy.paging_slo:g}% so incidents can "
        "wait for office hours",
        fields=["availability.slo", "team.size"],
    )


def _automation(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    slo = req.availability.slo
    if slo < catalog.policy.automation_slo or req.team.ops_experience.value != "low":
        return
    yield Conflict(
        id="slo-exceeds-operational-experience",
        severity=ERROR,
        title=f"a {slo:g}% SLO needs automated recovery that a low-experience team cannot "
        "build and run",
        detail=f"{number(d.error_budget.per_30_days.value)} min per 30 days is less than a human "
        "takes to acknowledge a page, diagnose and act; every common failure must recover on "
        "its own, which takes experience to build and to trust.",
        fix="lower the SLO to 99.9% or below, or bring in operations experience first",
        fields=["availability.slo", "team.ops_experience"],
    )


def _budget(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    if req.budget is None:
        return
    floor = d.cost_floor.total_monthly_usd.value
    budget = req.budget.monthly_usd
    if budget >= floor:
        return
    top = sorted(d.cost_floor.lines, key=lambda line: -line.monthly_usd.value)[:3]
    biggest = ", ".join(f"{line.component} ${number(line.monthly_usd.value)}" for line in top)
    fits = [c for c in d.cheaper if c.floor_usd <= budget]
    trade = (
        f"lower the SLO to {fits[0].slo:g}% (floor ${number(fits[0].floor_usd)}/month)"
        if fits
        else "no lower SLO fits either: cut services or data stores"
    )
    yield Conflict(
        id="budget-below-cost-floor",
        severity=ERROR,
        title=f"the budget (${number(budget)}/month) is below the cost floor "
        f"(${number(floor)}/month) of any topology meeting {req.availability.slo:g}%",
        detail=f"The floor prices the minimum topology at list prices; its largest lines: "
        f"{biggest}.",
        fix=f"raise budget.monthly_usd to at least ${number(floor)}, or {trade}",
        fields=["budget.monthly_usd", "availability.slo"],
    )


def _rpo_zero(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    if req.availability.rpo_minutes != 0:
        return
    if req.cloud.availability_zones == 1:
        yield Conflict(
            id="rpo-zero-single-az",
            severity=ERROR,
            title="RPO 0 with a single AZ",
            detail="Losing no data needs every write copied synchronously to another AZ "
            "before it is acknowledged; with one AZ the last writes die with it.",
            fix="remove cloud.availability_zones: 1, or accept an RPO above 0",
            fields=["availability.rpo_minutes", "cloud.availability_zones"],
        )
    for index, store in enumerate(req.system.datastores):
        where = f"system.datastores[{index}]"
        if store.multi_az is False and store.engine not in (DatastoreEngine.S3,):
            yield Conflict(
                id="rpo-zero-single-az-store",
                severity=ERROR,
                title=f"RPO 0 but {store.name} is pinned to one AZ",
                detail=f"{store.name} ({store.engine.value}) keeps one copy in one AZ; an AZ "
                "loss loses the writes since its last backup.",
                fix=f"remove multi_az: false from {store.name}, or accept an RPO above 0",
                fields=["availability.rpo_minutes", f"{where}.multi_az"],
            )
        elif store.engine is DatastoreEngine.REDIS and store.role is DatastoreRole.PRIMARY:
            yield Conflict(
                id="rpo-zero-async-store",
                severity=ERROR,
                title=f"RPO 0 but {store.name} is a redis holding primary data",
                detail="Redis replicates asynchronously: writes acknowledged just before a "
                "failover are lost.",
                fix=f"keep {store.name}'s data in a synchronously replicated store "
                f"({', '.join(sorted(e.value for e in SYNC_REPLICATED))}), or accept an RPO "
                "above 0",
                fields=["availability.rpo_minutes", f"{where}.role"],
            )
    scope = req.availability.rpo_scope
    if scope is RpoScope.ZONE:
        yield Conflict(
            id="rpo-zero-scoped",
            severity=WARNING,
            title="RPO 0 holds for the loss of an AZ; across regions it is about a second",
            detail="Within the region every write is copied synchronously to another AZ "
            "before it is acknowledged (RDS Multi-AZ, DynamoDB, S3): an AZ loss loses "
            f"nothing. Replication to the recovery region is asynchronous "
            f"({d.recovery.strategy}: RPO {number(d.recovery.strategy_rpo_minutes * 60)} s): "
            "a region loss loses the writes still in flight. Recorded as "
            "availability.rpo_scope: zone.",
            fix="nothing if a region loss may cost the last second of writes; otherwise set "
            "availability.rpo_scope: region and see the stores that can keep it",
            fields=["availability.rpo_minutes", "availability.rpo_scope"],
        )
        return
    yield Conflict(
        id="rpo-zero-region",
        severity=ERROR,
        title="RPO 0 through a region loss needs a store that commits in several regions",
        detail="Every replication this design builds across regions is asynchronous (the "
        "best, about a second behind). Only a store that acknowledges a write once it is "
        "durable in more than one region loses nothing with a region: "
        + "; ".join(
            _region_rpo_zero_option(o, req, catalog) for o in catalog.policy.region_rpo_zero_options
        )
        + ".",
        fix="move the data that must survive a region loss to one of these stores (the "
        "application's data access changes), or set availability.rpo_scope: zone (RPO 0 "
        "for an AZ loss, about a second across regions)",
        fields=["availability.rpo_minutes", "availability.rpo_scope", "system.datastores"],
    )


def _region_rpo_zero_option(
    option: RegionRpoZeroOption, req: Requirements, catalog: Catalog
) -> str:
    """One store that keeps RPO 0 across regions, with its price for this spec's data."""
    defaults = catalog.policy.storage_defaults_gb
    gb = sum(
        d.storage_gb or defaults[d.engine.value]
        for d in req.system.datastores
        if d.engine.relational or d.engine is DatastoreEngine.DYNAMODB
    )
    storage = gb * option.regions * option.storage_usd_gb_month
    return (
        f"{option.name}: {number(gb)} GB × {option.regions} regions × "
        f"${option.storage_usd_gb_month:g}/GB-month = ${number(round(storage))}/month of "
        f"storage, plus ${option.usd_per_million:g} per million {option.unit} ({option.note}; "
        f"{' '.join(option.source.split())})"
    )


def _rto(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    stated = req.availability.rto_minutes
    region_zero = (
        req.availability.rpo_minutes == 0 and req.availability.rpo_scope is RpoScope.REGION
    )
    rto_met = d.recovery.strategy_rto_minutes <= d.recovery.rto_minutes.value
    # RPO 0 through a region loss has its own error naming the stores that can keep it
    if not d.recovery.meets_stated and not (region_zero and rto_met):
        yield Conflict(
            id="rto-rpo-unreachable",
            severity=ERROR,
            title="no recovery strategy meets the stated RTO/RPO",
            detail=f"RTO {number(d.recovery.rto_minutes.value)} min / RPO "
            f"{number(d.recovery.rpo_minutes.value)} min; the strongest strategy, "
            f"{d.recovery.strategy}, delivers RTO {d.recovery.strategy_rto_minutes:g} min / "
            f"RPO {duration(d.recovery.strategy_rpo_minutes)}.",
            fix="relax availability.rto_minutes / rpo_minutes to what the strongest "
            "combination delivers",
            fields=["availability.rto_minutes", "availability.rpo_minutes"],
        )
    if stated is None:
        return
    failover = catalog.policy.db_failover_minutes
    if stated < failover and any(s.engine.relational for s in req.system.datastores):
        yield Conflict(
            id="rto-below-database-failover",
            severity=WARNING,
            title=f"RTO {stated:g} min is shorter than a database failover (~{failover:g} min)",
            detail="An RDS Multi-AZ failover typically takes 60-120 s; Aurora fails over "
            "faster (often under 30 s).",
            fix="raise availability.rto_minutes, or expect the design to choose Aurora",
            fields=["availability.rto_minutes"],
        )
    budget = d.error_budget.per_30_days.value
    if stated > budget:
        yield Conflict(
            id="rto-exceeds-error-budget",
            severity=INFO,
            title=f"one disaster at the full RTO ({stated:g} min) spends "
            f"{stated / budget:.1f} months of error budget",
            detail=f"The SLO allows {number(budget)} min per 30 days; a recovery that takes "
            "the whole RTO breaks the SLO for that month.",
            fix="fine if disasters are rare and excluded from the SLO; otherwise lower the RTO",
            fields=["availability.rto_minutes", "availability.slo"],
        )


def _deploy_downtime(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    if req.delivery.zero_downtime or req.delivery.deploys_per_day == 0:
        return
    per_deploy = catalog.policy.stop_start_deploy_minutes
    monthly = req.delivery.deploys_per_day * 30 * per_deploy
    budget = d.error_budget.per_30_days.value
    share = monthly / budget
    if share > 1:
        severity = ERROR
    elif share > 0.5:
        severity = WARNING
    else:
        severity = INFO
    yield Conflict(
        id="deploy-downtime-budget",
        severity=severity,
        title=f"deploys with downtime spend {share:.0%} of the error budget",
        detail=f"{req.delivery.deploys_per_day:g} deploys/day × 30 × ~{per_deploy:g} min of "
        f"stop-start downtime = {number(monthly)} min per 30 days, against a budget of "
        f"{number(budget)} min.",
        fix="set delivery.zero_downtime: true (rolling or blue-green deploys cost no downtime)",
        fields=["delivery.zero_downtime", "delivery.deploys_per_day", "availability.slo"],
    )


def _compliance_experience(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    demanding = sorted(
        c.value for c in req.compliance if c in (Compliance.PCI_DSS, Compliance.HIPAA)
    )
    if demanding and req.team.ops_experience.value == "low":
        yield Conflict(
            id="compliance-low-experience",
            severity=WARNING,
            title=f"{', '.join(demanding)} with low operations experience",
            detail="These regimes require audited change control, logging, segmentation and "
            "regular evidence; the design will lean on managed services, but the controls "
            "still need someone who runs them.",
            fix="plan for a compliance owner or an external assessor early",
            fields=["compliance", "team.ops_experience"],
        )


def _growth(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    if d.traffic.growth_average_rps.value < d.traffic.average_rps.value:
        yield Conflict(
            id="growth-below-today",
            severity=WARNING,
            title="the growth target is below today's traffic",
            detail=f"{number(d.traffic.growth_average_rps.value)} requests/s at the target vs "
            f"{number(d.traffic.average_rps.value)} today; capacity is sized for the larger.",
            fix="check traffic.growth; it is the traffic expected at the end of the period",
            fields=["traffic.growth"],
        )


def _beyond_one_deployment(req: Requirements, catalog: Catalog, d: Derived) -> Iterator[Conflict]:
    for index, service in enumerate(d.services):
        needed = service.max_replicas
        if needed.value <= MAX_REPLICAS:
            continue
        yield Conflict(
            id="load-beyond-one-deployment",
            severity=ERROR,
            title=f"{service.name} needs {number(needed.value)} replicas at its highest load; "
            f"one service runs at most {MAX_REPLICAS:,}",
            detail=f"{service.spike_load.show()} at the spike and "
            f"{service.growth_peak_load.show()} at the growth peak, "
            f"{service.load_per_replica.show()} ({service.load_per_replica.worked}). An ECS "
            f"service runs at most {MAX_REPLICAS:,} tasks and a Kubernetes cluster is tested "
            "to 150,000 pods: one deployment cannot carry this load. The design stops its "
            f"replica bounds at {MAX_REPLICAS:,}.",
            fix="measure cpu_ms_per_request (it sizes everything); check the traffic figures "
            "and the per_request fan-out into this service; or split the system into cells "
            "(one spec each) that share the traffic",
            fields=["traffic", f"system.services[{index}].cpu_ms_per_request"],
        )


def _store_beyond_largest_class(
    req: Requirements, catalog: Catalog, d: Derived
) -> Iterator[Conflict]:
    """A relational store whose writes alone pass the largest class (one primary takes
    every write), or whose reads need more read replicas than RDS allows."""
    largest = catalog.design.db_classes[-1]
    sizing = catalog.design.data_sizing
    for index, store in enumerate(req.system.datastores):
        if not store.engine.relational:
            continue
        load = store_load(req, d.services, store, catalog)
        writes = load.writes_per_second.value
        reads = load.reads_per_second.value
        units = writes * sizing.write_cost
        over_writes = units >= largest.below_rps
        over_reads = reads - max(0.0, largest.below_rps - units) > (
            largest.below_rps * sizing.max_read_replicas
        )
        if not (over_writes or over_reads):
            continue
        yield Conflict(
            id="store-load-beyond-largest-class",
            severity=ERROR,
            title=f"{store.name} must serve {number(round(writes, 1))} writes/s and "
            f"{number(round(reads, 1))} reads/s at the growth peak; the largest database "
            f"class in the catalog ({largest.class_}) holds below "
            f"{number(largest.below_rps)} read-equivalent queries/s"
            + ("" if over_writes else f" with {sizing.max_read_replicas} read replicas"),
            detail=f"{store.name} ({store.engine.value}) is one primary: every write of the "
            "services that use it reaches it"
            + ("" if over_writes else ", and its reads outgrow the read replicas RDS allows")
            + "; no instance class serves this rate.",
            fix="put a cache in front of it, split the data across several stores (one per "
            "service or shard), or check the traffic, fan-out and data_access figures",
            fields=[f"system.datastores[{index}]", "traffic"],
        )
