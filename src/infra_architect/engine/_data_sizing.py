"""Data sizing from reads and writes: the rows each store reads and writes, derived from
the call graph and the queues, and what they size (instance class and read replicas,
gp3 IOPS and throughput, storage growth, Aurora when its failover is what the SLO or RTO
needs, S3 lifecycle tiers).

Pure functions over the spec, the services' capacity and the catalog's ``data_sizing``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from infra_architect._figures import Figure, figure, given, number
from infra_architect.catalog import (
    SECONDS_PER_MONTH,
    AuroraClass,
    Catalog,
    DataSizing,
    DbClass,
)
from infra_architect.engine._design_model import (
    LifecycleTier,
    StorageForecast,
    StoreLoad,
    StoreUse,
)
from infra_architect.engine._model import ServiceCapacity, TrafficFigures
from infra_architect.spec import (
    AppliedDefault,
    Datastore,
    DatastoreEngine,
    DatastoreRole,
    Requirements,
    S3AccessPattern,
    Service,
    ServiceType,
    found,
)

DAYS_PER_MONTH = 365 / 12
GB = 1e9
MIB = 1024 * 1024
TRANSITION_MIN_BYTES = 128 * 1024
"""S3 Lifecycle does not move objects smaller than 128 KB by default (S3 User Guide)."""
DEFAULT_PATTERN = S3AccessPattern.FREQUENT


class _Rated(Protocol):
    @property
    def below_rps(self) -> float: ...

    @property
    def max_connections(self) -> int: ...


_Class = TypeVar("_Class", bound=_Rated)


# --- reads and writes ------------------------------------------------------------------


def access(
    service: Service, sizing: DataSizing, engine: DatastoreEngine | None = None
) -> tuple[float, float]:
    """(rows read, rows written) per request or message: the spec's, else the type's (an
    S3 bucket's writes are objects, rarer than rows)."""
    default = sizing.access_defaults[service.type]
    stated = service.data_access
    reads = stated.reads_per_request if stated and stated.reads_per_request is not None else None
    writes = stated.writes_per_request if stated and stated.writes_per_request is not None else None
    if writes is None:
        writes = (
            sizing.object_writes_per_request[service.type]
            if engine is DatastoreEngine.S3
            else default.writes_per_request
        )
    return (default.reads_per_request if reads is None else reads, writes)


def caches_in_front(req: Requirements, service: Service, store: Datastore) -> list[str]:
    """The caches (Redis stores of role cache) ``service`` reads the relational ``store``
    through: the ones it uses beside it."""
    if not store.engine.relational:
        return []
    stores = {d.name: d for d in req.system.datastores}
    return sorted(
        u
        for u in service.uses
        if u in stores
        and stores[u].engine is DatastoreEngine.REDIS
        and (stores[u].role or DatastoreRole.CACHE) is DatastoreRole.CACHE
    )


def _behind_cache(req: Requirements, service: Service, store: Datastore) -> str | None:
    """The cache the service reads a relational store through, if it uses one."""
    return " and ".join(caches_in_front(req, service, store)) or None


def store_load(
    req: Requirements, services: Sequence[ServiceCapacity], store: Datastore, catalog: Catalog
) -> StoreLoad:
    """Rows read and written in ``store``: for every long-running service that uses it,
    its load (requests/s, or messages/s for a worker, as the call graph and the queues
    give it) × the rows it reads and writes per request. Reads through a cache the same
    service uses reach the store only on a miss; writes always do. Cron jobs run between
    peaks and are left out."""
    sizing = catalog.design.data_sizing
    hit = catalog.design.cache_hit_ratio
    by_name = {s.name: s for s in services}
    uses: list[StoreUse] = []
    peak_reads: dict[str, float] = {}
    peak_writes: dict[str, float] = {}
    avg_reads: dict[str, float] = {}
    avg_writes: dict[str, float] = {}
    for service in req.system.services:
        if store.name not in service.uses or service.type is ServiceType.CRON:
            continue
        capacity = by_name.get(service.name)
        if capacity is None:
            continue
        reads, writes = access(service, sizing, store.engine)
        cache = _behind_cache(req, service, store)
        miss = 1.0 - hit if cache else 1.0
        growth = capacity.growth_peak_load.value
        average = capacity.average_load.value
        key = service.name
        peak_reads[key] = growth * reads * miss
        peak_writes[key] = growth * writes
        avg_reads[key] = average * reads * miss
        avg_writes[key] = average * writes
        unit = "message" if service.type is ServiceType.WORKER else "request"
        source = "spec" if service.data_access else f"{service.type.value} default"
        rows = "object" if store.engine is DatastoreEngine.S3 else "row"
        uses.append(
            StoreUse(
                service=key,
                reads_per_second=round(peak_reads[key], 6),
                writes_per_second=round(peak_writes[key], 6),
                note=f"{number(reads)} {rows} read(s) and {number(writes)} write(s) a {unit} "
                f"({source}) at {number(round(growth, 3))} {unit}s/s"
                + (f"; {cache} answers {hit:.0%} of the reads" if cache else ""),
            )
        )
    return StoreLoad(
        reads_per_second=_total(peak_reads, "rows read/s", "reads"),
        writes_per_second=_total(peak_writes, "rows written/s", "writes"),
        average_reads_per_second=_total(avg_reads, "rows read/s", "reads"),
        average_writes_per_second=_total(avg_writes, "rows written/s", "writes"),
        uses=uses,
    )


def _total(parts: dict[str, float], unit: str, what: str) -> Figure:
    if not parts:
        return given(0.0, unit, f"no long-running service {what} this store")
    names = {f"{name.replace('-', '_')}_{what}": value for name, value in parts.items()}
    return figure(
        sum(names.values()),
        unit,
        " + ".join("{%s}" % name for name in names),  # noqa: UP031  (braces are the template)
        **names,
    )


def data_access_notes(req: Requirements, catalog: Catalog) -> list[AppliedDefault]:
    """The defaults data sizing applies, as assumptions: each service's rows per request
    where the spec states none, each store's row size, and a bucket's access pattern."""
    sizing = catalog.design.data_sizing
    stores = {d.name for d in req.system.datastores}
    notes: list[AppliedDefault] = []
    for index, service in enumerate(req.system.services):
        if service.type is ServiceType.CRON or not stores.intersection(service.uses):
            continue
        stated = service.data_access
        default = sizing.access_defaults[service.type]
        unit = "message" if service.type is ServiceType.WORKER else "request"
        why = (
            "a worker consuming a queue reads the row it changes and writes it (YCSB "
            "workload F, read-modify-write)"
            if service.type is ServiceType.WORKER
            else "a request mostly reads (YCSB workload B, 95 % reads / 5 % updates)"
        )
        loc = ("system", "services", index, "data_access")
        if stated is None or stated.reads_per_request is None:
            notes.append(
                found(
                    (*loc, "reads_per_request"),
                    default.reads_per_request,
                    f"rows read a {unit} in each datastore it uses: {why}",
                    service.name,
                )
            )
        if stated is None or stated.writes_per_request is None:
            notes.append(
                found(
                    (*loc, "writes_per_request"),
                    default.writes_per_request,
                    f"rows written a {unit} in each datastore it uses: {why}",
                    service.name,
                )
            )
            if any(
                d.name in service.uses and d.engine is DatastoreEngine.S3
                for d in req.system.datastores
            ):
                notes.append(
                    found(
                        (*loc, "writes_per_request"),
                        sizing.object_writes_per_request[service.type],
                        f"objects written to S3 a {unit}: an upload or a generated file is "
                        "rare (state writes_per_request: it sizes the bucket's growth)",
                        service.name,
                    )
                )
    for index, store in enumerate(req.system.datastores):
        engine = store.engine
        where = ("system", "datastores", index)
        if store.row_bytes is None and (
            engine.relational or engine in (DatastoreEngine.S3, DatastoreEngine.DYNAMODB)
        ):
            notes.append(
                found(
                    (*where, "row_bytes"),
                    sizing.row_bytes[engine.value],
                    "bytes a written object adds (a document or photo upload)"
                    if engine is DatastoreEngine.S3
                    else "bytes a written row adds with its indexes (a dozen columns)",
                    store.name,
                )
            )
        if engine is DatastoreEngine.S3 and store.access_pattern is None:
            notes.append(
                found(
                    (*where, "access_pattern"),
                    DEFAULT_PATTERN.value,
                    "objects are read whatever their age: Standard only (state recent, "
                    "archive or cold to move ageing objects to cheaper classes)",
                    store.name,
                )
            )
    return notes


# --- storage growth --------------------------------------------------------------------


def monthly_growth(traffic: TrafficFigures) -> float:
    """Traffic's growth factor a month (1 without a growth target)."""
    rate = traffic.monthly_growth_rate
    return 1.0 + rate.value / 100 if rate is not None else 1.0


def horizon_months(traffic: TrafficFigures, sizing: DataSizing) -> int:
    return traffic.growth_months or sizing.storage_horizon_months


def written_gb_per_month(load: StoreLoad, row_bytes: float) -> Figure:
    return figure(
        load.average_writes_per_second.value * row_bytes * SECONDS_PER_MONTH / GB,
        "GB/month",
        "{average_writes_per_second} × {row_bytes} × {seconds_per_month} / 1e9",
        average_writes_per_second=load.average_writes_per_second.value,
        row_bytes=row_bytes,
        seconds_per_month=float(SECONDS_PER_MONTH),
    )


def stored_gb(
    initial_gb: float,
    written_per_month: float,
    growth: float,
    months: float,
    retention_days: float | None,
) -> float:
    """Data held ``months`` from today: today's data plus what was written since (each
    month's writes grow with traffic, month m writes ``written × growth^m``), of which only
    the last ``retention_days`` are kept. Today's data is kept whole (an upper bound)."""
    if months <= 0:
        return initial_gb
    kept = months if retention_days is None else min(months, retention_days / DAYS_PER_MONTH)
    total = 0.0
    whole = math.floor(months)
    for m in range(1, whole + 1):
        age = months - m  # months since month m ended
        share = min(1.0, max(0.0, kept - age))
        total += written_per_month * growth**m * share
    tail = months - whole
    if tail > 0:
        total += written_per_month * growth ** (whole + 1) * min(tail, kept)
    return initial_gb + total


def forecast(
    store: Datastore,
    load: StoreLoad,
    traffic: TrafficFigures,
    sizing: DataSizing,
    initial_gb: float,
) -> StorageForecast:
    row_bytes = store.row_bytes or sizing.row_bytes[store.engine.value]
    written = written_gb_per_month(load, row_bytes)
    growth = monthly_growth(traffic)
    months = horizon_months(traffic, sizing)
    held = stored_gb(initial_gb, written.value, growth, months, store.retention_days)
    at_horizon = figure(
        held,
        "GB",
        "{today_gb} + Σ {written_gb_per_month} × {monthly_growth}^m over the months kept "
        "of {months}",
        today_gb=initial_gb,
        written_gb_per_month=written.value,
        monthly_growth=growth,
        months=float(months),
    )
    return StorageForecast(
        row_bytes=row_bytes,
        retention_days=store.retention_days,
        written_gb_per_month=written,
        horizon_months=months,
        at_horizon_gb=at_horizon,
        monthly_growth=growth,
    )


# --- relational: class, replicas, IOPS -------------------------------------------------


def read_equivalent(reads: float, writes: float, sizing: DataSizing) -> float:
    """Database work in point reads: a row write costs ``write_cost`` reads."""
    return reads + writes * sizing.write_cost


def size_relational(
    classes: Sequence[_Class],
    sizing: DataSizing,
    load: StoreLoad,
    steady_connections: int,
    replica_from: int,
) -> tuple[_Class, int, float]:
    """(primary class, read replicas, reads the primary serves). The smallest class
    holding reads + writes × write_cost and the pools; past ``classes[replica_from]``
    the primary keeps the writes and as many reads as it has room for, and read
    replicas of its class take the rest (up to ``max_read_replicas``)."""
    reads = load.reads_per_second.value
    write_units = load.writes_per_second.value * sizing.write_cost
    units = reads + write_units

    def fits(c: _Class, work: float) -> bool:
        return work < c.below_rps and steady_connections <= c.max_connections

    whole = next((c for c in classes if fits(c, units)), None)
    index = classes.index(whole) if whole is not None else len(classes)
    if index <= replica_from:
        assert whole is not None  # noqa: S101  (index <= replica_from < len)
        return whole, 0, reads
    # Scale reads out: the primary is at least the replica class, large enough for the
    # writes (and the pools) with room to spare for some reads.
    eligible = list(classes[replica_from:])
    primary = next((c for c in eligible if fits(c, write_units)), eligible[-1])
    room = max(0.0, primary.below_rps - write_units)
    on_primary = min(reads, room)
    replicas = math.ceil(round((reads - on_primary) / primary.below_rps, 6))
    return primary, min(replicas, sizing.max_read_replicas), on_primary


def db_class_relational(
    catalog: Catalog, load: StoreLoad, steady_connections: int
) -> tuple[DbClass, int, float]:
    classes = catalog.design.db_classes
    sizing = catalog.design.data_sizing
    start = next(i for i, c in enumerate(classes) if c.class_ == sizing.replica_from_class)
    return size_relational(classes, sizing, load, steady_connections, start)


def aurora_class(
    catalog: Catalog, load: StoreLoad, steady_connections: int
) -> tuple[AuroraClass, int, float]:
    """Aurora's writer class and the readers read load needs beyond the writer; the
    ladder is Aurora's (memory-optimised), scaling reads out from its first class."""
    sizing = catalog.design.data_sizing
    return size_relational(sizing.aurora_classes, sizing, load, steady_connections, 0)


def gp3_performance(  # noqa: PLR0917  (one argument per input of the volume's sizing)
    store: Datastore,
    load: StoreLoad,
    primary_reads: float,
    sizing: DataSizing,
    storage: StorageForecast,
    today_gb: float,
) -> StorageForecast:
    """IOPS and throughput of the primary's volume at the growth peak, and the allocation
    and provisioning gp3 needs for them: below ``large_from_gb`` RDS gives 3,000 IOPS and
    125 MiB/s and provisions nothing more; past that baseline the volume is allocated at
    ``large_from_gb`` (12,000 IOPS, 500 MiB/s) and IOPS/throughput beyond it provisioned."""
    gp3 = sizing.gp3
    writes = load.writes_per_second.value
    iops = figure(
        writes * sizing.ios_per_write + primary_reads * sizing.read_miss_ratio,
        "IOPS",
        "{writes_per_second} × {ios_per_write} + {primary_reads_per_second} × {read_miss_ratio}",
        writes_per_second=writes,
        ios_per_write=sizing.ios_per_write,
        primary_reads_per_second=primary_reads,
        read_miss_ratio=sizing.read_miss_ratio,
    )
    page = sizing.page_bytes[store.engine.value]
    mibps = figure(
        iops.value * page / MIB,
        "MiB/s",
        "{iops} × {page_bytes} / 1048576",
        iops=iops.value,
        page_bytes=float(page),
    )
    allocated = max(gp3.min_gb, math.ceil(round(today_gb, 6)))
    base_iops, base_mibps = gp3.iops, gp3.mibps
    provisioned_iops: int | None = None
    provisioned_mibps: int | None = None
    if allocated >= gp3.large_from_gb or iops.value > gp3.iops or mibps.value > gp3.mibps:
        allocated = max(allocated, gp3.large_from_gb)
        base_iops, base_mibps = gp3.large_iops, gp3.large_mibps
        if iops.value > base_iops or mibps.value > base_mibps:
            wanted = max(base_iops, _round_up(iops.value, 1000))
            wanted = max(wanted, math.ceil(mibps.value / gp3.max_mibps_per_iops))
            provisioned_iops = min(gp3.max_iops, wanted, int(allocated * gp3.max_iops_per_gb))
            provisioned_mibps = min(
                gp3.max_mibps,
                max(base_mibps, _round_up(mibps.value, 25)),
                int(provisioned_iops * gp3.max_mibps_per_iops),
            )
    ceiling = max(
        math.ceil(round(storage.at_horizon_gb.value * sizing.storage_headroom, 6)),
        math.ceil(allocated * 1.1),
    )
    return storage.model_copy(
        update={
            "allocated_gb": allocated,
            "max_allocated_gb": ceiling,
            "iops": iops,
            "throughput_mibps": mibps,
            "baseline_iops": base_iops,
            "baseline_mibps": base_mibps,
            "provisioned_iops": provisioned_iops,
            "provisioned_mibps": provisioned_mibps,
        }
    )


def _round_up(value: float, step: int) -> int:
    return math.ceil(round(value / step, 6)) * step


def storage_why(storage: StorageForecast) -> str:
    """The storage sentence of a relational store's why."""
    kept = (
        f"kept {number(storage.retention_days)} days"
        if storage.retention_days is not None
        else "kept for good"
    )
    text = (
        f"storage grows {number(round(storage.written_gb_per_month.value, 2))} GB/month "
        f"({number(storage.row_bytes)} B a row, {kept}) to "
        f"{number(round(storage.at_horizon_gb.value, 1))} GB at month "
        f"{storage.horizon_months}"
    )
    if storage.allocated_gb is not None:
        text += (
            f"; gp3 {storage.allocated_gb:,} GB allocated, autoscaling to "
            f"{storage.max_allocated_gb:,} GB"
        )
    if storage.iops is not None and storage.throughput_mibps is not None:
        text += (
            f"; {number(round(storage.iops.value, 1))} IOPS and "
            f"{number(round(storage.throughput_mibps.value, 1))} MiB/s at the growth peak"
        )
        if storage.provisioned_iops is not None:
            text += (
                f" exceed the {storage.baseline_iops:,} IOPS / {storage.baseline_mibps} MiB/s "
                f"baseline: {storage.provisioned_iops:,} IOPS and "
                f"{storage.provisioned_mibps} MiB/s provisioned"
            )
        elif storage.baseline_iops is not None and storage.baseline_iops > 3000:
            text += (
                f" pass gp3's small-volume baseline: {storage.allocated_gb} GB allocated for "
                f"the {storage.baseline_iops:,} IOPS / {storage.baseline_mibps} MiB/s baseline"
            )
        else:
            text += (
                f" (gp3 baseline {storage.baseline_iops:,} IOPS / {storage.baseline_mibps} MiB/s)"
            )
    return text


def load_why(load: StoreLoad, sizing: DataSizing) -> str:
    """The reads and writes sentence of a store's why."""
    reads = load.reads_per_second.value
    writes = load.writes_per_second.value
    per = "; ".join(f"{u.service}: {u.note}" for u in load.uses) or "no service"
    return (
        f"{number(round(reads, 1))} rows read/s and {number(round(writes, 1))} rows "
        f"written/s at the growth peak ({per}) = "
        f"{number(round(read_equivalent(reads, writes, sizing), 1))} read-equivalent "
        f"queries/s (a write costs {number(sizing.write_cost)} reads)"
    )


# --- Aurora ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuroraChoice:
    chosen: bool
    why: str


def choose_aurora(
    req: Requirements, catalog: Catalog, store: Datastore, *, multi: bool
) -> AuroraChoice:
    """Aurora when its faster failover is what the SLO or the RTO needs: one Multi-AZ
    instance failover (60-120 s) spends more than ``failover_budget_share`` of the
    month's error budget, or the stated RTO is shorter than it. A pin in the spec wins."""
    sizing = catalog.design.data_sizing
    instance = sizing.instance_failover_seconds / 60
    fast = sizing.aurora_failover_seconds / 60
    budget = (100 - req.availability.slo) / 100 * 30 * 1440
    allowed = budget * sizing.failover_budget_share
    rto = req.availability.rto_minutes
    figures = (
        f"one Multi-AZ instance failover takes up to {number(instance)} min, Aurora's "
        f"about {number(fast)} min; {share_text(sizing.failover_budget_share)} of the "
        f"{req.availability.slo:g}% monthly error budget is {number(round(allowed, 2))} min"
        + (f", the RTO {number(rto)} min" if rto is not None else "")
    )
    if store.aurora is not None:
        return AuroraChoice(
            store.aurora, f"{'Aurora' if store.aurora else 'RDS'} pinned in the spec; {figures}"
        )
    if not multi:
        return AuroraChoice(chosen=False, why=f"single-AZ: no failover to speed up; {figures}")
    reasons = []
    if instance > allowed:
        reasons.append("an instance failover spends more than the error budget's share")
    if rto is not None and rto < instance:
        reasons.append("the RTO is shorter than an instance failover")
    if reasons:
        return AuroraChoice(chosen=True, why=f"Aurora: {' and '.join(reasons)} ({figures})")
    return AuroraChoice(
        chosen=False, why=f"RDS Multi-AZ: an instance failover fits the budget ({figures})"
    )


def share_text(fraction: float) -> str:
    return f"{fraction:.0%}"


def aurora_monthly_ios(load: StoreLoad, sizing: DataSizing) -> float:
    """Aurora I/O requests a month at today's average load: reads that miss the buffer
    cache read a page, each row write one log record."""
    reads = load.average_reads_per_second.value
    writes = load.average_writes_per_second.value
    per_second = reads * sizing.read_miss_ratio + writes * sizing.aurora_ios_per_write
    return per_second * SECONDS_PER_MONTH


# --- S3 lifecycle ----------------------------------------------------------------------


def lifecycle(store: Datastore, sizing: DataSizing) -> list[LifecycleTier]:
    pattern = store.access_pattern or DEFAULT_PATTERN
    return [
        LifecycleTier(
            storage_class=step.storage_class,
            title=sizing.s3_classes[step.storage_class].title,
            after_days=step.after_days,
        )
        for step in sizing.s3_patterns[pattern]
    ]


@dataclass(frozen=True)
class TierShare:
    """GB one storage class holds, and the objects moving into it a month."""

    storage_class: str
    title: str
    gb: float
    transitions: float


def tier_shares(
    tiers: Sequence[LifecycleTier], total_gb: float, written_per_month: float, object_bytes: float
) -> list[TierShare]:
    """How ``total_gb`` splits across the classes at steady writing: Standard holds what
    was written in the first transition's days, each class what was written in the days
    it keeps an object, and the last class the rest (today's data, older than every
    transition). Every object written passes every transition once a month later; objects
    below 128 KB stay in Standard, as S3 Lifecycle leaves them."""
    if not tiers or object_bytes < TRANSITION_MIN_BYTES:
        return [TierShare("STANDARD", "S3 Standard", total_gb, 0.0)]
    objects = written_per_month * GB / object_bytes
    bounds = [0, *(t.after_days for t in tiers)]
    names = [("STANDARD", "S3 Standard"), *((t.storage_class, t.title) for t in tiers)]
    out: list[TierShare] = []
    left = total_gb
    for i, (name, title) in enumerate(names):
        if i < len(names) - 1:
            gb = min(left, written_per_month * (bounds[i + 1] - bounds[i]) / DAYS_PER_MONTH)
        else:
            gb = left
        left -= gb
        out.append(TierShare(name, title, gb, 0.0 if i == 0 else objects))
    return out
