"""What every line of the bill reads (the design's parts, one environment's sizes)
and the shapes its lines share."""

from __future__ import annotations

from dataclasses import dataclass, field

from infra_architect._figures import Figure, figure
from infra_architect.catalog import HOURS_PER_MONTH, SECONDS_PER_MONTH, Catalog, UsageAssumptions
from infra_architect.cost import Category, Usage
from infra_architect.engine._design_model import (
    ComputeDesign,
    DataDesign,
    NetworkDesign,
    ObservabilityDesign,
    QueueSize,
    SecurityDesign,
    StandbySizing,
    StoreSize,
)
from infra_architect.engine._model import Constraints, ServiceCapacity
from infra_architect.spec import Requirements

GB = 1e9


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
class BillInputs:
    """The chosen design's parts the bill reads, with the spec and the catalog."""

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
        return self.constraints.service(name)


def hours(count: float, what: str) -> Figure:
    return figure(
        count * HOURS_PER_MONTH,
        "hours/month",
        "{%s} × {hours_per_month}" % what,  # noqa: UP031  (braces are the template)
        **{what: count, "hours_per_month": float(HOURS_PER_MONTH)},
    )


def per_million(
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


def gigabytes(rps: float, bytes_per: float, what: str) -> Figure:
    return figure(
        rps * bytes_per * SECONDS_PER_MONTH / GB,
        "GB",
        "{requests_per_second} × {%s} × {seconds_per_month} / 1e9" % what,  # noqa: UP031
        **{"requests_per_second": rps, what: bytes_per, "seconds_per_month": SECONDS_PER_MONTH},
    )


def instances_line(  # noqa: PLR0917  (one line of the bill)
    component: str, category: Category, key: str | None, count: int, workload: str, note: str
) -> Usage:
    return Usage(
        component=component,
        category=category,
        price_key=key or "",
        quantity=hours(float(count), "instances"),
        commitment="steady",
        traffic_scaled=False,
        workload=workload,
        note=note,
    )


def storage_line(  # noqa: PLR0917  (one line of the bill)
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
