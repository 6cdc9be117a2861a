"""The bill's recovery region: a second serving region (active-active), or what
the standby builds there and the copies of the data."""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.cost import Usage
from infra_architect.engine._design_model import StandbySizing
from infra_architect.engine.assess._bill_compute import fargate_pair
from infra_architect.engine.assess._bill_parts import (
    BillInputs,
    Sizes,
    instances_line,
    storage_line,
)
from infra_architect.engine.assess._bill_stores import stored_at


def recovery_region_lines(
    parts: BillInputs, sizes: Sizes, first: list[Usage], scale: float
) -> list[Usage]:
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
                instances_line(
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
                storage_line(
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
                instances_line(
                    f"{plan.name} Aurora Global Database secondary ({instance_class})",
                    "recovery",
                    key,
                    1,
                    plan.name,
                    "one instance on the secondary cluster, promoted on disaster",
                )
            )
            out.append(
                storage_line(
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
                storage_line(
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
                storage_line(
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
                storage_line(
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
        for u in fargate_pair("Fargate, standby tasks", "steady", vcpu, memory, note)
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
