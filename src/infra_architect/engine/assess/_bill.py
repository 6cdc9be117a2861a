"""The design's bill of materials: what each environment runs and uses a month.

Quantities come from the design (node pool, replicas, store sizes, gateways, endpoints)
and the spec's traffic (requests, bytes, logs, messages, storage); what the spec cannot
say is a usage assumption from the catalog, printed with the estimate. The cost package
prices them. Prod is built at any traffic scale, so the growth curve is the same
arithmetic at each month's traffic; staging is built from its sizing at its own traffic.
"""

from __future__ import annotations

from collections.abc import Sequence

from infra_architect._figures import figure, number
from infra_architect.catalog import Catalog
from infra_architect.cost import CostModel, EnvironmentCost, Lever, Usage, build_cost_model
from infra_architect.engine._design_model import (
    ComputeDesign,
    DataDesign,
    EnvironmentSizing,
    NetworkDesign,
    ObservabilityDesign,
    SecurityDesign,
    StoreSize,
)
from infra_architect.engine._model import Constraints
from infra_architect.engine.assess._bill_compute import compute_lines
from infra_architect.engine.assess._bill_messaging import queue_lines
from infra_architect.engine.assess._bill_network import edge_lines, network_lines
from infra_architect.engine.assess._bill_operations import (
    audit_lines,
    observability_lines,
    security_lines,
)
from infra_architect.engine.assess._bill_parts import BillInputs, Sizes
from infra_architect.engine.assess._bill_recovery import recovery_region_lines
from infra_architect.engine.assess._bill_stores import store_lines
from infra_architect.errors import named
from infra_architect.spec import QueueEngine, Requirements, ServiceType

GROWTH_STEPS = 4
"""The growth curve is priced at today, each quarter of the way, and the target."""


def estimate_cost(  # noqa: PLR0917  (one argument per design part)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    observability: ObservabilityDesign,
    security: SecurityDesign,
    environments: Sequence[EnvironmentSizing],
) -> CostModel:
    parts = BillInputs(req, constraints, catalog, compute, network, data, observability, security)
    sizes = {env.name: environment_sizes(parts, env) for env in environments}
    share = parts.usage.staging_traffic_share
    prices = catalog.price_catalog
    return build_cost_model(
        region=req.cloud.region,
        prices=prices,
        staging=bill_of_materials(parts, sizes["staging"], share),
        prod_at=lambda scale: bill_of_materials(parts, sizes["prod"], scale),
        growth=_growth(constraints),
        budget=req.budget.monthly_usd if req.budget else None,
        extra_levers=lambda envs: _spot_worker_levers(parts, envs),
        assumptions=_assumptions(parts, prices.covers(req.cloud.region), prices.floor_region),
    )


def environment_sizes(parts: BillInputs, env: EnvironmentSizing) -> Sizes:
    keys = {s.name: s.price_key for s in parts.data.stores}
    design = parts.catalog.design
    class_keys = {c.class_: c.price_key for c in design.db_classes}
    class_keys |= {c.class_: c.price_key for c in [*design.cache_classes, *design.search_classes]}
    aurora = [*design.data_sizing.aurora_classes, design.data_sizing.aurora_staging_class]
    aurora_keys = {c.class_: c.price_key for c in aurora}
    aurora_iopt_keys = {c.class_: c.io_optimized_price_key for c in aurora}
    # MemoryDB and RDS share class names (db.t4g.small): each kind reads its own table.
    memorydb_keys = {c.class_: c.price_key for c in parts.catalog.streaming.memorydb.node_classes}
    plans = {s.name: s for s in parts.data.stores}

    def key_of(size: StoreSize) -> str | None:
        plan = plans[size.name]
        if plan.kind == "aurora":
            table = aurora_iopt_keys if plan.io_optimized else aurora_keys
            return table.get(size.instance_class or "", keys[size.name])
        if plan.kind == "memorydb":
            return memorydb_keys.get(size.instance_class or "", keys[size.name])
        return class_keys.get(size.instance_class or "", keys[size.name])

    return Sizes(
        name=env.name,
        replicas_min={s.name: s.min_replicas for s in env.services},
        replicas_max={s.name: s.max_replicas for s in env.services},
        replica_size={s.name: (s.vcpu, s.memory_mb) for s in env.services},
        node_type=env.node_type,
        node_min=env.node_min,
        azs=env.availability_zones,
        nat_gateways=env.nat_gateways,
        stores={
            s.name: (
                s.instance_class,
                s.nodes,
                s.read_replicas,
                key_of(s),
            )
            for s in env.stores
        },
        recovery_region=env.cross_region_recovery,
        store_sizes={s.name: s for s in env.stores},
        queues={q.name: q for q in env.queues},
        standby=env.standby,
    )


def _growth(constraints: Constraints) -> list[tuple[int, float, float]]:
    """(month, average requests/s, scale) from today to the growth target, geometric."""
    traffic = constraints.traffic
    today = traffic.average_rps.value
    months = traffic.growth_months
    if not months or today <= 0:
        return [(0, today, 1.0)]
    target = traffic.growth_average_rps.value / today
    steps = sorted({round(months * i / GROWTH_STEPS) for i in range(GROWTH_STEPS + 1)})
    return [(m, today * target ** (m / months), target ** (m / months)) for m in steps]


def bill_of_materials(parts: BillInputs, sizes: Sizes, scale: float) -> list[Usage]:
    """Everything ``sizes`` runs a month at ``scale`` × today's average traffic."""
    rps = parts.constraints.traffic.average_rps.value * scale
    usages = [
        *compute_lines(parts, sizes, scale),
        *edge_lines(parts, rps),
        *network_lines(parts, sizes, rps, scale),
        *store_lines(parts, sizes, scale),
        *queue_lines(parts, sizes, scale),
        *observability_lines(parts, rps),
        *security_lines(parts),
        *audit_lines(parts, rps),
    ]
    if sizes.recovery_region:
        usages.extend(recovery_region_lines(parts, sizes, usages, scale))
    return usages


def _spot_worker_levers(parts: BillInputs, environments: Sequence[EnvironmentCost]) -> list[Lever]:
    """Queue workers on a Spot node group: their share of prod's node cost, at Spot."""
    pool = parts.compute.node_pool
    workers = [p for p in parts.compute.services if p.type is ServiceType.WORKER]
    if pool is None or not workers:
        return []
    prod = named(environments, "prod", "priced environment", where="the cost model")
    nodes = [
        ln for ln in prod.lines if ln.category == "compute" and ln.price_key.startswith("ec2_")
    ]
    node_cost = sum(ln.monthly_usd.value for ln in nodes)
    running = [p for p in parts.compute.services if p.type is not ServiceType.CRON]
    total_vcpu = sum(p.vcpu * p.min_replicas for p in running)
    worker_vcpu = sum(p.vcpu * p.min_replicas for p in workers)
    discount = (
        parts.catalog.price_catalog.items[nodes[0].price_key].spot_discount if nodes else None
    )
    if not nodes or total_vcpu <= 0 or discount is None:
        return []
    share = worker_vcpu / total_vcpu
    return [
        Lever(
            id="spot-workers",
            environment="prod",
            component=nodes[0].component,
            action="run the queue workers ("
            + ", ".join(p.name for p in workers)
            + ") on a Spot node group",
            saving_usd=figure(
                node_cost * share * discount,
                "USD/month",
                "{node_cost} × {worker_share} × {spot_discount}",
                node_cost=node_cost,
                worker_share=share,
                spot_discount=discount,
            ),
            reliability="a reclaimed node delays queue work by a pod restart; the queue keeps "
            "the messages (two minutes' notice)",
        )
    ]


def _usage_assumptions(parts: BillInputs) -> list[str]:
    """The bill's usage figures the spec left to defaults, each with the field that
    states it (and what was stated, where it was)."""
    u = parts.usage
    spec = parts.req.observability
    out: list[str] = []
    defaulted = [
        s.name
        for s in parts.req.system.services
        if s.type.serves_requests and s.response_bytes is None
    ]
    for kind in ("web", "api"):
        names = [n for n in defaulted if parts.req.service(n).type.value == kind]
        if names:
            out.append(
                f"{number(u.response_bytes[kind])} bytes a response from {', '.join(names)} "
                f"(the {kind} default; set system.services[*].response_bytes)"
            )
    if spec.log_bytes_per_request is None:
        out.append(
            f"{number(u.log_bytes_per_request)} bytes of logs a request (set "
            "observability.log_bytes_per_request)"
        )
    if spec.log_sample_rate == 1:
        out.append("every request's logs are kept (set observability.log_sample_rate)")
    out.append(
        f"a call between services carries {number(u.request_bytes)} bytes of request and the "
        "callee's response"
    )
    if parts.req.system.queues:
        out.append(f"{number(u.message_bytes)} bytes a message on queues, topics and streams")
    if any(q.engine is QueueEngine.KAFKA for q in parts.req.system.queues):
        kafka = parts.catalog.streaming.kafka
        out.append(
            f"Kafka keeps {kafka.retention_hours:g} h of messages (set the topic's retention "
            "and resize the broker storage)"
        )
    if any(q.engine is QueueEngine.RABBITMQ for q in parts.req.system.queues):
        out.append(
            f"RabbitMQ holds {parts.catalog.streaming.rabbitmq.backlog_hours:g} h of backlog "
            "on disk"
        )
    audit = parts.security.audit
    if audit is not None:
        events = f"{number(u.management_events_per_month)} CloudTrail management events"
        figures = [
            (audit.trail or audit.guardduty, events),
            (
                audit.guardduty,
                (
                    f"{number(u.guardduty_log_bytes_per_request)} bytes of flow and DNS logs "
                    "a request for GuardDuty"
                ),
            ),
            (
                bool(audit.security_hub_standards),
                f"{number(u.security_hub_checks_per_standard)} Security Hub checks per standard",
            ),
            (audit.config_recorder, f"{number(u.config_items_per_month)} AWS Config items"),
        ]
        out.append(
            "audit, per environment account a month: "
            + "; ".join(text for used, text in figures if used)
        )
    return out


def _assumptions(parts: BillInputs, covered: bool, floor: str) -> list[str]:
    u = parts.usage
    out = [
        *_usage_assumptions(parts),
        f"{number(u.nat_bytes_per_request)} bytes per request leave through NAT",
        f"staging carries {u.staging_traffic_share:.0%} of prod's average traffic",
        (
            "compute follows the average load (the autoscaler adds replicas above the minimum and "
            "removes them after); peaks add little to the monthly bill"
        ),
        "stored data grows in proportion to traffic along the growth curve",
        f"a {number(u.cron_run_minutes)}-minute run for each scheduled job",
        "free tiers are not deducted, except the first 100 GB of data transfer out",
    ]
    if not covered:
        out.insert(
            0,
            f"{parts.req.cloud.region} is not in the price catalog: priced at {floor} list "
            "prices, the lowest of any region, so the figures are a lower bound",
        )
    return out
