"""Environment sizing: prod exactly as designed, staging in prod's shape at its minimum.

Staging keeps every component and every mechanism prod relies on (autoscaling, failover
of caches, the deployment strategy) so a change proves itself there first, but at the
smallest size that still exercises them: that is what makes it cheap enough to keep.
"""

from __future__ import annotations

import math

from infra_architect.catalog import Catalog
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
from infra_architect.engine.choose._compute import disruption_min_available
from infra_architect.spec import Requirements, ServiceType

STAGING_BACKUP_DAYS = 7
STAGING_MAX_REPLICAS = 4


def size_environments(  # noqa: PLR0917  (the design's parts, in pipeline order)
    req: Requirements,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    azs: int,
) -> list[EnvironmentSizing]:
    """Staging then prod, in promotion order."""
    return [_staging(req, catalog, compute, data, azs), _prod(req, compute, network, data)]


def namespace(req: Requirements, env: str) -> str:
    """One namespace per environment: a kubectl context mix-up fails loudly, not silently."""
    return f"{req.metadata.name}-{env}"


def _prod(
    req: Requirements, compute: ComputeDesign, network: NetworkDesign, data: DataDesign
) -> EnvironmentSizing:
    pool = compute.node_pool
    return EnvironmentSizing(
        name="prod",
        account_id=req.cloud.accounts.prod,
        namespace=namespace(req, "prod"),
        nat_gateways=network.nat_gateways,
        node_min=pool.min_nodes.whole if pool else None,
        node_max=pool.max_nodes.whole if pool else None,
        services=[
            ServiceSize(
                name=s.name,
                min_replicas=s.min_replicas,
                max_replicas=s.max_replicas,
                pod_disruption_min_available=s.pod_disruption_min_available,
            )
            for s in compute.services
        ],
        stores=[_prod_store(s) for s in data.stores],
        deletion_protection=True,
        cross_region_recovery=True,
        why="the design's sizes: capacity for peak traffic and the failures it must survive",
    )


def _prod_store(store: StorePlan) -> StoreSize:
    return StoreSize(
        name=store.name,
        instance_class=store.instance_class,
        nodes=store.nodes,
        multi_az=store.multi_az,
        read_replicas=store.read_replicas,
        backup_retention_days=store.backup_retention_days,
    )


def _staging(
    req: Requirements, catalog: Catalog, compute: ComputeDesign, data: DataDesign, azs: int
) -> EnvironmentSizing:
    services = [_staging_service(s) for s in compute.services]
    pool = compute.node_pool
    node_min = node_max = None
    if pool is not None:
        vcpu = sum(s.min_replicas * p.vcpu for s, p in zip(services, compute.services, strict=True))
        memory = sum(
            s.min_replicas * p.memory_mb / 1024
            for s, p in zip(services, compute.services, strict=True)
        )
        packing = catalog.design.node_packing
        needed = max(vcpu / (pool.vcpu * packing), memory / (pool.memory_gib * packing))
        node_min = max(math.ceil(needed / azs), 1) * azs
        node_max = 2 * node_min
    return EnvironmentSizing(
        name="staging",
        account_id=req.cloud.accounts.staging,
        namespace=namespace(req, "staging"),
        nat_gateways=1,
        node_min=node_min,
        node_max=node_max,
        services=services,
        stores=[_staging_store(catalog, s) for s in data.stores],
        deletion_protection=False,
        cross_region_recovery=False,
        why=(
            "prod's shape at its minimum: every component and mechanism (autoscaling, cache "
            "failover, the deployment strategy) at the smallest size that exercises it; one NAT "
            "gateway, single-AZ databases, no read replicas, "
            f"{STAGING_BACKUP_DAYS}-day backups, no copies in the recovery region"
        ),
    )


def _staging_service(plan: ServicePlan) -> ServiceSize:
    if plan.type is ServiceType.CRON:
        return ServiceSize(
            name=plan.name, min_replicas=0, max_replicas=1, pod_disruption_min_available=None
        )
    floor = 1 if plan.type is ServiceType.WORKER else 2
    low = min(plan.min_replicas, floor)
    high = max(low, min(plan.max_replicas, STAGING_MAX_REPLICAS))
    return ServiceSize(
        name=plan.name,
        min_replicas=low,
        max_replicas=high,
        pod_disruption_min_available=disruption_min_available(low),
    )


def _staging_store(catalog: Catalog, store: StorePlan) -> StoreSize:
    design = catalog.design
    smallest = {
        "rds": design.db_classes[0].class_,
        "elasticache": design.cache_classes[0].class_,
        "opensearch": design.search_classes[0].class_,
    }
    kind = store.kind
    instance_class = smallest.get(kind, store.instance_class) if store.instance_class else None
    if kind == "elasticache":
        nodes = min(store.nodes, 2)  # a primary and one replica: failover still testable
    elif kind in ("rds", "memorydb", "opensearch"):
        nodes = 1
    else:
        nodes = store.nodes
    return StoreSize(
        name=store.name,
        instance_class=instance_class,
        nodes=nodes,
        multi_az=store.multi_az and kind == "elasticache" and nodes > 1,
        read_replicas=0,
        backup_retention_days=min(store.backup_retention_days, STAGING_BACKUP_DAYS),
    )
