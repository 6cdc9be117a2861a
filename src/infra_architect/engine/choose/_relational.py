"""A relational store's plan, sized from its reads and writes: RDS (Multi-AZ instance,
read replicas from read load, gp3 provisioned past its baseline) or Aurora when its
failover is what the SLO or RTO needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from infra_architect._figures import Figure, given, number
from infra_architect.catalog import HOURS_PER_MONTH, Catalog, EngineVersion
from infra_architect.engine._data_sizing import (
    aurora_class,
    aurora_monthly_ios,
    choose_aurora,
    db_class_relational,
    forecast,
    gp3_performance,
    load_why,
    read_equivalent,
    storage_why,
)
from infra_architect.engine._design_model import EngineRelease, StoreLoad, StorePlan
from infra_architect.engine._model import Constraints
from infra_architect.engine.choose._network import STORE_PORTS
from infra_architect.spec import Datastore, DatastoreEngine, Requirements

_ENGINE_TITLE = {DatastoreEngine.POSTGRES: "PostgreSQL", DatastoreEngine.MYSQL: "MySQL"}
MIN_POOL = 2
"""Connections a replica's pool needs at least (one query in flight while another
connection is checked out); below that a shared proxy is the answer."""


@dataclass(frozen=True)
class Pools:
    """The connection pools of the services using a relational store."""

    min_replicas: int
    max_replicas: int
    per_replica: int

    @property
    def steady(self) -> int:
        """Connections the services hold at their minimum replicas, default pools."""
        return self.min_replicas * self.per_replica

    def cap(self, limit: int) -> int | None:
        """The pool size that keeps the autoscaler's maximum within ``limit``, where the
        default pools would pass it (None: they fit)."""
        if self.max_replicas * self.per_replica <= limit:
            return None
        return limit // self.max_replicas

    def note(self, limit: int) -> str:
        """The pools at the minimum replicas, and what the autoscaler's maximum needs
        against the class's connection limit."""
        cap = self.cap(limit)
        shown = f"{limit:,}"
        return (
            f"; {self.steady:,} pooled connections at the minimum replicas "
            f"({self.per_replica} each; the class allows {shown})"
        ) + (
            ""
            if cap is None
            else f"; at the autoscaler's maximum ({self.max_replicas} replicas) cap each "
            f"pool at {cap} connections (or put RDS Proxy in front) to stay within {shown}"
            if cap >= MIN_POOL
            else f"; at the autoscaler's maximum ({self.max_replicas} replicas) even "
            f"{MIN_POOL} connections each pass the class's {shown}: put RDS Proxy (or "
            "PgBouncer) in front to share connections"
        )


def relational_store(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    store: Datastore,
    *,
    load: StoreLoad,
    pools: Pools,
    multi: bool,
    gb: float,
    retention: int,
    dr_region: str,
    peak_rps: float,
    cache_note: str,
) -> StorePlan:
    design = catalog.design
    sizing = design.data_sizing
    engine = store.engine
    steady = pools.steady
    strategy = constraints.recovery.strategy
    # the data replication chosen for the RPO (independent of the standby compute)
    replicate = constraints.recovery.data_replication != "backup-copy"
    storage = forecast(store, load, constraints.traffic, sizing, gb)
    aurora = choose_aurora(req, catalog, store, multi=multi)
    units = read_equivalent(load.reads_per_second.value, load.writes_per_second.value, sizing)
    zero: Figure = given(0.0, "min", "synchronous replication to the standby in another AZ")
    if aurora.chosen:
        writer, readers, on_writer = aurora_class(catalog, load, steady)
        # the failover target in another AZ is a reader that also serves reads
        failover_reader = 1 if multi else 0
        extra = max(0, readers - failover_reader)
        ios = aurora_monthly_ios(load, sizing)
        io_optimized = _io_optimized(
            catalog, req.cloud.region, writer.price_key, ios, gb, 1 + failover_reader + extra
        )
        return StorePlan(
            kind="aurora",
            name=store.name,
            engine=engine.value,
            engine_version=_release(catalog.design.engine_versions.aurora, engine.value),
            role="primary",
            aws_service=f"Amazon Aurora {_ENGINE_TITLE[engine]}-Compatible",
            instance_class=writer.class_,
            nodes=1 + failover_reader,
            multi_az=multi,
            read_replicas=extra,
            storage_gb=gb,
            backup_retention_days=retention,
            point_in_time_recovery=True,
            cross_region=(
                f"Aurora Global Database secondary cluster in {dr_region} (replication "
                f"lag typically under a second), promoted on disaster ({strategy})"
                if replicate
                else f"automated backups in-region; snapshots restored in {dr_region} by the "
                f"DR runbook ({strategy})"
            ),
            recovery="global-database" if replicate else "none",
            persistence="Aurora storage: six copies across three AZs, a write acknowledged "
            f"by four; PITR to any second within {retention} days",
            port=STORE_PORTS[engine],
            rpo_in_region=zero
            if multi
            else given(0.0, "min", "Aurora storage keeps six copies across three AZs"),
            why=f"{writer.class_} writer for {load_why(load, sizing)}"
            + (
                f"; the writer serves {number(round(on_writer, 1))} reads/s and "
                f"{readers} reader(s) the rest"
                if readers
                else ""
            )
            + cache_note
            + f"; {aurora.why}"
            + (
                f"; {1 + failover_reader + extra} instances: a writer, "
                + ("a failover reader in another AZ" if multi else "")
                + (f" and {extra} more reader(s) for read load" if extra else "")
                if multi or extra
                else ""
            )
            + f"; {'I/O-Optimized' if io_optimized else 'Standard'} storage "
            f"({number(round(ios / 1e6, 2))} million I/Os a month today)"
            + f"; {storage_why(storage)}"
            + pools.note(writer.max_connections),
            price_key=writer.io_optimized_price_key if io_optimized else writer.price_key,
            peak_rps=peak_rps,
            load=load,
            storage=storage,
            io_optimized=io_optimized,
        )
    cls, replicas, on_primary = db_class_relational(catalog, load, steady)
    storage = gp3_performance(store, load, on_primary, sizing, storage, gb)
    return StorePlan(
        kind="rds",
        name=store.name,
        engine=engine.value,
        engine_version=_release(catalog.design.engine_versions.rds, engine.value),
        role="primary",
        aws_service=f"Amazon RDS for {_ENGINE_TITLE[engine]}",
        instance_class=cls.class_,
        nodes=2 if multi else 1,
        multi_az=multi,
        read_replicas=replicas,
        storage_gb=gb,
        backup_retention_days=retention,
        point_in_time_recovery=True,
        cross_region=(
            f"cross-region read replica in {dr_region}, promoted on disaster ({strategy})"
            if replicate
            else f"automated backups replicated to {dr_region} ({strategy})"
        ),
        recovery="read-replica" if replicate else "backup-replication",
        persistence="gp3 with storage autoscaling; PITR to any second within "
        f"{retention} days (about {design.pitr_lag_minutes:g} min behind)",
        port=STORE_PORTS[engine],
        rpo_in_region=zero
        if multi
        else given(design.pitr_lag_minutes, "min", "single-AZ: restore from PITR"),
        why=f"{cls.class_} for {load_why(load, sizing)} "
        + (
            f"(the class holds below {cls.below_rps:,.0f})"
            if cls is not design.db_classes[-1]
            else "(the largest class in the catalog)"
        )
        + (
            f"; the primary keeps the writes and {number(round(on_primary, 1))} reads/s, "
            f"{replicas} read replica(s) of its class take the rest"
            if replicas
            else ""
        )
        + pools.note(cls.max_connections)
        + (
            f"; burstable: {cls.baseline_percent:g}% of its {cls.vcpu:g} vCPU sustained, CPU "
            "above that is billed as surplus credits, so a sustained rise past "
            f"{cls.below_rps:,.0f} queries/s moves the store up the ladder"
            if cls.baseline_percent is not None
            else ""
        )
        + cache_note
        + "; "
        + ("Multi-AZ: a synchronous standby takes over in 1-2 min" if multi else "single-AZ")
        + f" ({aurora.why})"
        + f"; {storage_why(storage)}"
        + (
            f"; read-equivalent load {number(round(units, 1))} queries/s"
            if replicas == 0 and load.uses
            else ""
        ),
        price_key=cls.price_key,
        peak_rps=peak_rps,
        load=load,
        storage=storage,
    )


def _io_optimized(  # noqa: PLR0917  (one argument per line of the comparison)
    catalog: Catalog, region: str, price_key: str, ios: float, gb: float, instances: int
) -> bool:
    """I/O-Optimized when I/O would pass ``io_optimized_share`` of the Standard bill
    (instances, storage and I/O) at today's load."""
    prices = catalog.price_catalog
    share = catalog.design.data_sizing.io_optimized_share
    compute = instances * prices.usd(price_key, region) * HOURS_PER_MONTH
    stored = gb * prices.usd("aurora_storage_gb_month", region)
    io = ios / 1e6 * prices.usd("aurora_io_million", region)
    total = compute + stored + io
    return total > 0 and io / total > share


def _release(versions: Mapping[str, EngineVersion], engine: str) -> EngineRelease:
    chosen = versions[engine]
    return EngineRelease(
        version=chosen.version, parameter_group_family=chosen.parameter_group_family
    )
