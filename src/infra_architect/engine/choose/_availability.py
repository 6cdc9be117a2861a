"""Availability first: one region across AZs, or two regions (active-passive / active-active).

The availability Monte Carlo of every candidate chooses (the constraints, see
:mod:`infra_architect.engine._region_study`); the composite availability of each request
path from the published SLAs is shown beside it.
"""

from __future__ import annotations

from infra_architect._figures import figure, number
from infra_architect.catalog import Catalog
from infra_architect.engine._data_sizing import choose_aurora
from infra_architect.engine._design_model import (
    Alternative,
    CompositeAvailability,
    Decision,
    Platform,
    SlaTerm,
)
from infra_architect.engine._model import Constraints, TopologyCandidate
from infra_architect.engine._topology import store_is_multi_az
from infra_architect.engine.choose._pins import ImpossiblePinError, PinProblem
from infra_architect.spec import (
    ComputeChoice,
    DatastoreEngine,
    DatastoreRole,
    QueueEngine,
    Requirements,
    TopologyChoice,
    entry_services,
)


def choose_topology(req: Requirements, constraints: Constraints, catalog: Catalog) -> Decision:
    """The topology the availability Monte Carlo chose (constraints), as a decision: every
    other candidate with its simulated share of months and its price."""
    topology = constraints.topology
    pinned = req.decisions.topology
    if pinned is not None:
        _check_pin(pinned, req, constraints)
    chosen = topology.chosen
    recovery = constraints.recovery
    risk = {
        "single-region": "a region-wide outage takes the system down until the recovery "
        f"region serves ({recovery.strategy}: RTO {recovery.strategy_rto_minutes:g} min, "
        f"RPO {number(recovery.strategy_rpo_minutes * 60)} s)",
        "active-passive": "failover is a rarely exercised path: without quarterly drills it will "
        "not work when needed; cross-region replication lag is the RPO",
        "active-active": "every write path must tolerate multi-region replication (conflicts, "
        "latency) and the running cost doubles",
    }[chosen.name]
    return Decision(
        id="availability",
        title="Availability topology",
        selected=f"{_selected(chosen)} ({topology.availability_zones.whole} AZs per region)",
        alternatives=[
            Alternative(
                name=_selected(c),
                why_not=(
                    f"not possible: {c.why_unavailable}"
                    if not c.available
                    else f"{c.months_within_budget:.1%} of simulated months within budget "
                    f"(mean {c.mean_availability * 100:.4f}%) for "
                    f"${number(round(c.monthly_usd.value))}/month at floor prices"
                    + ("" if c.within_team else "; beyond what the team can run")
                ),
            )
            for c in topology.candidates
            if c is not chosen
        ],
        why=topology.why,
        risk=risk,
        drivers=["availability.slo", "availability.rto_minutes", "availability.rpo_minutes"],
        pinned=pinned is not None,
    )


def _selected(candidate: TopologyCandidate) -> str:
    """A candidate's name as the decision prints it: the topology and its standby."""
    if candidate.name == "active-active":
        return "active-active"
    return f"{candidate.name}, {candidate.standby_compute}"


def check_topology_pin(req: Requirements, constraints: Constraints) -> None:
    """Raise :class:`ImpossiblePinError` when ``decisions.topology`` cannot hold."""
    if req.decisions.topology is not None:
        _check_pin(req.decisions.topology, req, constraints)


def _check_pin(pinned: TopologyChoice, req: Requirements, constraints: Constraints) -> None:
    # A single region below what the simulation asks is the pin's trade: a warning
    # (topology-pin-below-simulation), not a refusal.
    problems: list[PinProblem] = []
    if pinned is TopologyChoice.ACTIVE_ACTIVE:
        gap = next(
            (
                c.why_unavailable
                for c in constraints.topology.candidates
                if c.name == "active-active"
            ),
            "",
        )
        if gap:
            problems.append(
                PinProblem(
                    field="decisions.topology",
                    value=pinned.value,
                    reason=gap,
                    fix="pin active-passive (a standby takes over), or move the data to a "
                    "multi-writer store",
                )
            )
    if pinned is TopologyChoice.ACTIVE_PASSIVE:
        standbys = [c for c in constraints.topology.candidates if c.name == "active-passive"]
        if standbys and not any(c.available for c in standbys):
            # the standby the pin needs runs nowhere the generator builds (buildable.yaml)
            problems.append(
                PinProblem(
                    field="decisions.topology",
                    value=pinned.value,
                    reason=standbys[0].why_unavailable,
                    fix="remove the pin (a pilot light or backups recover the region), or "
                    "pin decisions.compute: ecs-fargate, whose recovery region is built",
                )
            )
    capability = {
        TopologyChoice.ACTIVE_PASSIVE: "multi-region-active-passive",
        TopologyChoice.ACTIVE_ACTIVE: "multi-region-active-active",
    }.get(pinned)
    if capability is not None and not constraints.complexity.allows(capability):
        fit = constraints.complexity.capability(capability)
        problems.append(
            PinProblem(
                field="decisions.topology",
                value=pinned.value,
                reason=f"the team cannot run {fit.title.lower()}: {'; '.join(fit.shortfalls)}",
                fix="remove the pin, or correct the team section if it understates the team",
            )
        )
    if problems:
        raise ImpossiblePinError(problems)


def region_count(constraints: Constraints) -> int:
    """Regions that serve traffic (a pilot light or backups elsewhere do not)."""
    return constraints.topology.regions


def composite_availability(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    platform: Platform,
    regions: int,
) -> list[CompositeAvailability]:
    """Series composition of the published SLAs on each entry service's request path."""
    out: list[CompositeAvailability] = []
    for entry in entry_services(req):
        terms = _path_terms(req, constraints, catalog, platform, entry)
        product = 1.0
        for term in terms:
            product *= term.percent / 100
        template = " × ".join("{%s}" % _key(t.component) for t in terms)  # noqa: UP031
        single = figure(
            product * 100,
            "%",
            f"{template} × 100",
            **{_key(t.component): t.percent / 100 for t in terms},
        )
        design = (
            single
            if regions == 1
            else figure(
                (1 - (1 - product) ** 2) * 100,
                "%",
                "(1 - (1 - {single_region})²) × 100",
                single_region=product,
            )
        )
        out.append(
            CompositeAvailability(
                path=entry,
                terms=terms,
                single_region=single,
                design=design,
                meets_slo=design.value >= req.availability.slo,
            )
        )
    return out


def _key(component: str) -> str:
    return component.replace("-", "_").replace(" ", "_").replace("(", "").replace(")", "")


def _path_terms(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    platform: Platform,
    entry: str,
) -> list[SlaTerm]:
    slas = catalog.design.slas
    azs = constraints.topology.availability_zones.whole

    def term(component: str, sla: str) -> SlaTerm:
        return SlaTerm(component=component, percent=slas[sla].percent, source=slas[sla].source)

    front = "api-gateway" if platform == ComputeChoice.LAMBDA else "alb"
    compute = {
        "eks": "ec2-multi-az",
        "eks-karpenter": "ec2-multi-az",
        "ecs-fargate": "ecs-fargate",
        "lambda": "lambda",
    }[platform]
    terms = [term(front, front), term(f"compute ({platform})", compute)]
    reached = reachable(req, entry)
    used: list[str] = []
    for name in reached:
        for use in req.service(name).uses:
            if use not in used:
                used.append(use)
    stores = {d.name: d for d in req.system.datastores}
    queues = {q.name: q for q in req.system.queues}
    for name in used:
        if name in stores:
            store = stores[name]
            multi = store_is_multi_az(store.multi_az, req.availability.slo, catalog.policy, azs)
            aurora = (
                store.engine.relational and choose_aurora(req, catalog, store, multi=multi).chosen
            )
            terms.append(
                term(name, store_sla(store.engine, store.role, multi=multi, aurora=bool(aurora)))
            )
        elif name in queues:
            terms.append(term(name, queue_sla(queues[name].engine)))
    return terms


def reachable(req: Requirements, entry: str) -> list[str]:
    seen = [entry]
    frontier = [entry]
    while frontier:
        current = frontier.pop(0)
        for call in req.service(current).calls:
            if call.service not in seen:
                seen.append(call.service)
                frontier.append(call.service)
    return seen


def store_sla(
    engine: DatastoreEngine, role: DatastoreRole | None, *, multi: bool, aurora: bool = False
) -> str:
    if engine.relational:
        if aurora and multi:
            return "aurora"
        return "rds-multi-az" if multi else "rds-single-az"
    if engine is DatastoreEngine.REDIS:
        if role is DatastoreRole.PRIMARY:
            return "memorydb"
        return "elasticache-multi-az" if multi else "elasticache-single-az"
    return {
        DatastoreEngine.OPENSEARCH: "opensearch",
        DatastoreEngine.S3: "s3",
        DatastoreEngine.DYNAMODB: "dynamodb",
    }[engine]


def queue_sla(engine: QueueEngine) -> str:
    return {
        QueueEngine.SQS: "sqs",
        QueueEngine.SNS: "sns",
        QueueEngine.KAFKA: "msk",
        QueueEngine.RABBITMQ: "mq",
        QueueEngine.KINESIS: "kinesis",
    }[engine]
