"""Environment sizing: prod exactly as designed, staging in prod's shape at its smallest.

Staging keeps every component and every mechanism prod relies on (autoscaling, the
deployment strategy, alarms, its own load balancer) so a change proves itself there
first, but carries a percent of prod's traffic: each part runs at the smallest size that
still exercises it, chosen from the same catalog ladders as prod at staging's own load,
and says why. That is what makes it cheap enough to keep.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from infra_architect._figures import figure, number
from infra_architect.catalog import Catalog, DataSizing, NodeType
from infra_architect.engine._data_sizing import read_equivalent
from infra_architect.engine._design_model import (
    ComputeDesign,
    DataDesign,
    EnvironmentSizing,
    NetworkDesign,
    ServicePlan,
    ServiceSize,
    StorePlan,
    StoreSize,
)
from infra_architect.engine._model import Recovery
from infra_architect.engine._standby import standby_sizing
from infra_architect.engine.choose._addons import size_node_groups
from infra_architect.engine.choose._compute import (
    FARGATE_SIZES,
    disruption_min_available,
    fargate_task_size,
)
from infra_architect.engine.choose._data import db_class, db_class_why, size_class
from infra_architect.engine.choose._relational import Pools
from infra_architect.engine.choose._streams import (
    memorydb_size,
    queue_size,
    staging_queue_size,
)
from infra_architect.errors import named
from infra_architect.spec import ComputeChoice, Requirements, ServiceType

STAGING_BACKUP_DAYS = 7
STAGING_MAX_REPLICAS = 2
"""Staging scales a service from one replica to two: autoscaling is exercised, and a
load test there is billed for two replicas, not prod's maximum."""
STAGING_MAX_AZS = 2
"""The fewest AZs that keep prod's mechanisms: an ALB and an RDS subnet group need two."""
FARGATE_SMALLEST_VCPU = FARGATE_SIZES[0][0] / 1024
"""Fargate's smallest task CPU (256 units), for staging's tasks where memory allows."""


def size_environments(  # noqa: PLR0917  (the design's parts, in pipeline order)
    req: Requirements,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    azs: int,
    recovery: Recovery | None = None,
) -> list[EnvironmentSizing]:
    """Staging then prod, in promotion order; prod carries what its standby runs in the
    recovery region (``recovery``: the chosen region-disaster recovery)."""
    sizing = catalog.design.data_sizing
    search = {s.name for s in data.stores if s.kind == "opensearch"}
    return [
        _with_node_groups(catalog, compute, _with_search_layout(env, search, sizing))
        for env in (
            _staging(req, catalog, compute, network, data, azs),
            _prod(
                req,
                compute,
                network,
                data,
                azs,
                recovery,
                recovery_window_days=catalog.design.recovery_window_days["protected"],
            ),
        )
    ]


def _with_node_groups(
    catalog: Catalog, compute: ComputeDesign, env: EnvironmentSizing
) -> EnvironmentSizing:
    """The managed node groups holding the environment's nodes, within the EKS quota."""
    if env.node_type is None or env.node_min is None or env.node_max is None:
        return env
    shapes = [*catalog.design.staging_node_types, *catalog.design.node_types]
    shape = named(shapes, env.node_type, "node type", where="the catalog")
    groups, cpu_limit = size_node_groups(
        catalog, compute.platform, shape.vcpu, env.node_min, env.node_max
    )
    return env.model_copy(update={"node_groups": groups, "karpenter_cpu_limit": cpu_limit})


def _with_search_layout(
    env: EnvironmentSizing, search: set[str], sizing: DataSizing
) -> EnvironmentSizing:
    """Each OpenSearch data node's volume: the data times its copies (primary and
    replica shards) spread over the nodes, at least the smallest volume allowed; and the
    AZs the nodes spread over: one a node, within the environment's, at most three."""
    stores = [
        s.model_copy(
            update={
                "volume_gb_per_node": max(
                    sizing.opensearch_min_volume_gb,
                    math.ceil(round(s.storage_gb * sizing.opensearch_copies / s.nodes, 6)),
                ),
                "zones": figure(
                    min(s.nodes, env.availability_zones, sizing.opensearch_max_zones),
                    "AZs",
                    "min({nodes}, {environment_azs}, {opensearch_max_zones})",
                    nodes=s.nodes,
                    environment_azs=env.availability_zones,
                    opensearch_max_zones=sizing.opensearch_max_zones,
                ),
            }
        )
        if s.name in search
        else s
        for s in env.stores
    ]
    return env.model_copy(update={"stores": stores})


def namespace(req: Requirements, env: str) -> str:
    """One namespace per environment: a kubectl context mix-up fails loudly, not silently."""
    return f"{req.metadata.name}-{env}"


def _prod(  # noqa: PLR0917  (the design's parts, in pipeline order)
    req: Requirements,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    azs: int,
    recovery: Recovery | None,
    *,
    recovery_window_days: int,
) -> EnvironmentSizing:
    pool = compute.node_pool
    services = [
        ServiceSize(
            name=s.name,
            min_replicas=s.min_replicas,
            max_replicas=s.max_replicas,
            pod_disruption_min_available=s.pod_disruption_min_available,
            vcpu=s.vcpu,
            memory_mb=s.memory_mb,
        )
        for s in compute.services
    ]
    return EnvironmentSizing(
        name="prod",
        account_id=req.cloud.accounts.prod,
        namespace=namespace(req, "prod"),
        availability_zones=azs,
        nat_gateways=network.nat_gateways,
        node_type=pool.instance_type if pool else None,
        node_min=pool.min_nodes.whole if pool else None,
        node_max=pool.max_nodes.whole if pool else None,
        services=services,
        stores=[_prod_store(s) for s in data.stores],
        queues=[q for q in map(queue_size, data.queues) if q is not None],
        deletion_protection=True,
        recovery_window_days=recovery_window_days,
        cross_region_recovery=True,
        why="the design's sizes: capacity for peak traffic and the failures it must survive",
        standby=(
            standby_sizing(recovery, compute, network, data, services)
            if recovery is not None
            else None
        ),
    )


def _prod_store(store: StorePlan) -> StoreSize:
    sized = store.storage if store.kind == "rds" else None
    return StoreSize(
        name=store.name,
        instance_class=store.instance_class,
        nodes=store.nodes,
        multi_az=store.multi_az,
        read_replicas=store.read_replicas,
        backup_retention_days=store.backup_retention_days,
        storage_gb=store.storage_gb,
        why=f"prod: {store.why}",
        allocated_gb=sized.allocated_gb if sized else None,
        max_allocated_gb=sized.max_allocated_gb if sized else None,
        iops=sized.provisioned_iops if sized else None,
        storage_throughput=sized.provisioned_mibps if sized else None,
    )


# --- staging ------------------------------------------------------------------------------


def _staging(  # noqa: PLR0917  (the design's parts, in pipeline order)
    req: Requirements,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    azs: int,
) -> EnvironmentSizing:
    share = catalog.design.usage.staging_traffic_share
    zones = min(azs, STAGING_MAX_AZS)
    fargate = compute.platform == ComputeChoice.ECS_FARGATE
    services = [_staging_service(p, fargate=fargate) for p in compute.services]
    nodes = _staging_nodes(catalog, compute, services) if compute.node_pool else None
    stores = [_staging_store(catalog, s, compute.services, services, share) for s in data.stores]
    return EnvironmentSizing(
        name="staging",
        account_id=req.cloud.accounts.staging,
        namespace=namespace(req, "staging"),
        availability_zones=zones,
        nat_gateways=1,
        node_type=nodes[0].name if nodes else None,
        node_min=nodes[1] if nodes else None,
        node_max=nodes[2] if nodes else None,
        services=services,
        stores=stores,
        queues=[
            q
            for q in (staging_queue_size(catalog, plan, zones, services) for plan in data.queues)
            if q is not None
        ],
        deletion_protection=False,
        recovery_window_days=catalog.design.recovery_window_days["unprotected"],
        cross_region_recovery=False,
        why=_staging_why(req, network, share, zones, fargate=fargate, nodes=nodes),
    )


def _staging_why(
    req: Requirements,
    network: NetworkDesign,
    share: float,
    zones: int,
    *,
    fargate: bool,
    nodes: tuple[NodeType, int, int] | None,
) -> str:
    separate = req.cloud.accounts.staging != req.cloud.accounts.prod
    edge = (
        "its own load balancer"
        + (" and WAF" if network.waf else "")
        + ", not prod's: "
        + (
            "staging lives in its own AWS account, and a load balancer in prod's account "
            "cannot reach targets in staging's VPC without joining the two networks"
            if separate
            else "a shared listener would let a staging change (rules, certificates) reach "
            "prod's front door"
        )
        + (
            "; the WAF rules run here first, so a rule that blocks real requests is found "
            "before prod"
            if network.waf
            else ""
        )
    )
    compute = (
        f"one replica of each service (autoscaling to {STAGING_MAX_REPLICAS})"
        + (
            f" at Fargate's smallest task ({FARGATE_SMALLEST_VCPU:g} vCPU) where the "
            "service's memory allows"
            if fargate
            else ""
        )
        + (
            f" on {nodes[1]}-{nodes[2]} {nodes[0].name} nodes (the smallest shape that "
            "holds staging's pods)"
            if nodes
            else ""
        )
    )
    return (
        f"prod's shape at its smallest, for {share:.0%} of prod's traffic: every component "
        "and mechanism (autoscaling, the deployment strategy, alarms) at the smallest size "
        f"that exercises it; {zones} AZs and one NAT gateway; {compute}; each store at the "
        "smallest class of its ladder that holds staging's load, single-AZ with no read "
        "replicas, caches and search on one node (a staging outage delays a release, it "
        f"loses no users); {STAGING_BACKUP_DAYS}-day backups and no copies in the recovery "
        f"region; {edge}; compute can scale to zero outside working hours (a cost lever)"
    )


def _staging_service(plan: ServicePlan, *, fargate: bool) -> ServiceSize:
    # A Fargate task runs at the smallest CPU the service's memory allows: staging's load
    # is a percent of prod's, the memory is what the process needs whatever the load.
    # Kubernetes pods keep prod's requests (the manifests are the same; the nodes shrink).
    vcpu, memory = (
        fargate_task_size(FARGATE_SMALLEST_VCPU, plan.memory_mb)
        if fargate
        else (plan.vcpu, plan.memory_mb)
    )
    if plan.type is ServiceType.CRON:
        return ServiceSize(
            name=plan.name,
            min_replicas=0,
            max_replicas=1,
            pod_disruption_min_available=None,
            vcpu=vcpu,
            memory_mb=memory,
        )
    low = min(plan.min_replicas, 1)
    high = max(low, min(plan.max_replicas, STAGING_MAX_REPLICAS))
    return ServiceSize(
        name=plan.name,
        min_replicas=low,
        max_replicas=high,
        pod_disruption_min_available=disruption_min_available(low),
        vcpu=vcpu,
        memory_mb=memory,
    )


def _staging_nodes(
    catalog: Catalog, compute: ComputeDesign, services: Sequence[ServiceSize]
) -> tuple[NodeType, int, int]:
    """Staging's node shape and its bounds: the smallest shape (staging's burstable ones
    first) that holds the largest pod, as many nodes as staging's replicas need at their
    minimum, and room for their maximum (at least one more node for a rolling update)."""
    design = catalog.design
    packing = design.node_packing
    running = [s for s in services if s.max_replicas > 0 and s.min_replicas > 0]
    shapes = [*design.staging_node_types, *design.node_types]
    largest_vcpu = max((s.vcpu for s in running), default=0.0)
    largest_gib = max((s.memory_mb / 1024 for s in running), default=0.0)
    shape = next(
        (
            n
            for n in shapes
            if largest_vcpu <= n.vcpu * packing and largest_gib <= n.memory_gib * packing
        ),
        _prod_shape(catalog, compute),
    )

    def needed(replicas: dict[str, int]) -> int:
        vcpu = sum(s.vcpu * replicas[s.name] for s in running)
        gib = sum(s.memory_mb / 1024 * replicas[s.name] for s in running)
        pods = sum(replicas.values())
        raw = max(
            vcpu / (shape.vcpu * packing),
            gib / (shape.memory_gib * packing),
            pods / (shape.max_pods * packing),
        )
        return math.ceil(round(raw, 6))

    low = max(needed({s.name: s.min_replicas for s in running}), 1)
    high = max(needed({s.name: s.max_replicas for s in running}), low + 1)
    return shape, low, high


def _prod_shape(catalog: Catalog, compute: ComputeDesign) -> NodeType:
    pool = compute.node_pool
    assert pool is not None  # noqa: S101  (staging has nodes only where prod has a pool)
    return named(catalog.design.node_types, pool.instance_type, "node type", where="the catalog")


def _staging_store(
    catalog: Catalog,
    store: StorePlan,
    plans: Sequence[ServicePlan],
    services: Sequence[ServiceSize],
    share: float,
) -> StoreSize:
    design = catalog.design
    gb = store.storage_gb * share
    kind = store.kind
    single = "single-AZ, no standby: a lost instance is restored from backup"
    instance_class = store.instance_class
    nodes = 1
    multi_az = False
    storage: dict[str, int] = {}
    if kind == "rds":
        sized = [(s, p) for s, p in zip(services, plans, strict=True) if store.name in p.uses]
        pools = Pools(
            min_replicas=sum(s.min_replicas for s, _ in sized),
            max_replicas=sum(s.max_replicas for s, _ in sized),
            per_replica=design.db_connections_per_replica,
        )
        load = store.load
        peak = (
            # staging carries a share of prod's average traffic (usage.staging_traffic_share)
            read_equivalent(
                load.average_reads_per_second.value,
                load.average_writes_per_second.value,
                design.data_sizing,
            )
            * share
            if load is not None
            else store.peak_rps * share
        )
        chosen = db_class(catalog, peak, pools)
        instance_class = chosen.class_
        users = ", ".join(p.name for _, p in sized)
        why = f"staging: {db_class_why(chosen, peak, pools, users)}; {single}; no read replicas"
        allocated = max(design.data_sizing.gp3.min_gb, math.ceil(round(gb, 6)))
        storage = {
            "allocated_gb": allocated,
            "max_allocated_gb": math.ceil(allocated * design.data_sizing.storage_headroom),
        }
    elif kind == "aurora":
        staging_class = design.data_sizing.aurora_staging_class
        instance_class = staging_class.class_
        why = (
            f"staging: one {instance_class} writer (Aurora's smallest class), no reader; "
            "a lost writer is recreated on the cluster volume, which keeps six copies "
            "across three AZs"
        )
    elif kind == "elasticache":
        cache = size_class(design.cache_classes, gb, staging=True)
        instance_class = cache.class_
        why = (
            f"staging: {cache.class_}, the smallest node for {number(round(gb, 3))} GB; one "
            "node, no replica: failover is prod's to prove, and an empty cache refills"
        )
    elif kind == "opensearch":
        search = size_class(design.search_classes, gb, staging=True)
        instance_class = search.class_
        why = (
            f"staging: one {search.class_} data node for {number(round(gb, 3))} GB (a "
            "burstable type AWS advises against only in production); no zone awareness"
        )
    elif kind == "memorydb":
        memorydb = memorydb_size(catalog, gb, replicas=0)
        instance_class, nodes = memorydb.node.class_, memorydb.nodes
        why = (
            f"staging: {nodes} {instance_class} node(s) for {number(round(gb, 3))} GB, no "
            "replica: a lost node is rebuilt from the durable log; failover is prod's to prove"
        )
    else:
        # S3 and DynamoDB have no instances: AWS keeps them across AZs whatever the size.
        nodes, multi_az = store.nodes, store.multi_az
        why = "staging: as in prod, billed by use (no instances to size)"
    return StoreSize(
        name=store.name,
        instance_class=instance_class,
        nodes=nodes,
        multi_az=multi_az,
        read_replicas=0,
        backup_retention_days=min(store.backup_retention_days, STAGING_BACKUP_DAYS),
        storage_gb=gb,
        why=why,
        allocated_gb=storage.get("allocated_gb"),
        max_allocated_gb=storage.get("max_allocated_gb"),
    )
