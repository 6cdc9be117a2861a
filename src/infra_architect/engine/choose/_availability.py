"""Availability first: one region across AZs, or two regions (active-passive / active-active).

The choice follows the SLO tier; the composite availability of each request path is
shown from the published SLAs so the arithmetic behind "one region is enough" is on
the page, including when it is *not* enough.
"""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.catalog import Catalog
from infra_architect.engine._data_sizing import choose_aurora
from infra_architect.engine._design_model import (
    Alternative,
    CompositeAvailability,
    Decision,
    Platform,
    SlaTerm,
)
from infra_architect.engine._model import Constraints
from infra_architect.engine._topology import store_is_multi_az
from infra_architect.engine.choose._pins import ImpossiblePinError, PinProblem
from infra_architect.spec import (
    DatastoreEngine,
    DatastoreRole,
    QueueEngine,
    Requirements,
    TopologyChoice,
    entry_services,
)

Mode = str


def choose_topology(req: Requirements, constraints: Constraints, catalog: Catalog) -> Decision:
    topology = constraints.topology
    budget = constraints.error_budget.per_30_days.value
    pinned = req.decisions.topology
    tier_mode: Mode = {
        "none": "single-region",
        "evaluate": "single-region",
        "active-passive": "active-passive",
        "active-active": "active-active",
    }[topology.multi_region]
    if pinned is not None:
        _check_pin(pinned, req, constraints)
        mode = pinned.value
        why = f"pinned in the spec (decisions.topology: {pinned.value}); {topology.why}"
    else:
        mode = tier_mode
        why = f"availability.slo={req.availability.slo:g}% ({budget:g} min/month): {topology.why}"
    second_region = constraints.cost_floor.total_monthly_usd.value
    texts = {
        "single-region": (
            "one region-wide incident (historically hours) would exceed a "
            f"{budget:g} min/month budget; nothing takes over"
        ),
        "active-passive": (
            f"a warm standby in a second region costs at least about ${second_region:,.0f}/month "
            "more, needs data replicated across regions and failover drills; "
            + (
                "at this SLO region-wide incidents are rare enough to accept"
                if mode == "single-region"
                else "active-active is stronger still"
            )
        ),
        "active-active": (
            "both regions serve traffic: every write path must tolerate multi-region "
            "replication (conflicts, latency), and the team must run it "
            "(multi-region-active-active capability)"
        ),
    }
    risk = {
        "single-region": "a region-wide outage takes the system down until recovery "
        f"({constraints.recovery.strategy}, RTO {constraints.recovery.strategy_rto_minutes:g} min)",
        "active-passive": "failover is a rarely exercised path: without quarterly drills it will "
        "not work when needed; cross-region replication lag is the RPO",
        "active-active": "data consistency across regions (write conflicts, replication lag) and "
        "double the running cost",
    }[mode]
    return Decision(
        id="availability",
        title="Availability topology",
        selected=f"{mode} ({topology.availability_zones.whole} AZs per region)",
        alternatives=[
            Alternative(name=name, why_not=text) for name, text in texts.items() if name != mode
        ],
        why=why,
        risk=risk,
        drivers=["availability.slo", "availability.rto_minutes", "availability.rpo_minutes"],
        pinned=pinned is not None,
    )


def check_topology_pin(req: Requirements, constraints: Constraints) -> None:
    """Raise :class:`ImpossiblePinError` when ``decisions.topology`` cannot hold."""
    if req.decisions.topology is not None:
        _check_pin(req.decisions.topology, req, constraints)


def _check_pin(pinned: TopologyChoice, req: Requirements, constraints: Constraints) -> None:
    problem: PinProblem | None = None
    if pinned is TopologyChoice.SINGLE_REGION and constraints.topology.regions > 1:
        problem = PinProblem(
            field="decisions.topology",
            value=pinned.value,
            reason=f"{req.availability.slo:g}% allows "
            f"{constraints.error_budget.per_30_days.value:g} min/month; one region-wide "
            "incident exceeds it, so a single region cannot meet the SLO",
            fix="lower availability.slo below 99.99, or remove the pin",
        )
    capability = {
        TopologyChoice.ACTIVE_PASSIVE: "multi-region-active-passive",
        TopologyChoice.ACTIVE_ACTIVE: "multi-region-active-active",
    }.get(pinned)
    if capability is not None and not constraints.complexity.allows(capability):
        fit = next(c for c in constraints.complexity.capabilities if c.name == capability)
        problem = PinProblem(
            field="decisions.topology",
            value=pinned.value,
            reason=f"the team cannot run {fit.title.lower()}: {'; '.join(fit.shortfalls)}",
            fix="remove the pin, or correct the team section if it understates the team",
        )
    if problem is not None:
        raise ImpossiblePinError([problem])


def region_count(decision: Decision) -> int:
    return 1 if decision.selected.startswith("single-region") else 2


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

    front = "api-gateway" if platform == "lambda" else "alb"
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
