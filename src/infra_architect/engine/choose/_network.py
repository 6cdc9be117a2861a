"""Network: VPC plan, NAT per AZ or shared, L7 or L4 entry, WAF, endpoints, allowed flows."""

from __future__ import annotations

import ipaddress
import math

from infra_architect._figures import Figure, figure
from infra_architect.catalog import Catalog, WafRateLimit
from infra_architect.engine._design_model import (
    Alternative,
    ComputeDesign,
    Decision,
    Flow,
    HealthCheck,
    ListenerRoute,
    LoadBalancer,
    NetworkDesign,
    Scheme,
    Subnet,
)
from infra_architect.engine._model import Constraints
from infra_architect.engine.choose._grpc import choose_grpc
from infra_architect.spec import (
    Compliance,
    ComputeChoice,
    DatastoreEngine,
    NatChoice,
    QueueEngine,
    Requirements,
    ServiceType,
    entry_services,
)

VPC_CIDR = "10.0.0.0/16"
"""Production VPC; staging takes 10.1.0.0/16 so the two can be peered without overlap."""

STORE_PORTS = {
    DatastoreEngine.POSTGRES: 5432,
    DatastoreEngine.MYSQL: 3306,
    DatastoreEngine.REDIS: 6379,
    DatastoreEngine.OPENSEARCH: 443,
}
"""Stores reached over the VPC; S3 and DynamoDB are AWS APIs reached through endpoints."""

QUEUE_PORTS = {
    # MSK with IAM access control, provisioned and Serverless, from inside AWS (MSK
    # Developer Guide, "Port information": 9098).
    QueueEngine.KAFKA: 9098,
    # Amazon MQ for RabbitMQ: AMQP 0-9-1 over TLS only (Amazon MQ Developer Guide,
    # "Amazon MQ for RabbitMQ: ports": 5671).
    QueueEngine.RABBITMQ: 5671,
}
"""Brokers reached over the VPC; SQS, SNS and Kinesis are AWS APIs (HTTPS)."""

PRIVATE_PATH_REGIMES = frozenset({Compliance.PCI_DSS, Compliance.HIPAA})
INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager", "kms")


def az_names(region: str, count: int) -> list[str]:
    return [f"{region}{letter}" for letter in "abcdef"[:count]]


def plan_subnets(cidr: str, azs: list[str]) -> list[Subnet]:
    """Public and data /24s in the first /19; one /19 per AZ for private (pod IPs)."""
    vpc = ipaddress.IPv4Network(cidr)
    blocks = list(vpc.subnets(new_prefix=19))
    small = list(blocks[0].subnets(new_prefix=24))
    subnets: list[Subnet] = []
    for index, az in enumerate(azs):
        subnets.append(Subnet(tier="public", availability_zone=az, cidr=str(small[index])))
    for index, az in enumerate(azs):
        subnets.append(Subnet(tier="private", availability_zone=az, cidr=str(blocks[index + 1])))
    for index, az in enumerate(azs):
        subnets.append(Subnet(tier="data", availability_zone=az, cidr=str(small[16 + index])))
    return subnets


def recovery_subnets(cidr: str, subnets: list[Subnet]) -> tuple[str, dict[str, list[str]]]:
    """The recovery VPC: the next block of the primary's size (no overlap, so the two can
    be peered), with the same subnet layout shifted by that block, tier by tier in the
    primary's AZ order."""
    primary = ipaddress.ip_network(cidr)
    shift = primary.num_addresses
    recovery = ipaddress.ip_network(f"{primary.network_address + shift}/{primary.prefixlen}")
    tiers: dict[str, list[str]] = {}
    for subnet in sorted(subnets, key=lambda s: s.availability_zone):
        net = ipaddress.ip_network(subnet.cidr)
        tiers.setdefault(subnet.tier, []).append(f"{net.network_address + shift}/{net.prefixlen}")
    return str(recovery), tiers


def listener_routes(
    compute: ComputeDesign, flows: list[Flow], load_balancer: LoadBalancer, step: int
) -> list[ListenerRoute]:
    """The ALB listener's routes to the services it fronts: the first web service (else
    the first fronted) is the default action; every other service gets a path rule,
    numbered by ``step`` in service order."""
    fronted = {f.target for f in flows if f.source == load_balancer}
    public = [s for s in compute.services if s.name in fronted and s.port is not None]
    if load_balancer != "alb" or not public:
        return []
    default = next((s for s in public if s.type is ServiceType.WEB), public[0])
    routes: list[ListenerRoute] = []
    priority = 0
    for service in public:
        if service.name == default.name:
            routes.append(ListenerRoute(service=service.name, priority=None, path_patterns=[]))
            continue
        priority += step
        routes.append(
            ListenerRoute(
                service=service.name,
                priority=priority,
                path_patterns=[f"/{service.name}", f"/{service.name}/*"],
            )
        )
    return routes


def choose_network(
    req: Requirements, constraints: Constraints, catalog: Catalog, compute: ComputeDesign
) -> NetworkDesign:
    azs = az_names(req.cloud.region, constraints.topology.availability_zones.whole)
    timings = catalog.design.timings
    public = [s for s in compute.services if s.public]
    serving = [s for s in compute.services if s.type.serves_requests]
    compliance = set(req.compliance)
    private_path = bool(compliance & PRIVATE_PATH_REGIMES)

    nat = _nat_decision(req, catalog, len(azs))
    nat_count = len(azs) if nat.selected == "per-az" else 1
    load_balancer: LoadBalancer = (
        "api-gateway" if compute.platform == ComputeChoice.LAMBDA else "alb" if serving else "none"
    )
    scheme: Scheme = (
        "none" if load_balancer == "none" else "internet-facing" if public else "internal"
    )
    lb_decision = _lb_decision(req, load_balancer, scheme) if load_balancer != "none" else None

    health = None
    if load_balancer == "alb":
        health = HealthCheck(
            path=serving[0].health_check_path or "/healthz",
            interval_seconds=timings.health_check_interval_seconds,
            timeout_seconds=timings.health_check_timeout_seconds,
            healthy_threshold=timings.healthy_threshold,
            unhealthy_threshold=timings.unhealthy_threshold,
            detection=figure(
                float(timings.unhealthy_threshold * timings.health_check_interval_seconds),
                "s",
                "{unhealthy_threshold} × {interval_s}",
                unhealthy_threshold=float(timings.unhealthy_threshold),
                interval_s=float(timings.health_check_interval_seconds),
            ),
        )
    waf = bool(public) and bool(compliance) and load_balancer in ("alb", "api-gateway")
    waf_why = (
        f"public entry and compliance ({', '.join(sorted(c.value for c in compliance))}): AWS "
        "managed rule groups (common, known bad inputs, SQL injection) and a rate limit"
        if waf
        else "no public entry point"
        if not public
        else "no compliance regime asks for it; add it before handling payment or health data"
    )
    rate_limit = (
        waf_rate_limit(catalog.design.waf_rate_limit, constraints.traffic.peak_rps.value)
        if waf
        else None
    )
    endpoints = list(INTERFACE_ENDPOINTS) if private_path else []
    if private_path and any(q.engine is QueueEngine.SQS for q in req.system.queues):
        endpoints.append("sqs")
    discovery = (
        "Kubernetes Services and CoreDNS (<service>.<namespace>.svc.cluster.local)"
        if compute.platform.kubernetes
        else f"ECS Service Connect (Cloud Map namespace {req.metadata.name}.internal)"
        if compute.platform == ComputeChoice.ECS_FARGATE
        else "direct invocation through API Gateway routes"
    )
    flows = _flows(req, compute, load_balancer)
    subnets = plan_subnets(VPC_CIDR, azs)
    recovery_cidr, recovery_tiers = recovery_subnets(VPC_CIDR, subnets)
    decision = Decision(
        id="network",
        title="Network segmentation",
        selected=f"one VPC, three tiers × {len(azs)} AZs (public, private, data)",
        alternatives=[
            Alternative(
                name="two tiers (public, private)",
                why_not="data stores would share subnets and route tables with compute; a "
                "separate data tier has no route to the internet at all and its own NACL",
            ),
            Alternative(
                name="VPC per service",
                why_not="Transit Gateway or PrivateLink per call edge costs more and adds "
                f"latency for {len(compute.services)} services that share one owner",
            ),
        ],
        why=(
            f"{len(azs)} AZs from the SLO tier; data subnets have no internet route "
            f"(availability.slo={req.availability.slo:g}%"
            + (
                f", compliance={','.join(sorted(c.value for c in compliance))}"
                if compliance
                else ""
            )
            + "); deny-by-default security groups"
            + (" and network policies" if compute.platform.kubernetes else "")
            + f" allow exactly the {len(flows)} flows in the call graph"
        ),
        risk="private subnets are /19s sized for pod IPs (VPC CNI); the plan must be kept "
        "when adding AZs so CIDRs never overlap",
        drivers=["availability.slo", "compliance", "system.services[].calls"],
    )
    return NetworkDesign(
        decision=decision,
        nat_decision=nat,
        load_balancer_decision=lb_decision,
        vpc_cidr=VPC_CIDR,
        subnets=subnets,
        nat_gateways=nat_count,
        load_balancer=load_balancer,
        load_balancer_scheme=scheme,
        health_check=health,
        waf=waf,
        waf_why=waf_why,
        waf_rate_limit=rate_limit,
        gateway_endpoints=["s3", "dynamodb"],
        interface_endpoints=endpoints,
        service_discovery=discovery,
        flows=flows,
        grpc=choose_grpc(req, constraints, catalog, compute),
        routes=listener_routes(
            compute, flows, load_balancer, catalog.design.listener_rule_priority_step
        ),
        recovery_vpc_cidr=recovery_cidr,
        recovery_subnets=recovery_tiers,
    )


def _nat_decision(req: Requirements, catalog: Catalog, azs: int) -> Decision:
    paging = catalog.policy.paging_slo
    hourly = catalog.prices.usd("nat_gateway_hour") * catalog.prices.hours_per_month
    pinned = req.decisions.nat
    if pinned is not None:
        selected = pinned.value
        why = f"pinned in the spec (decisions.nat: {pinned.value})"
    elif req.availability.slo >= paging and azs > 1:
        selected = NatChoice.PER_AZ.value
        why = (
            f"availability.slo={req.availability.slo:g}% is at or above {paging:g}%: a shared "
            "NAT gateway is a single point of failure for every AZ's egress (image pulls, "
            f"AWS APIs, third parties); {azs} gateways cost ${hourly * azs:,.0f}/month"
        )
    else:
        selected = NatChoice.SINGLE.value
        why = (
            f"availability.slo={req.availability.slo:g}% is below {paging:g}%: one gateway "
            f"(${hourly:,.0f}/month) and cross-AZ egress is cheaper than one per AZ"
        )
    other = NatChoice.SINGLE.value if selected == NatChoice.PER_AZ.value else NatChoice.PER_AZ.value
    return Decision(
        id="nat",
        title="NAT gateways",
        selected=selected,
        alternatives=[
            Alternative(
                name=other,
                why_not=(
                    f"saves ${hourly * (azs - 1):,.0f}/month but an AZ outage then cuts egress "
                    "for the surviving AZs too"
                )
                if other == NatChoice.SINGLE.value
                else f"costs ${hourly * (azs - 1):,.0f}/month more for egress that this SLO "
                "can afford to lose during an AZ outage",
            )
        ],
        why=why,
        risk=(
            "egress data processing ($0.045/GB) grows with traffic; VPC endpoints move AWS "
            "API traffic off NAT"
            if selected == NatChoice.PER_AZ.value
            else "an outage of the NAT gateway's AZ stops all egress until it recovers"
        ),
        drivers=["availability.slo", "cloud.availability_zones"],
        pinned=pinned is not None,
    )


def _lb_decision(req: Requirements, load_balancer: str, scheme: str) -> Decision:
    grpc = any(s.protocol.value == "grpc" for s in req.system.services)
    grpc_edge = [s.name for s in req.system.services if s.protocol.value == "grpc" and s.public]
    if load_balancer == "api-gateway":
        return Decision(
            id="load-balancing",
            title="Load balancing",
            selected="API Gateway HTTP API",
            alternatives=[
                Alternative(
                    name="ALB", why_not="Lambda targets behind an ALB lose API Gateway's throttling"
                )
            ],
            why="Lambda functions are invoked through API Gateway routes",
            risk="a 29-second integration timeout and a 10 MB payload limit",
            drivers=["decisions.compute"],
        )
    return Decision(
        id="load-balancing",
        title="Load balancing",
        selected=f"ALB (L7, {scheme})",
        alternatives=[
            Alternative(
                name="NLB (L4)",
                why_not="no HTTP health checks per path, no path routing, no WAF; its "
                "strengths (static IPs, millions of connections, raw TCP) are not needed",
            )
        ],
        why="HTTP"
        + ("/gRPC" if grpc else "")
        + " services: path-based routing, per-target HTTP health checks, TLS termination "
        "with ACM certificates and WAF attachment"
        + ("" if scheme == "internet-facing" else "; internal because no service is public")
        + (
            f"; gRPC ({', '.join(grpc_edge)}) through target groups with protocol version "
            "GRPC, which balance each call, not each HTTP/2 connection (an NLB would pin "
            "every client to one target)"
            if grpc_edge
            else ""
        ),
        risk="ALB scales in steps: a sudden 10x spike can see 503s for a minute unless "
        "pre-warmed (LCU reservation) before a planned event",
        drivers=["system.services[].public", "system.services[].protocol"],
    )


def _flows(req: Requirements, compute: ComputeDesign, load_balancer: str) -> list[Flow]:
    flows: list[Flow] = []
    entry = "api-gateway" if load_balancer == "api-gateway" else "alb"
    public = any(s.public for s in compute.services)
    if public:
        flows.append(Flow(source="internet", target=entry, port=443, why="public HTTPS entry"))
    elif load_balancer != "none":
        flows.append(Flow(source="vpc", target=entry, port=443, why="internal HTTPS entry"))
    if load_balancer != "none":
        # where traffic enters: the public services, or with none public, the ones no
        # other web/api calls (the same services the traffic model sends it to)
        entries = set(entry_services(req))
        flows.extend(
            Flow(source=entry, target=plan.name, port=plan.port, why="load balancer to target")
            for plan in compute.services
            if plan.port is not None and plan.name in entries
        )
    ports = {p.name: p.port for p in compute.services}
    stores = {d.name: d for d in req.system.datastores}
    queues = {q.name: q.engine for q in req.system.queues}
    for plan in compute.services:
        for callee in plan.calls:
            port = ports.get(callee)
            if port is not None:
                flows.append(
                    Flow(source=plan.name, target=callee, port=port, why="calls (spec call graph)")
                )
        for use in plan.uses:
            if use in stores:
                engine = stores[use].engine
                store_port = STORE_PORTS.get(engine, 443)
                why = (
                    "AWS API through the VPC endpoint"
                    if engine in (DatastoreEngine.S3, DatastoreEngine.DYNAMODB)
                    else f"{engine.value} in the data subnets"
                )
                flows.append(Flow(source=plan.name, target=use, port=store_port, why=why))
            elif use in queues and queues[use] in QUEUE_PORTS:
                flows.append(
                    Flow(
                        source=plan.name,
                        target=use,
                        port=QUEUE_PORTS[queues[use]],
                        why=f"{queues[use].value} brokers in the data subnets (TLS)",
                    )
                )
            elif use in queues:
                flows.append(Flow(source=plan.name, target=use, port=443, why="queue (AWS API)"))
    return flows


def waf_rate_limit(policy: WafRateLimit, peak_rps: float) -> Figure:
    """Requests one client may send in the WAF's window: a share of the peak over the
    window, rounded up, never below the floor."""
    share = peak_rps * policy.window_seconds * policy.client_share_of_peak
    limit = max(policy.floor, math.ceil(share / policy.round_to) * policy.round_to)
    return figure(
        float(limit),
        "requests/5 min",
        "max({floor}, ⌈{peak_rps} × {window_s} × {share} / {round_to}⌉ × {round_to})",
        floor=float(policy.floor),
        peak_rps=peak_rps,
        window_s=float(policy.window_seconds),
        share=policy.client_share_of_peak,
        round_to=float(policy.round_to),
    )
