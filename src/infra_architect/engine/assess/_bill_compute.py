"""The bill's compute: EKS nodes and control plane, Fargate tasks (running and
scheduled), Lambda duration and requests."""

from __future__ import annotations

import math

from infra_architect._figures import figure, number
from infra_architect.catalog import SECONDS_PER_MONTH
from infra_architect.cost import Commitment, Usage
from infra_architect.engine._design_model import ServicePlan
from infra_architect.engine.assess._bill_parts import (
    BillInputs,
    Sizes,
    hours,
    per_million,
)
from infra_architect.errors import named
from infra_architect.spec import ComputeChoice, ServiceType, cron_runs_per_month


def compute_lines(parts: BillInputs, sizes: Sizes, scale: float) -> list[Usage]:
    running = [p for p in parts.compute.services if p.type is not ServiceType.CRON]
    replicas = {p.name: _replicas_at(parts, sizes, p, scale) for p in running}
    pool = parts.compute.node_pool
    if pool is not None and sizes.node_min is not None:
        return _nodes(parts, sizes, running, replicas)
    if parts.compute.platform == ComputeChoice.LAMBDA:
        return _lambda(parts, scale)
    return _fargate(parts, sizes, running, replicas)


def _replicas_at(parts: BillInputs, sizes: Sizes, plan: ServicePlan, scale: float) -> int:
    """Replicas running at the month's average load: the autoscaler follows load, never
    below the environment's minimum nor above its maximum."""
    low = sizes.replicas_min[plan.name]
    capacity = parts.capacity(plan.name)
    per_replica = capacity.load_per_replica.value
    if per_replica <= 0:
        return low
    needed = math.ceil(round(capacity.average_load.value * scale / per_replica, 6))
    return min(max(low, needed), max(low, sizes.replicas_max[plan.name]))


def _nodes(
    parts: BillInputs, sizes: Sizes, running: list[ServicePlan], replicas: dict[str, int]
) -> list[Usage]:
    design = parts.catalog.design
    assert sizes.node_min is not None  # noqa: S101  (checked by the caller)
    # The environment's own shape: staging runs smaller nodes than prod.
    pool = named(
        [*design.staging_node_types, *design.node_types],
        sizes.node_type or "",
        "node type",
        where="the catalog",
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
            quantity=hours(1.0, "clusters"),
            commitment="steady",
            traffic_scaled=False,
            note="one cluster per environment",
        ),
        Usage(
            component=f"EKS nodes ({pool.name}), baseline",
            category="compute",
            price_key=key,
            quantity=hours(float(sizes.node_min), "nodes"),
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
                quantity=hours(float(above), "nodes"),
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
    parts: BillInputs, sizes: Sizes, running: list[ServicePlan], replicas: dict[str, int]
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
            out.extend(fargate_pair(f"Fargate, {label}", commitment, vcpu, memory, note))
    for plan in parts.compute.services:
        if plan.type is ServiceType.CRON and plan.schedule:
            out.extend(_cron_runs(parts, plan, size[plan.name]))
    return out


def _cron_runs(parts: BillInputs, plan: ServicePlan, size: tuple[float, int]) -> list[Usage]:
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


def fargate_pair(
    label: str, commitment: Commitment, vcpu: float, memory: float, note: str
) -> list[Usage]:
    return [
        Usage(
            component=f"{label} (vCPU)",
            category="compute",
            price_key="fargate_vcpu_hour",
            quantity=hours(vcpu, "vcpu"),
            commitment=commitment,
            traffic_scaled=commitment != "steady",
            note=note,
        ),
        Usage(
            component=f"{label} (memory)",
            category="compute",
            price_key="fargate_gb_hour",
            quantity=hours(memory, "memory_gb"),
            commitment=commitment,
            traffic_scaled=commitment != "steady",
            note=note,
        ),
    ]


def _lambda(parts: BillInputs, scale: float) -> list[Usage]:
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
            per_million(
                f"Lambda {plan.name} (requests)", "compute", "lambda_million_requests", requests
            )
        )
    return out
