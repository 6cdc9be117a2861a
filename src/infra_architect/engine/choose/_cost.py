"""The design's bill of materials: what each environment runs and uses a month.

Quantities come from the design (node pool, replicas, store sizes, gateways, endpoints)
and the spec's traffic (requests, bytes, logs, messages, storage); what the spec cannot
say is a usage assumption from the catalog, printed with the estimate. The cost package
prices them. Prod is built at any traffic scale, so the growth curve is the same
arithmetic at each month's traffic; staging is built from its sizing at its own traffic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from infra_architect._figures import Figure, figure, number
from infra_architect.catalog import Catalog, UsageAssumptions
from infra_architect.cost import (
    Category,
    Commitment,
    CostModel,
    EnvironmentCost,
    Lever,
    Usage,
    build_cost_model,
)
from infra_architect.engine._data_sizing import (
    aurora_monthly_ios,
    stored_gb,
    tier_shares,
)
from infra_architect.engine._design_model import (
    ComputeDesign,
    DataDesign,
    EnvironmentSizing,
    NetworkDesign,
    ObservabilityDesign,
    QueuePlan,
    QueueSize,
    SecurityDesign,
    ServicePlan,
    StandbySizing,
    StorePlan,
    StoreSize,
)
from infra_architect.engine._model import Constraints, ServiceCapacity
from infra_architect.spec import QueueEngine, Requirements, ServiceType
from infra_architect.spec._semantic import cron_runs_per_month

SECONDS_PER_MONTH = 2_628_000  # 730 h
GB = 1e9
SNS_CHUNK_BYTES = 65_536
"""SNS bills a publish per 64 KB chunk of its payload."""
KINESIS_RECORD_BYTES = 1024
"""Kinesis on-demand bills data in records rounded up to 1 KB."""
GROWTH_STEPS = 4
"""The growth curve is priced at today, each quarter of the way, and the target."""


@dataclass(frozen=True)
class Sizes:
    """What one environment runs (prod: the design; staging: its sizing)."""

    name: str
    replicas_min: dict[str, int]
    replicas_max: dict[str, int]
    replica_size: dict[str, tuple[float, int]]  # vCPU, memory MiB of one replica
    node_type: str | None
    node_min: int | None
    azs: int
    nat_gateways: int
    stores: dict[str, tuple[str | None, int, int, str | None]]  # class, nodes, replicas, key
    recovery_region: bool
    store_sizes: dict[str, StoreSize] = field(default_factory=dict)
    queues: dict[str, QueueSize] = field(default_factory=dict)
    standby: StandbySizing | None = None


@dataclass(frozen=True)
class Parts:
    req: Requirements
    constraints: Constraints
    catalog: Catalog
    compute: ComputeDesign
    network: NetworkDesign
    data: DataDesign
    observability: ObservabilityDesign
    security: SecurityDesign

    @property
    def usage(self) -> UsageAssumptions:
        return self.catalog.design.usage

    @property
    def azs(self) -> int:
        return self.constraints.topology.availability_zones.whole

    def capacity(self, name: str) -> ServiceCapacity:
        return next(s for s in self.constraints.services if s.name == name)


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
    parts = Parts(req, constraints, catalog, compute, network, data, observability, security)
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


def environment_sizes(parts: Parts, env: EnvironmentSizing) -> Sizes:
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


# --- the bill of materials -----------------------------------------------------------


def bill_of_materials(parts: Parts, sizes: Sizes, scale: float) -> list[Usage]:
    """Everything ``sizes`` runs a month at ``scale`` × today's average traffic."""
    rps = parts.constraints.traffic.average_rps.value * scale
    usages = [
        *_compute(parts, sizes, scale),
        *_edge(parts, rps),
        *_network(parts, sizes, rps, scale),
        *_stores(parts, sizes, scale),
        *_queues(parts, sizes, scale),
        *_observability(parts, rps),
        *_security(parts),
        *_audit(parts, rps),
    ]
    if sizes.recovery_region:
        usages.extend(_recovery_region(parts, sizes, usages, scale))
    return usages


def _hours(count: float, what: str) -> Figure:
    return figure(
        count * 730,
        "hours/month",
        "{%s} × {hours_per_month}" % what,  # noqa: UP031  (braces are the template)
        **{what: count, "hours_per_month": 730.0},
    )


def _replicas_at(parts: Parts, sizes: Sizes, plan: ServicePlan, scale: float) -> int:
    """Replicas running at the month's average load: the autoscaler follows load, never
    below the environment's minimum nor above its maximum."""
    low = sizes.replicas_min[plan.name]
    capacity = parts.capacity(plan.name)
    per_replica = capacity.load_per_replica.value
    if per_replica <= 0:
        return low
    needed = math.ceil(round(capacity.average_load.value * scale / per_replica, 6))
    return min(max(low, needed), max(low, sizes.replicas_max[plan.name]))


def _compute(parts: Parts, sizes: Sizes, scale: float) -> list[Usage]:
    running = [p for p in parts.compute.services if p.type is not ServiceType.CRON]
    replicas = {p.name: _replicas_at(parts, sizes, p, scale) for p in running}
    pool = parts.compute.node_pool
    if pool is not None and sizes.node_min is not None:
        return _nodes(parts, sizes, running, replicas)
    if parts.compute.platform == "lambda":
        return _lambda(parts, scale)
    return _fargate(parts, sizes, running, replicas)


def _nodes(
    parts: Parts, sizes: Sizes, running: list[ServicePlan], replicas: dict[str, int]
) -> list[Usage]:
    design = parts.catalog.design
    assert sizes.node_min is not None  # noqa: S101  (checked by the caller)
    # The environment's own shape: staging runs smaller nodes than prod.
    pool = next(
        n for n in [*design.staging_node_types, *design.node_types] if n.name == sizes.node_type
    )
    packing = design.node_packing
    vcpu = sum(sizes.replica_size[p.name][0] * replicas[p.name] for p in running)
    memory = sum(sizes.replica_size[p.name][1] / 1024 * replicas[p.name] for p in running)
    needed = math.ceil(
        round(max(vcpu / (pool.vcpu * packing), memory / (pool.memory_gib * packing)), 6)
    )
    above = max(0, needed - sizes.node_min)
    key = pool.price_key
    out = [
        Usage(
            component="EKS control plane",
            category="control-plane",
            price_key="eks_cluster_hour",
            quantity=_hours(1.0, "clusters"),
            commitment="steady",
            traffic_scaled=False,
            note="one cluster per environment",
        ),
        Usage(
            component=f"EKS nodes ({pool.name}), baseline",
            category="compute",
            price_key=key,
            quantity=_hours(float(sizes.node_min), "nodes"),
            commitment="steady",
            traffic_scaled=False,
            note=f"the minimum the node group keeps ({sizes.node_min}: spread over "
            f"{sizes.azs} AZs)",
        ),
    ]
    if above:
        out.append(
            Usage(
                component=f"EKS nodes ({pool.name}), autoscaled",
                category="compute",
                price_key=key,
                quantity=_hours(float(above), "nodes"),
                commitment="variable",
                traffic_scaled=True,
                note=f"{needed} nodes carry the average load ({number(round(vcpu, 2))} vCPU, "
                f"{number(round(memory, 2))} GiB at {packing:.0%} packing); "
                f"{above} above the baseline",
            )
        )
    nodes = sizes.node_min + above
    out.append(
        Usage(
            component="EKS node volumes (gp3)",
            category="storage",
            price_key="ebs_gp3_gb_month",
            quantity=figure(
                nodes * parts.usage.node_volume_gb,
                "GB-month",
                "{nodes} × {gb_per_node}",
                nodes=float(nodes),
                gb_per_node=parts.usage.node_volume_gb,
            ),
            commitment="usage",
            traffic_scaled=True,
            note="root volume of each node",
        )
    )
    return out


def _fargate(
    parts: Parts, sizes: Sizes, running: list[ServicePlan], replicas: dict[str, int]
) -> list[Usage]:
    out: list[Usage] = []
    serving = [p for p in running if p.type is not ServiceType.WORKER]
    workers = [p for p in running if p.type is ServiceType.WORKER]
    groups: list[tuple[str, Commitment, list[ServicePlan], dict[str, int]]] = [
        ("baseline", "steady", serving, {p.name: sizes.replicas_min[p.name] for p in serving}),
        (
            "autoscaled",
            "variable",
            serving,
            {p.name: replicas[p.name] - sizes.replicas_min[p.name] for p in serving},
        ),
        ("workers", "interruptible", workers, {p.name: replicas[p.name] for p in workers}),
    ]
    size = sizes.replica_size
    for label, commitment, plans, tasks in groups:
        vcpu = sum(size[p.name][0] * tasks[p.name] for p in plans)
        memory = sum(size[p.name][1] / 1024 * tasks[p.name] for p in plans)
        if vcpu > 0:
            note = f"{sum(tasks.values())} tasks"
            out.extend(_fargate_pair(f"Fargate, {label}", commitment, vcpu, memory, note))
    for plan in parts.compute.services:
        if plan.type is ServiceType.CRON and plan.schedule:
            out.extend(_cron_runs(parts, plan, size[plan.name]))
    return out


def _cron_runs(parts: Parts, plan: ServicePlan, size: tuple[float, int]) -> list[Usage]:
    """A scheduled job on Fargate: billed for each run's minutes at the environment's size."""
    runs = cron_runs_per_month(plan.schedule or "")
    hours = parts.usage.cron_run_minutes / 60
    note = f"{plan.schedule}: {number(round(runs, 2))} runs a month"
    return [
        Usage(
            component=f"Fargate, {plan.name} runs ({resource})",
            category="compute",
            price_key=key,
            quantity=figure(
                runs * hours * size,
                unit,
                "{runs} × {hours_per_run} × {%s}" % per,  # noqa: UP031  (braces are the template)
                **{"runs": runs, "hours_per_run": hours, per: size},
            ),
            commitment="usage",
            traffic_scaled=False,
            workload=plan.name,
            note=note,
        )
        for resource, key, unit, per, size in (
            ("vCPU", "fargate_vcpu_hour", "vCPU-hours", "vcpu", size[0]),
            ("memory", "fargate_gb_hour", "GB-hours", "memory_gb", size[1] / 1024),
        )
    ]


def _fargate_pair(
    label: str, commitment: Commitment, vcpu: float, memory: float, note: str
) -> list[Usage]:
    return [
        Usage(
            component=f"{label} (vCPU)",
            category="compute",
            price_key="fargate_vcpu_hour",
            quantity=_hours(vcpu, "vcpu"),
            commitment=commitment,
            traffic_scaled=commitment != "steady",
            note=note,
        ),
        Usage(
            component=f"{label} (memory)",
            category="compute",
            price_key="fargate_gb_hour",
            quantity=_hours(memory, "memory_gb"),
            commitment=commitment,
            traffic_scaled=commitment != "steady",
            note=note,
        ),
    ]


def _lambda(parts: Parts, scale: float) -> list[Usage]:
    out: list[Usage] = []
    for plan in parts.compute.services:
        capacity = parts.capacity(plan.name)
        requests = capacity.average_load.value * scale * SECONDS_PER_MONTH
        seconds = capacity.cpu_ms_per_request.value / 1000
        out.append(
            Usage(
                component=f"Lambda {plan.name} (duration)",
                category="compute",
                price_key="lambda_gb_second",
                quantity=figure(
                    requests * seconds * plan.memory_mb / 1024,
                    "GB-seconds",
                    "{requests} × {seconds} × {memory_gb}",
                    requests=requests,
                    seconds=seconds,
                    memory_gb=plan.memory_mb / 1024,
                ),
                commitment="usage",
                traffic_scaled=True,
                workload=plan.name,
            )
        )
        out.append(
            _per_million(
                f"Lambda {plan.name} (requests)", "compute", "lambda_million_requests", requests
            )
        )
    return out


def _per_million(
    component: str, category: Category, key: str, count: float, note: str = ""
) -> Usage:
    return Usage(
        component=component,
        category=category,
        price_key=key,
        quantity=figure(count / 1e6, "million", "{count} / 1,000,000", count=count),
        commitment="usage",
        traffic_scaled=True,
        note=note,
    )


def _gigabytes(rps: float, bytes_per: float, what: str) -> Figure:
    return figure(
        rps * bytes_per * SECONDS_PER_MONTH / GB,
        "GB",
        "{requests_per_second} × {%s} × {seconds_per_month} / 1e9" % what,  # noqa: UP031
        **{"requests_per_second": rps, what: bytes_per, "seconds_per_month": SECONDS_PER_MONTH},
    )


def _edge(parts: Parts, rps: float) -> list[Usage]:
    usage = parts.usage
    out: list[Usage] = []
    if parts.network.load_balancer == "alb":
        out.append(
            Usage(
                component="Application Load Balancer",
                category="network",
                price_key="alb_hour",
                quantity=_hours(1.0, "load_balancers"),
                commitment="usage",
                traffic_scaled=False,
            )
        )
        out.append(
            Usage(
                component="ALB capacity units",
                category="network",
                price_key="alb_lcu_hour",
                quantity=figure(
                    rps / usage.requests_per_lcu_second * 730,
                    "LCU-hours",
                    "{requests_per_second} / {requests_per_lcu} × {hours_per_month}",
                    requests_per_second=rps,
                    requests_per_lcu=usage.requests_per_lcu_second,
                    hours_per_month=730.0,
                ),
                commitment="usage",
                traffic_scaled=True,
                note="new connections dominate short HTTPS requests",
            )
        )
    elif parts.network.load_balancer == "nlb":
        out.append(
            Usage(
                component="Network Load Balancer",
                category="network",
                price_key="nlb_hour",
                quantity=_hours(1.0, "load_balancers"),
                commitment="usage",
                traffic_scaled=False,
            )
        )
    elif parts.network.load_balancer == "api-gateway":
        out.append(
            _per_million(
                "API Gateway requests",
                "network",
                "api_gateway_http_million_requests",
                rps * SECONDS_PER_MONTH,
            )
        )
    if parts.network.waf:
        out.append(
            Usage(
                component="AWS WAF web ACL",
                category="security",
                price_key="waf_web_acl_month",
                quantity=figure(1.0, "web ACLs", "{web_acls}", web_acls=1.0),
                commitment="usage",
                traffic_scaled=False,
            )
        )
        out.append(
            Usage(
                component="AWS WAF managed rule groups",
                category="security",
                price_key="waf_rule_month",
                quantity=figure(
                    float(usage.waf_rule_groups),
                    "rule groups",
                    "{rule_groups}",
                    rule_groups=float(usage.waf_rule_groups),
                ),
                commitment="usage",
                traffic_scaled=False,
            )
        )
        out.append(
            _per_million(
                "AWS WAF requests",
                "security",
                "waf_million_requests",
                rps * SECONDS_PER_MONTH,
                "every request inspected",
            )
        )
    if parts.network.load_balancer_scheme == "internet-facing":
        out.extend(_transfer_out(parts, rps))
    return out


def response_bytes(parts: Parts, name: str) -> float:
    """Bytes of one response of service ``name``: the spec's, else its type's default."""
    stated = parts.req.service(name).response_bytes
    if stated is not None:
        return stated
    return parts.usage.response_bytes.get(parts.req.service(name).type.value, 0.0)


def _entry_share(parts: Parts, name: str) -> float:
    """Share of the system's requests that enter at ``name`` (from the internet or the
    network's edge), as the traffic model spread them (its load factor's entry term)."""
    return parts.capacity(name).load_factor.inputs.get("entry_share", 0.0)


def _serving(parts: Parts) -> list[ServiceCapacity]:
    return [c for c in parts.constraints.services if c.load_unit == "requests/s"]


def _egress_bytes(parts: Parts) -> float:
    """Bytes a system request sends back to the internet: each entry service's response,
    weighted by its share of the incoming requests."""
    return sum(_entry_share(parts, c.name) * response_bytes(parts, c.name) for c in _serving(parts))


def _transfer_out(parts: Parts, rps: float) -> list[Usage]:
    """Data transfer out to the internet, one line per volume tier it reaches (the first
    100 GB a month are free and come off the first tier)."""
    usage = parts.usage
    per_request = _egress_bytes(parts)
    gb = _gigabytes(rps, per_request, "response_bytes")
    free = usage.free_data_transfer_out_gb
    out: list[Usage] = []
    for key, above, end in parts.catalog.price_catalog.tiers("data_transfer_out"):
        if above > 0 and gb.value <= above:
            break
        top = gb.value if end is None else min(gb.value, end)
        if above == 0:
            quantity = figure(
                max(0.0, top - free),
                "GB",
                "max(0, min({gb}, {tier_end_gb}) - {free_gb})",
                gb=gb.value,
                tier_end_gb=end if end is not None else gb.value,
                free_gb=free,
            )
            component = "Data transfer out to the internet"
            note = (
                f"{number(per_request)} bytes a response (services' response_bytes by their "
                f"share of requests); {gb.worked} GB a month in all, the first "
                f"{number(free)} GB free"
            )
        else:
            quantity = figure(
                top - above,
                "GB",
                "min({gb}, {tier_end_gb}) - {tier_start_gb}",
                gb=gb.value,
                tier_end_gb=end if end is not None else gb.value,
                tier_start_gb=above,
            )
            component = f"Data transfer out to the internet, {_tier_name(above, end)}"
            note = "the month's volume above the lower tiers, at this tier's price"
        out.append(
            Usage(
                component=component,
                category="network",
                price_key=key,
                quantity=quantity,
                commitment="usage",
                traffic_scaled=True,
                note=note,
            )
        )
    return out


def _tier_name(above: float, end: float | None) -> str:
    tb = 1024  # the Price List counts tiers in GB, 1,024 to a TB
    if end is None:
        return f"above {number(above / tb)} TB"
    return f"{number(above / tb)}-{number(end / tb)} TB"


def _network(parts: Parts, sizes: Sizes, rps: float, scale: float) -> list[Usage]:
    usage = parts.usage
    out = [
        Usage(
            component="NAT gateways",
            category="network",
            price_key="nat_gateway_hour",
            quantity=_hours(float(sizes.nat_gateways), "gateways"),
            commitment="usage",
            traffic_scaled=False,
            note="one per AZ" if sizes.nat_gateways > 1 else "one shared",
        ),
        Usage(
            component="NAT data processed",
            category="network",
            price_key="nat_gateway_gb",
            quantity=_gigabytes(rps, usage.nat_bytes_per_request, "nat_bytes"),
            commitment="usage",
            traffic_scaled=True,
            note="third-party calls and AWS APIs without an endpoint",
        ),
    ]
    endpoints = len(parts.network.interface_endpoints)
    if endpoints:
        out.append(
            Usage(
                component="VPC interface endpoints",
                category="network",
                price_key="vpc_interface_endpoint_hour",
                quantity=figure(
                    endpoints * sizes.azs * 730.0,
                    "endpoint-AZ-hours",
                    "{endpoints} × {azs} × {hours_per_month}",
                    endpoints=float(endpoints),
                    azs=float(sizes.azs),
                    hours_per_month=730.0,
                ),
                commitment="usage",
                traffic_scaled=False,
                note=", ".join(parts.network.interface_endpoints),
            )
        )
    internal = _internal_calls(parts) * scale
    call_bytes = _internal_call_bytes(parts)
    if sizes.azs > 1 and internal > 0:
        crossing = (sizes.azs - 1) / sizes.azs
        out.append(
            Usage(
                component="Cross-AZ traffic between services",
                category="network",
                price_key="data_transfer_inter_az_gb",
                quantity=figure(
                    internal * call_bytes * SECONDS_PER_MONTH / GB * crossing * 2,
                    "GB",
                    "{calls_per_second} × {call_bytes} × {seconds_per_month} / 1e9 × "
                    "{share_crossing} × {directions}",
                    calls_per_second=internal,
                    call_bytes=call_bytes,
                    seconds_per_month=SECONDS_PER_MONTH,
                    share_crossing=crossing,
                    directions=2.0,
                ),
                commitment="usage",
                traffic_scaled=True,
                note=f"a call carries {number(usage.request_bytes)} bytes of request and the "
                "callee's response_bytes; calls land in another AZ (AZs - 1) / AZs of the "
                "time; billed both ways",
            )
        )
    return out


def _internal_load(parts: Parts, capacity: ServiceCapacity) -> float:
    """Requests/s ``capacity``'s service receives from other services."""
    entry = _entry_share(parts, capacity.name) * parts.constraints.traffic.average_rps.value
    return max(0.0, capacity.average_load.value - entry)


def _internal_calls(parts: Parts) -> float:
    """Requests/s services receive from other services (not from the internet)."""
    return sum(_internal_load(parts, c) for c in _serving(parts))


def _internal_call_bytes(parts: Parts) -> float:
    """Bytes of an average call between services: the request plus the callee's
    response, weighted by the calls each callee receives."""
    calls = _internal_calls(parts)
    if calls <= 0:
        return parts.usage.request_bytes
    weighted = sum(
        _internal_load(parts, c) * response_bytes(parts, c.name) for c in _serving(parts)
    )
    return parts.usage.request_bytes + weighted / calls


def stored_at(parts: Parts, plan: StorePlan, scale: float) -> float:
    """GB a store holds at ``scale`` × today's traffic: along the growth curve (scale
    above 1) today's data plus the writes since, month by month (data_sizing's
    forecast); today and staging (scale at most 1) hold today's data × scale."""
    storage = plan.storage
    if storage is None or scale <= 1 or storage.monthly_growth <= 1:
        return plan.storage_gb * scale
    months = math.log(scale) / math.log(storage.monthly_growth)
    return stored_gb(
        plan.storage_gb,
        storage.written_gb_per_month.value,
        storage.monthly_growth,
        months,
        storage.retention_days,
    )


def _stores(parts: Parts, sizes: Sizes, scale: float) -> list[Usage]:
    out: list[Usage] = []
    for plan in parts.data.stores:
        instance_class, nodes, replicas, key = sizes.stores[plan.name]
        gb = stored_at(parts, plan, scale)
        if plan.kind == "rds":
            copies = nodes + replicas
            size = sizes.store_sizes.get(plan.name)
            allocated = size.allocated_gb if size is not None else None
            out.append(
                _instances(
                    f"{plan.name} ({instance_class})",
                    "database",
                    key,
                    copies,
                    plan.name,
                    f"{nodes} instance(s)"
                    + (f" + {replicas} read replica(s)" if replicas else "")
                    + (", Multi-AZ" if nodes > 1 else ""),
                )
            )
            out.append(
                _storage(
                    f"{plan.name} storage (gp3)",
                    "database",
                    "rds_gp3_gb_month",
                    max(gb, float(allocated or 0)),
                    copies,
                    plan.name,
                    "the allocation, or the data once storage autoscaling passes it"
                    if allocated
                    else "",
                )
            )
            out.extend(_gp3_provisioned(parts, plan, size, copies))
        elif plan.kind == "aurora":
            out.extend(_aurora(parts, plan, instance_class, nodes + replicas, key, gb, scale))
        elif plan.kind == "memorydb":
            out.extend(_memorydb(parts, plan.name, instance_class, key, nodes, scale))
        elif plan.kind == "elasticache":
            out.append(
                _instances(
                    f"{plan.name} ({instance_class})",
                    "cache",
                    key,
                    nodes,
                    plan.name,
                    f"{nodes} node(s)",
                )
            )
        elif plan.kind == "opensearch":
            out.append(
                _instances(
                    f"{plan.name} ({instance_class})",
                    "search",
                    key,
                    nodes,
                    plan.name,
                    f"{nodes} data node(s)",
                )
            )
            # every data node's volume, or the data's copies once they outgrow it
            size = sizes.store_sizes.get(plan.name)
            volume = size.volume_gb_per_node if size is not None else None
            copies = parts.catalog.design.data_sizing.opensearch_copies
            out.append(
                _storage(
                    f"{plan.name} storage (gp3)",
                    "search",
                    "opensearch_gp3_gb_month",
                    max(gb * copies / nodes, float(volume or 0)),
                    nodes,
                    plan.name,
                    "each data node's volume; the primary and replica shards spread over them",
                )
            )
        elif plan.kind == "s3":
            out.extend(_s3(parts, plan, gb, scale))
        elif plan.kind == "dynamodb":
            out.append(
                _storage(
                    f"{plan.name} (DynamoDB)",
                    "database",
                    "dynamodb_storage_gb_month",
                    max(0.0, gb - 25),
                    1,
                    plan.name,
                    "first 25 GB free; requests extra",
                )
            )
    return out


def _gp3_provisioned(
    parts: Parts, plan: StorePlan, size: StoreSize | None, copies: int
) -> list[Usage]:
    """gp3 IOPS and throughput provisioned beyond the baseline, on every copy's volume."""
    storage = plan.storage
    if size is None or storage is None or size.iops is None:
        return []
    out: list[Usage] = []
    gp3 = parts.catalog.design.data_sizing.gp3
    extra = [
        ("IOPS", size.iops - gp3.large_iops, "rds_gp3_iops_month", "IOPS-month"),
        (
            "throughput",
            (size.storage_throughput or gp3.large_mibps) - gp3.large_mibps,
            "rds_gp3_mibps_month",
            "MiBps-month",
        ),
    ]
    for what, above, key, unit in extra:
        if above <= 0:
            continue
        out.append(
            Usage(
                component=f"{plan.name} gp3 {what} above the baseline",
                category="database",
                price_key=key,
                quantity=figure(
                    above * copies,
                    unit,
                    "{above_baseline} × {copies}",
                    above_baseline=float(above),
                    copies=float(copies),
                ),
                commitment="steady",
                traffic_scaled=False,
                workload=plan.name,
                note=f"{what} the growth peak needs past the {gp3.large_iops:,} IOPS / "
                f"{gp3.large_mibps} MiB/s baseline of a {gp3.large_from_gb} GB volume",
            )
        )
    return out


def _aurora(  # noqa: PLR0917  (one store's lines of the bill)
    parts: Parts,
    plan: StorePlan,
    instance_class: str | None,
    instances: int,
    key: str | None,
    gb: float,
    scale: float,
) -> list[Usage]:
    """An Aurora cluster: its instances, its cluster volume (billed once, whatever the
    instances) and, on Standard storage, its I/O requests."""
    out = [
        _instances(
            f"{plan.name} (Aurora {instance_class})",
            "database",
            key,
            instances,
            plan.name,
            f"a writer + {instances - 1} reader(s)"
            + (", I/O-Optimized" if plan.io_optimized else ""),
        ),
        _storage(
            f"{plan.name} Aurora storage" + (" (I/O-Optimized)" if plan.io_optimized else ""),
            "database",
            "auroraiopt_storage_gb_month" if plan.io_optimized else "aurora_storage_gb_month",
            gb,
            1,
            plan.name,
            "one cluster volume (six copies in three AZs, billed once)",
        ),
    ]
    if not plan.io_optimized and plan.load is not None:
        sizing = parts.catalog.design.data_sizing
        ios = aurora_monthly_ios(plan.load, sizing) * scale / 1e6
        out.append(
            Usage(
                component=f"{plan.name} Aurora I/O",
                category="database",
                price_key="aurora_io_million",
                quantity=figure(
                    ios,
                    "million I/O requests",
                    "({average_reads_per_second} × {read_miss_ratio} + "
                    "{average_writes_per_second} × {ios_per_write}) × {seconds_per_month} × "
                    "{scale} / 1e6",
                    average_reads_per_second=plan.load.average_reads_per_second.value,
                    read_miss_ratio=sizing.read_miss_ratio,
                    average_writes_per_second=plan.load.average_writes_per_second.value,
                    ios_per_write=sizing.aurora_ios_per_write,
                    seconds_per_month=float(SECONDS_PER_MONTH),
                    scale=scale,
                ),
                commitment="usage",
                traffic_scaled=True,
                workload=plan.name,
                note="reads that miss the buffer cache and one log write per row written",
            )
        )
    return out


def _s3(parts: Parts, plan: StorePlan, gb: float, scale: float) -> list[Usage]:
    """A bucket's storage per class of its lifecycle, and the transition requests."""
    storage = plan.storage
    written = storage.written_gb_per_month.value * scale if storage is not None else 0.0
    object_bytes = storage.row_bytes if storage is not None else 0.0
    classes = parts.catalog.design.data_sizing.s3_classes
    out: list[Usage] = []
    for share in tier_shares(plan.lifecycle, gb, written, object_bytes):
        if share.storage_class == "STANDARD":
            key, title, days = "s3_standard_gb_month", "S3 Standard", ""
        else:
            entry = classes[share.storage_class]  # type: ignore[index]
            key, title = entry.storage_price_key, entry.title
            days = next(
                f"after {t.after_days} days"
                for t in plan.lifecycle
                if t.storage_class == share.storage_class
            )
        out.append(
            _storage(
                f"{plan.name} ({title})",
                "storage",
                key,
                share.gb,
                1,
                plan.name,
                f"objects {days}"
                if days
                else "objects younger than the first transition"
                if plan.lifecycle
                else "",
            )
        )
        if share.transitions > 0:
            entry = classes[share.storage_class]  # type: ignore[index]
            out.append(
                Usage(
                    component=f"{plan.name} transitions to {entry.title}",
                    category="storage",
                    price_key=entry.transition_price_key,
                    quantity=figure(
                        share.transitions / 1000,
                        "1,000 requests",
                        "{objects_written_per_month} / 1000",
                        objects_written_per_month=share.transitions,
                    ),
                    commitment="usage",
                    traffic_scaled=True,
                    workload=plan.name,
                    note="every object written moves once (S3 Lifecycle transition request)",
                )
            )
    return out


def _instances(  # noqa: PLR0917  (one line of the bill)
    component: str, category: Category, key: str | None, count: int, workload: str, note: str
) -> Usage:
    return Usage(
        component=component,
        category=category,
        price_key=key or "",
        quantity=_hours(float(count), "instances"),
        commitment="steady",
        traffic_scaled=False,
        workload=workload,
        note=note,
    )


def _storage(  # noqa: PLR0917  (one line of the bill)
    component: str,
    category: Category,
    key: str,
    gb: float,
    copies: int,
    workload: str,
    note: str = "",
) -> Usage:
    return Usage(
        component=component,
        category=category,
        price_key=key,
        quantity=figure(gb * copies, "GB-month", "{gb} × {copies}", gb=gb, copies=float(copies)),
        commitment="usage",
        traffic_scaled=True,
        workload=workload,
        note=note or "stored data grows with traffic",
    )


def _queues(parts: Parts, sizes: Sizes, scale: float) -> list[Usage]:
    """Every queue engine's bill: requests (SQS, SNS), brokers and their storage (MSK,
    Amazon MQ), streams and data (Kinesis on demand)."""
    out: list[Usage] = []
    engines = {q.name: q.engine for q in parts.req.system.queues}
    for queue in parts.data.queues:
        per_second = _queue_rate(parts, queue.name) * scale
        engine = engines[queue.name]
        if engine is QueueEngine.SQS:
            out.append(_sqs_requests(parts, queue.name, per_second))
        elif engine is QueueEngine.SNS:
            out.extend(_sns(parts, queue, per_second))
        elif engine is QueueEngine.KINESIS:
            out.extend(_kinesis(parts, sizes.queues[queue.name], queue, per_second))
        elif engine is QueueEngine.KAFKA:
            out.extend(_msk(parts, sizes.queues[queue.name], queue, per_second))
        elif engine is QueueEngine.RABBITMQ:
            out.extend(_amazon_mq(parts, sizes.queues[queue.name], queue.name, per_second))
    return out


def _sqs_requests(parts: Parts, name: str, per_second: float) -> Usage:
    calls = per_second * SECONDS_PER_MONTH * parts.usage.sqs_requests_per_message
    return _per_million(
        f"{name} (SQS requests)",
        "messaging",
        "sqs_million_requests",
        calls,
        f"{parts.usage.sqs_requests_per_message:g} API calls a message "
        "(the first million a month are free, not deducted)",
    )


def _sns(parts: Parts, queue: QueuePlan, per_second: float) -> list[Usage]:
    """A topic fanning out to one SQS queue per consumer: publishes (64 KB each) on the
    topic; receives and deletes on each queue (SNS's deliveries to SQS are free)."""
    usage = parts.usage
    chunks = math.ceil(usage.message_bytes / SNS_CHUNK_BYTES)
    consumers = max(1, len(queue.consumers))
    per_queue = usage.sns_subscriber_sqs_requests_per_message
    return [
        _per_million(
            f"{queue.name} (SNS publishes)",
            "messaging",
            "sns_million_publishes",
            per_second * SECONDS_PER_MONTH * chunks,
            "one publish per message (64 KB each); deliveries to SQS subscribers are free; "
            "the first million a month are free, not deducted",
        ),
        _per_million(
            f"{queue.name} (SQS requests of its {consumers} subscriber queue(s))",
            "messaging",
            "sqs_million_requests",
            per_second * SECONDS_PER_MONTH * per_queue * consumers,
            f"{per_queue:g} API calls a message on each subscriber queue (receive, delete)",
        ),
    ]


def _kinesis(parts: Parts, size: QueueSize, queue: QueuePlan, per_second: float) -> list[Usage]:
    """A stream as the design sizes it: on-demand (the stream's hours, the data written,
    each record rounded up to 1 KB, and the data each consumer reads) or provisioned
    (shard-hours and 25 KB PUT payload units)."""
    message_bytes = parts.usage.message_bytes
    consumers = max(1, len(queue.consumers))
    if size.mode == "provisioned":
        unit_bytes = parts.catalog.streaming.kinesis.put_unit_bytes
        units = math.ceil(message_bytes / unit_bytes)
        return [
            Usage(
                component=f"{queue.name} (Kinesis shards)",
                category="messaging",
                price_key="kinesis_shard_hour",
                quantity=_hours(float(size.partitions), "shards"),
                commitment="steady",
                traffic_scaled=False,
                workload=queue.name,
                note=f"{size.partitions} provisioned shard(s), "
                f"{parts.catalog.streaming.kinesis.retention_hours} h retention",
            ),
            _per_million(
                f"{queue.name} (Kinesis PUT payload units)",
                "messaging",
                "kinesis_million_put_units",
                per_second * SECONDS_PER_MONTH * units,
                f"{units} 25 KB unit(s) a {number(message_bytes)}-byte record",
            ),
        ]
    record = math.ceil(message_bytes / KINESIS_RECORD_BYTES) * KINESIS_RECORD_BYTES
    written = per_second * SECONDS_PER_MONTH * record / GB
    return [
        Usage(
            component=f"{queue.name} (Kinesis on-demand stream)",
            category="messaging",
            price_key="kinesis_on_demand_stream_hour",
            quantity=_hours(1.0, "streams"),
            commitment="usage",
            traffic_scaled=False,
            workload=queue.name,
            note="ON_DEMAND capacity mode, "
            f"{parts.catalog.streaming.kinesis.retention_hours} h retention",
        ),
        Usage(
            component=f"{queue.name} (Kinesis data written)",
            category="messaging",
            price_key="kinesis_on_demand_ingest_gb",
            quantity=figure(
                written,
                "GB",
                "{messages_per_second} × {record_bytes} × {seconds_per_month} / 1e9",
                messages_per_second=per_second,
                record_bytes=float(record),
                seconds_per_month=SECONDS_PER_MONTH,
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=queue.name,
            note=f"{number(message_bytes)}-byte messages, billed in 1 KB records",
        ),
        Usage(
            component=f"{queue.name} (Kinesis data read)",
            category="messaging",
            price_key="kinesis_on_demand_retrieval_gb",
            quantity=figure(
                written * consumers,
                "GB",
                "{gb_written} × {consumers}",
                gb_written=written,
                consumers=float(consumers),
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=queue.name,
            note="every consumer reads every record (shared throughput)",
        ),
    ]


def _msk(parts: Parts, size: QueueSize, queue: QueuePlan, per_second: float) -> list[Usage]:
    """An MSK cluster as the design sizes it: provisioned (brokers × class hours and the
    storage provisioned on every broker) or Serverless (cluster and partition hours, the
    data written and read, the data retained)."""
    kafka = parts.catalog.streaming.kafka
    name = queue.name
    message_bytes = parts.usage.message_bytes
    if size.mode == "serverless":
        written = per_second * message_bytes * SECONDS_PER_MONTH / GB
        retained = per_second * message_bytes * kafka.retention_hours * 3600 / GB
        readers = max(1, len(queue.consumers))
        return [
            Usage(
                component=f"{name} (MSK Serverless cluster)",
                category="messaging",
                price_key="msk_serverless_cluster_hour",
                quantity=_hours(1.0, "clusters"),
                commitment="steady",
                traffic_scaled=False,
                workload=name,
                note="no brokers to size: capacity is AWS's",
            ),
            Usage(
                component=f"{name} (MSK Serverless partitions)",
                category="messaging",
                price_key="msk_serverless_partition_hour",
                quantity=_hours(float(size.partitions), "partitions"),
                commitment="steady",
                traffic_scaled=False,
                workload=name,
                note=f"{size.partitions} partitions (at least the consumers' replicas)",
            ),
            _gigabytes_line(
                f"{name} (MSK Serverless data in)",
                "msk_serverless_ingress_gb",
                written,
                per_second,
                message_bytes,
                name,
            ),
            Usage(
                component=f"{name} (MSK Serverless data out)",
                category="messaging",
                price_key="msk_serverless_egress_gb",
                quantity=figure(
                    written * readers,
                    "GB",
                    "{gb_written} × {consumer_groups}",
                    gb_written=written,
                    consumer_groups=float(readers),
                ),
                commitment="usage",
                traffic_scaled=True,
                workload=name,
                note="every consumer group reads every message",
            ),
            Usage(
                component=f"{name} (MSK Serverless storage)",
                category="messaging",
                price_key="msk_serverless_storage_gb_month",
                quantity=figure(
                    retained,
                    "GB-month",
                    "{messages_per_second} × {message_bytes} × {retention_hours} × 3600 / 1e9",
                    messages_per_second=per_second,
                    message_bytes=message_bytes,
                    retention_hours=kafka.retention_hours,
                ),
                commitment="usage",
                traffic_scaled=True,
                workload=name,
                note="the retention period's messages",
            ),
        ]
    key = _broker_key(parts, "kafka", size.instance_class)
    return [
        _brokers(
            f"{name} (MSK brokers, {size.instance_class})",
            key,
            size.brokers,
            name,
            f"{size.brokers} brokers over {size.zones} AZs, replication factor "
            f"{size.replication_factor}",
        ),
        Usage(
            component=f"{name} (MSK broker storage)",
            category="messaging",
            price_key="msk_storage_gb_month",
            quantity=figure(
                size.storage_gb_per_broker * size.brokers,
                "GB-month",
                "{gb_per_broker} × {brokers}",
                gb_per_broker=size.storage_gb_per_broker,
                brokers=float(size.brokers),
            ),
            commitment="steady",
            traffic_scaled=False,
            workload=name,
            note="provisioned on every broker: the retention period's data on every "
            "replica, with headroom",
        ),
    ]


def _gigabytes_line(  # noqa: PLR0917  (one line of the bill)
    component: str, key: str, gb: float, per_second: float, message_bytes: float, workload: str
) -> Usage:
    return Usage(
        component=component,
        category="messaging",
        price_key=key,
        quantity=figure(
            gb,
            "GB",
            "{messages_per_second} × {message_bytes} × {seconds_per_month} / 1e9",
            messages_per_second=per_second,
            message_bytes=message_bytes,
            seconds_per_month=SECONDS_PER_MONTH,
        ),
        commitment="usage",
        traffic_scaled=True,
        workload=workload,
        note=f"{number(message_bytes)}-byte messages",
    )


def _amazon_mq(parts: Parts, size: QueueSize, name: str, per_second: float) -> list[Usage]:
    """Amazon MQ for RabbitMQ as the design sizes it (a cluster's nodes or one broker),
    and the backlog it holds on disk."""
    backlog_hours = parts.catalog.streaming.rabbitmq.backlog_hours
    held = per_second * parts.usage.message_bytes * backlog_hours * 3600 / GB
    nodes = size.brokers
    return [
        _brokers(
            f"{name} (Amazon MQ brokers, {size.instance_class})",
            _broker_key(parts, "rabbitmq", size.instance_class),
            nodes,
            name,
            f"{nodes}-node cluster across AZs" if nodes > 1 else "single-instance broker",
        ),
        Usage(
            component=f"{name} (Amazon MQ storage)",
            category="messaging",
            price_key="mq_storage_gb_month",
            quantity=figure(
                held * nodes,
                "GB-month",
                "{messages_per_second} × {message_bytes} × {backlog_hours} × 3600 / 1e9 × {nodes}",
                messages_per_second=per_second,
                message_bytes=parts.usage.message_bytes,
                backlog_hours=backlog_hours,
                nodes=float(nodes),
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=name,
            note="messages waiting to be consumed, on every node",
        ),
    ]


def _broker_key(parts: Parts, engine: str, instance_class: str | None) -> str:
    """The price key of a broker class the design chose (streaming.yaml)."""
    streaming = parts.catalog.streaming
    classes = (
        [(c.class_, c.price_key) for c in streaming.kafka.broker_classes]
        if engine == "kafka"
        else [(c.class_, c.price_key) for c in streaming.rabbitmq.instance_classes]
    )
    return next(key for cls, key in classes if cls == instance_class)


def _memorydb(  # noqa: PLR0917  (one store's lines of the bill)
    parts: Parts,
    name: str,
    instance_class: str | None,
    key: str | None,
    nodes: int,
    scale: float,
) -> list[Usage]:
    """MemoryDB: node hours, and the data written to its Multi-AZ transaction log by the
    services that use it."""
    memorydb = parts.catalog.streaming.memorydb
    users = [s for s in parts.compute.services if name in s.uses and s.type.serves_requests]
    rps = sum(parts.capacity(s.name).average_load.value for s in users) * scale
    written = rps * memorydb.write_share * memorydb.write_bytes_per_request
    return [
        _instances(f"{name} ({instance_class})", "database", key, nodes, name, f"{nodes} node(s)"),
        Usage(
            component=f"{name} (MemoryDB data written)",
            category="database",
            price_key="memorydb_data_written_gb",
            quantity=figure(
                written * SECONDS_PER_MONTH / GB,
                "GB",
                "{requests_per_second} × {write_share} × {bytes_per_write} × "
                "{seconds_per_month} / 1e9",
                requests_per_second=rps,
                write_share=memorydb.write_share,
                bytes_per_write=memorydb.write_bytes_per_request,
                seconds_per_month=SECONDS_PER_MONTH,
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=name,
            note="writes are billed by the GB written to the durable log (planning figures "
            "for the share of requests that write and their size)",
        ),
    ]


def _brokers(component: str, key: str, count: int, workload: str, note: str) -> Usage:
    return Usage(
        component=component,
        category="messaging",
        price_key=key,
        quantity=_hours(float(count), "brokers"),
        commitment="steady",
        traffic_scaled=False,
        workload=workload,
        note=note,
    )


def _queue_rate(parts: Parts, name: str) -> float:
    """Messages/s through queue ``name`` today: what its consumers take (the sizing's
    figure), else the rate the spec states; 0 with neither (nothing is consumed)."""
    consumers = [
        c
        for c in parts.constraints.services
        if c.load_unit == "messages/s" and name in parts.compute.service(c.name).uses
    ]
    if consumers:
        return max(c.average_load.value for c in consumers)
    stated = next(q.messages_per_second for q in parts.req.system.queues if q.name == name)
    return stated or 0.0


def log_bytes_per_request(parts: Parts) -> float:
    """Log bytes kept per request: the spec's (else the catalog's) bytes × its sample rate."""
    spec = parts.req.observability
    written = spec.log_bytes_per_request
    if written is None:
        written = parts.usage.log_bytes_per_request
    return written * spec.log_sample_rate


def _observability(parts: Parts, rps: float) -> list[Usage]:
    usage = parts.usage
    spec = parts.req.observability
    kept = log_bytes_per_request(parts)
    ingest = _gigabytes(rps, kept, "log_bytes")
    months = parts.observability.log_retention_days / 30
    sampled = (
        f", {spec.log_sample_rate:.0%} of requests' logs kept (sampled)"
        if spec.log_sample_rate < 1
        else ""
    )
    return [
        Usage(
            component="CloudWatch Logs ingestion",
            category="observability",
            price_key="cloudwatch_logs_ingest_gb",
            quantity=ingest,
            commitment="usage",
            traffic_scaled=True,
            note=f"{number(kept)} bytes of logs a request{sampled}",
        ),
        Usage(
            component="CloudWatch Logs storage",
            category="observability",
            price_key="cloudwatch_logs_storage_gb_month",
            quantity=figure(
                ingest.value * months * usage.log_storage_ratio,
                "GB-month",
                "{ingested_gb} × {retention_months} × {compressed_ratio}",
                ingested_gb=ingest.value,
                retention_months=months,
                compressed_ratio=usage.log_storage_ratio,
            ),
            commitment="usage",
            traffic_scaled=True,
            note=f"{parts.observability.log_retention_days} days kept (steady state once "
            "the retention window is full)",
        ),
    ]


def _audit(parts: Parts, rps: float) -> list[Usage]:
    """The audit module each environment account runs, where a compliance control uses
    it: CloudTrail (the first copy of management events is free; its files in S3 and its
    CloudWatch Logs delivery are not), GuardDuty, Security Hub over AWS Config, a key."""
    audit = parts.security.audit
    if audit is None:
        return []
    usage = parts.usage
    events = usage.management_events_per_month
    out = [
        Usage(
            component="Audit key (KMS)",
            category="security",
            price_key="kms_key_month",
            quantity=figure(1.0, "keys", "{keys}", keys=1.0),
            commitment="usage",
            traffic_scaled=False,
            note="the audit files' own key, apart from the data key",
        )
    ]
    if audit.trail:
        out.extend(_trail(parts, events, audit.retention_days))
    if audit.guardduty:
        out.append(
            _per_million(
                "GuardDuty: CloudTrail events analysed",
                "security",
                "guardduty_cloudtrail_million_events",
                events,
                f"{number(events)} management events a month (planning figure)",
            ).model_copy(update={"traffic_scaled": False})
        )
        out.append(
            Usage(
                component="GuardDuty: VPC flow and DNS logs analysed",
                category="security",
                price_key="guardduty_flow_dns_gb",
                quantity=_gigabytes(rps, usage.guardduty_log_bytes_per_request, "log_bytes"),
                commitment="usage",
                traffic_scaled=True,
                note=f"{number(usage.guardduty_log_bytes_per_request)} bytes of flow and DNS "
                "logs a request (GuardDuty reads its own copy: no flow logs to pay for)",
            )
        )
    standards = len(audit.security_hub_standards)
    if standards:
        out.append(
            Usage(
                component="Security Hub security checks",
                category="security",
                price_key="securityhub_thousand_checks",
                quantity=figure(
                    standards * usage.security_hub_checks_per_standard / 1000,
                    "thousand checks",
                    "{standards} × {checks_per_standard} / 1,000",
                    standards=float(standards),
                    checks_per_standard=usage.security_hub_checks_per_standard,
                ),
                commitment="usage",
                traffic_scaled=False,
                note=", ".join(sorted(audit.security_hub_standards))
                + "; findings of its own checks are ingested free",
            )
        )
    if audit.config_recorder:
        out.append(
            Usage(
                component="AWS Config configuration items",
                category="security",
                price_key="config_configuration_item",
                quantity=figure(
                    usage.config_items_per_month,
                    "configuration items",
                    "{items_per_month}",
                    items_per_month=usage.config_items_per_month,
                ),
                commitment="usage",
                traffic_scaled=False,
                note="continuous recording of every resource (planning figure); the Config "
                "rules Security Hub runs are billed as its checks",
            )
        )
    return out


def _trail(parts: Parts, events: float, retention_days: int) -> list[Usage]:
    """CloudTrail's log files (S3, under Object Lock for the retention) and its copy in
    CloudWatch Logs (ingested, then kept compressed for the same retention)."""
    usage = parts.usage
    gb = figure(
        events * usage.cloudtrail_event_bytes / GB,
        "GB",
        "{events} × {event_bytes} / 1e9",
        events=events,
        event_bytes=usage.cloudtrail_event_bytes,
    )
    months = retention_days / 30
    kept = figure(
        gb.value * months * usage.log_storage_ratio,
        "GB-month",
        "{gb_a_month} × {retention_months} × {compressed_ratio}",
        gb_a_month=gb.value,
        retention_months=months,
        compressed_ratio=usage.log_storage_ratio,
    )
    note = f"{number(events)} management events a month, kept {retention_days} days"
    return [
        Usage(
            component="CloudTrail log files (S3)",
            category="security",
            price_key="s3_standard_gb_month",
            quantity=kept,
            commitment="usage",
            traffic_scaled=False,
            note=note + " (gzip; the first copy of management events is free)",
        ),
        Usage(
            component="CloudTrail to CloudWatch Logs (ingestion)",
            category="security",
            price_key="cloudwatch_logs_ingest_gb",
            quantity=gb,
            commitment="usage",
            traffic_scaled=False,
            note=note,
        ),
        Usage(
            component="CloudTrail in CloudWatch Logs (storage)",
            category="security",
            price_key="cloudwatch_logs_storage_gb_month",
            quantity=kept,
            commitment="usage",
            traffic_scaled=False,
            note=note,
        ),
    ]


def _security(parts: Parts) -> list[Usage]:
    secrets = len(parts.security.secrets)
    out = [
        Usage(
            component="KMS keys",
            category="security",
            price_key="kms_key_month",
            quantity=figure(1.0, "keys", "{keys}", keys=1.0),
            commitment="usage",
            traffic_scaled=False,
            note="one customer-managed key",
        )
    ]
    if secrets:
        out.append(
            Usage(
                component="Secrets Manager",
                category="security",
                price_key="secrets_manager_secret_month",
                quantity=figure(float(secrets), "secrets", "{secrets}", secrets=float(secrets)),
                commitment="usage",
                traffic_scaled=False,
            )
        )
    return out


def _recovery_region(parts: Parts, sizes: Sizes, first: list[Usage], scale: float) -> list[Usage]:
    recovery = parts.constraints.recovery
    if parts.constraints.topology.name == "active-active":
        # two regions serving: full capacity in each, every store written in both
        return [
            u.model_copy(
                update={"component": f"{u.component} (second region)", "category": "recovery"}
            )
            for u in first
        ]
    out: list[Usage] = _standby_tasks(sizes)
    for u in first:
        share = _standby_share(u, recovery.standby_share, sizes.standby)
        if share == 0:
            continue
        out.append(
            u.model_copy(
                update={
                    "component": f"{u.component} (standby region)",
                    "category": "recovery",
                    "quantity": figure(
                        u.quantity.value * share,
                        u.quantity.unit,
                        "{quantity} × {standby_share}",
                        quantity=u.quantity.value,
                        standby_share=share,
                    ),
                }
            )
        )
    for plan in parts.data.stores:
        instance_class, _, _, key = sizes.stores[plan.name]
        gb = stored_at(parts, plan, scale)
        if plan.recovery == "read-replica":
            out.append(
                _instances(
                    f"{plan.name} cross-region replica ({instance_class})",
                    "recovery",
                    key,
                    1,
                    plan.name,
                    "promoted on disaster",
                )
            )
            # a read replica is created with its source's allocated storage
            size = sizes.store_sizes.get(plan.name)
            allocated = size.allocated_gb if size is not None else None
            out.append(
                _storage(
                    f"{plan.name} cross-region replica storage",
                    "recovery",
                    "rds_gp3_gb_month",
                    max(gb, float(allocated or 0)),
                    1,
                    plan.name,
                )
            )
        elif plan.recovery == "global-database":
            out.append(
                _instances(
                    f"{plan.name} Aurora Global Database secondary ({instance_class})",
                    "recovery",
                    key,
                    1,
                    plan.name,
                    "one instance on the secondary cluster, promoted on disaster",
                )
            )
            out.append(
                _storage(
                    f"{plan.name} secondary cluster storage",
                    "recovery",
                    "auroraiopt_storage_gb_month"
                    if plan.io_optimized
                    else "aurora_storage_gb_month",
                    gb,
                    1,
                    plan.name,
                )
            )
        elif plan.recovery in ("backup-replication", "backup-copy", "snapshot-copy"):
            out.append(
                _storage(
                    f"{plan.name} backups in the recovery region",
                    "recovery",
                    "rds_backup_gb_month",
                    gb,
                    1,
                    plan.name,
                    "one full copy of the data",
                )
            )
        elif plan.recovery == "bucket-replication":
            out.append(
                _storage(
                    f"{plan.name} replica bucket",
                    "recovery",
                    "s3_standard_gb_month",
                    gb,
                    1,
                    plan.name,
                    "every object version replicated",
                )
            )
        elif plan.recovery == "global-table":
            out.append(
                _storage(
                    f"{plan.name} global-table replica",
                    "recovery",
                    "dynamodb_storage_gb_month",
                    gb,
                    1,
                    plan.name,
                )
            )
    return out


_STANDBY_EDGE = ("alb_hour", "waf_web_acl_month", "waf_rule_month")
"""The load balancer and its WAF, kept whole by every standby mode that keeps them."""
_STANDBY_NETWORK = ("nat_gateway_hour", "vpc_interface_endpoint_hour")
"""The private subnets' way out (image pulls, logs, secrets), kept whole while tasks run."""


def _standby_tasks(sizes: Sizes) -> list[Usage]:
    """The Fargate tasks the standby keeps running, as the recovery region's ECS services
    are built (a share of prod's minimum, rounded up per service)."""
    standby = sizes.standby
    if standby is None:
        return []
    vcpu = sum(sizes.replica_size[s.name][0] * s.tasks for s in standby.services)
    memory = sum(sizes.replica_size[s.name][1] / 1024 * s.tasks for s in standby.services)
    if vcpu <= 0:
        return []
    tasks = sum(s.tasks for s in standby.services)
    note = f"{tasks} tasks: {standby.mode}, " + ", ".join(
        f"{s.name} {s.tasks}" for s in standby.services
    )
    return [
        u.model_copy(
            update={"component": f"{u.component} (standby region)", "category": "recovery"}
        )
        for u in _fargate_pair("Fargate, standby tasks", "steady", vcpu, memory, note)
    ]


def _standby_share(u: Usage, share: float, standby: StandbySizing | None) -> float:
    """The share of one primary line the recovery region runs before a disaster: what
    ``standby`` builds there (an ECS design), else the compute at the standby's share.
    Lines nothing in the recovery region builds are not billed there."""
    if u.category in ("database", "cache", "search", "storage"):
        return 0.0
    if standby is not None:
        if u.category == "compute":
            return 0.0  # billed from the standby's own tasks (_standby_tasks)
        if u.price_key in _STANDBY_EDGE:
            return 1.0 if standby.load_balancer else 0.0
        if u.price_key in _STANDBY_NETWORK:
            return 1.0 if standby.nat_gateways else 0.0
        if u.category == "messaging":
            if u.workload not in standby.brokers:
                return 0.0
            if u.price_key == "msk_storage_gb_month":
                return standby.broker_storage_share
            return 1.0 if u.price_key.startswith("msk_kafka_") else 0.0
    if u.commitment == "usage":
        return 0.0
    return share


# --- design-specific levers and assumptions -----------------------------------------


def _spot_worker_levers(parts: Parts, environments: Sequence[EnvironmentCost]) -> list[Lever]:
    """Queue workers on a Spot node group: their share of prod's node cost, at Spot."""
    pool = parts.compute.node_pool
    workers = [p for p in parts.compute.services if p.type is ServiceType.WORKER]
    if pool is None or not workers:
        return []
    prod = next(e for e in environments if e.name == "prod")
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


def _usage_assumptions(parts: Parts) -> list[str]:
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


def _assumptions(parts: Parts, covered: bool, floor: str) -> list[str]:
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


__all__ = ["Parts", "Sizes", "bill_of_materials", "environment_sizes", "estimate_cost"]
