"""The bill's data stores: instances, volumes and provisioned gp3 performance,
Aurora clusters and I/O, S3 by lifecycle class, MemoryDB, DynamoDB, OpenSearch."""

from __future__ import annotations

import math

from infra_architect._figures import figure
from infra_architect.catalog import SECONDS_PER_MONTH
from infra_architect.cost import Usage
from infra_architect.engine._data_sizing import aurora_monthly_ios, stored_gb, tier_shares
from infra_architect.engine._design_model import StorePlan, StoreSize
from infra_architect.engine.assess._bill_parts import (
    GB,
    BillInputs,
    Sizes,
    instances_line,
    storage_line,
)


def stored_at(parts: BillInputs, plan: StorePlan, scale: float) -> float:
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


def store_lines(parts: BillInputs, sizes: Sizes, scale: float) -> list[Usage]:
    out: list[Usage] = []
    for plan in parts.data.stores:
        instance_class, nodes, replicas, key = sizes.stores[plan.name]
        gb = stored_at(parts, plan, scale)
        if plan.kind == "rds":
            copies = nodes + replicas
            size = sizes.store_sizes.get(plan.name)
            allocated = size.allocated_gb if size is not None else None
            out.append(
                instances_line(
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
                storage_line(
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
                instances_line(
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
                instances_line(
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
                storage_line(
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
                storage_line(
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
    parts: BillInputs, plan: StorePlan, size: StoreSize | None, copies: int
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
    parts: BillInputs,
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
        instances_line(
            f"{plan.name} (Aurora {instance_class})",
            "database",
            key,
            instances,
            plan.name,
            f"a writer + {instances - 1} reader(s)"
            + (", I/O-Optimized" if plan.io_optimized else ""),
        ),
        storage_line(
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


def _s3(parts: BillInputs, plan: StorePlan, gb: float, scale: float) -> list[Usage]:
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
            storage_line(
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


def _memorydb(  # noqa: PLR0917  (one store's lines of the bill)
    parts: BillInputs,
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
        instances_line(
            f"{name} ({instance_class})", "database", key, nodes, name, f"{nodes} node(s)"
        ),
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
