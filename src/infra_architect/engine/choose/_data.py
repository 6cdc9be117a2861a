"""Data: engines sized from load, Multi-AZ, replicas, backups matched to the RPO, DR."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from infra_architect._figures import duration, given, number
from infra_architect.catalog import Catalog, DbClass, SizeClass
from infra_architect.engine._capacity import store_peak_rps
from infra_architect.engine._data_sizing import caches_in_front, forecast, lifecycle, store_load
from infra_architect.engine._design_model import (
    Alternative,
    ComputeDesign,
    DataDesign,
    Decision,
    QueuePlan,
    StorePlan,
)
from infra_architect.engine._model import Constraints
from infra_architect.engine._topology import store_is_multi_az
from infra_architect.engine.choose._network import QUEUE_PORTS
from infra_architect.engine.choose._relational import MIN_POOL, Pools, relational_store
from infra_architect.engine.choose._streams import (
    memorydb_size,
    memorydb_why,
    size_queue,
    sized_queue,
)
from infra_architect.spec import (
    Datastore,
    DatastoreEngine,
    DatastoreRole,
    QueueEngine,
    Requirements,
    ServiceType,
)

LONG_RETENTION_DAYS = 35
"""RDS's maximum automated-backup retention, used when a compliance regime applies."""
MAX_RECEIVE_COUNT = 5


_Class = TypeVar("_Class")


def second_region(region: str, regions: list[str]) -> str:
    """The DR region: the nearest other region in the same geography (same jurisdiction)."""
    prefix = region.rsplit("-", 2)[0]
    same = sorted(r for r in regions if r != region and r.startswith(prefix + "-"))
    return same[0] if same else sorted(r for r in regions if r != region)[0]


def choose_data(
    req: Requirements, constraints: Constraints, catalog: Catalog, compute: ComputeDesign
) -> DataDesign:
    azs = constraints.topology.availability_zones.whole
    dr_region = second_region(req.cloud.region, list(catalog.regions))
    stores = [
        _store(req, constraints, catalog, compute, store, azs, dr_region)
        for store in req.system.datastores
    ]
    queues = [
        sized_queue(
            _queue(req, q.name, q.engine, azs),
            size_queue(req, constraints, catalog, compute, q, azs),
        )
        for q in req.system.queues
    ]
    session = next((d.name for d in req.system.datastores if d.role is DatastoreRole.SESSION), None)
    session_strategy = (
        f"server-side sessions in {session} (ElastiCache, Multi-AZ): any replica serves any "
        "user, no sticky sessions"
        if session
        else "stateless: signed session tokens (cookies or JWT) carry the session, no sticky "
        "sessions, so any replica serves any request"
    )
    return DataDesign(
        decisions=_decisions(
            req, constraints, catalog, stores, queues, session_strategy, dr_region
        ),
        recovery_region=dr_region,
        stores=stores,
        queues=queues,
        session_strategy=session_strategy,
    )


def _store(  # noqa: PLR0917  (one argument per input the sizing reads)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    store: Datastore,
    azs: int,
    dr_region: str,
) -> StorePlan:
    design = catalog.design
    policy = catalog.policy
    multi = store_is_multi_az(store.multi_az, req.availability.slo, policy, azs)
    gb = store.storage_gb or policy.storage_defaults_gb[store.engine.value]
    peak = store_peak_rps(req, constraints.services, store.name, design.cache_hit_ratio)
    retention = LONG_RETENTION_DAYS if req.compliance else design.backup_retention_days
    # the data replication chosen for the RPO (independent of the standby compute)
    replicate = constraints.recovery.data_replication != "backup-copy"
    engine = store.engine
    role = (
        (store.role or DatastoreRole.CACHE)
        if engine is DatastoreEngine.REDIS
        else (DatastoreRole.PRIMARY)
    )
    if engine.relational:
        pools = Pools(
            min_replicas=sum(s.min_replicas for s in compute.services if store.name in s.uses),
            max_replicas=sum(s.max_replicas for s in compute.services if store.name in s.uses),
            per_replica=design.db_connections_per_replica,
        )
        return relational_store(
            req,
            constraints,
            catalog,
            store,
            load=store_load(req, constraints.services, store, catalog),
            pools=pools,
            multi=multi,
            gb=gb,
            retention=retention,
            dr_region=dr_region,
            peak_rps=peak,
            cache_note=_cache_note(req, store, design.cache_hit_ratio),
        )
    if engine is DatastoreEngine.REDIS:
        if role is DatastoreRole.PRIMARY:
            memorydb = memorydb_size(catalog, gb, replicas=azs - 1 if multi else 0)
            return StorePlan(
                kind="memorydb",
                name=store.name,
                engine=engine.value,
                role=role.value,
                aws_service="Amazon MemoryDB",
                instance_class=memorydb.node.class_,
                nodes=memorydb.nodes,
                multi_az=multi,
                read_replicas=memorydb.replicas,
                shards=memorydb.shards,
                storage_gb=gb,
                backup_retention_days=catalog.streaming.memorydb.snapshot_retention_days,
                point_in_time_recovery=False,
                cross_region=f"daily snapshots copied to {dr_region}",
                recovery="snapshot-copy",
                persistence="Multi-AZ transaction log: a write is acknowledged once durable",
                port=6379,
                rpo_in_region=given(0.0, "min", "MemoryDB's durable Multi-AZ transaction log"),
                why=memorydb_why(memorydb, gb, azs),
                price_key=memorydb.node.price_key,
                peak_rps=peak,
            )
        cache_class = size_class(design.cache_classes, gb, staging=False)
        is_session = role is DatastoreRole.SESSION
        return StorePlan(
            kind="elasticache",
            name=store.name,
            engine=engine.value,
            role=role.value,
            aws_service="Amazon ElastiCache (Valkey)",
            instance_class=cache_class.class_,
            nodes=azs if multi else 1,
            multi_az=multi,
            read_replicas=max(0, (azs if multi else 1) - 1),
            storage_gb=gb,
            backup_retention_days=1 if is_session else 0,
            point_in_time_recovery=False,
            cross_region="none: rebuilt in the recovery region"
            if not is_session
            else "none: users sign in again after a regional failover",
            recovery="rebuild",
            persistence="daily snapshot; asynchronous replicas (a failover loses the last "
            "writes: users may sign in again)"
            if is_session
            else "none: a cache is rebuilt from its source of truth",
            port=6379,
            rpo_in_region=given(
                0.0 if not is_session else 1.0,
                "min",
                "cache: nothing to lose" if not is_session else "asynchronous replication lag",
            ),
            why=f"{cache_class.class_} for {gb:g} GB"
            + (f"; a replica in each of {azs} AZs with automatic failover" if multi else ""),
            price_key=cache_class.price_key,
            peak_rps=peak,
        )
    if engine is DatastoreEngine.OPENSEARCH:
        search_class = size_class(design.search_classes, gb, staging=False)
        nodes = azs if multi else 1
        return StorePlan(
            kind="opensearch",
            name=store.name,
            engine=engine.value,
            role=role.value,
            aws_service="Amazon OpenSearch Service",
            instance_class=search_class.class_,
            nodes=nodes,
            multi_az=multi,
            read_replicas=1 if multi else 0,
            storage_gb=gb,
            backup_retention_days=14,
            point_in_time_recovery=False,
            cross_region=f"index rebuilt from the source of truth in {dr_region}",
            recovery="rebuild",
            persistence="hourly automated snapshots; zone awareness with one replica per shard",
            port=443,
            rpo_in_region=given(0.0, "min", "a replica of each shard in another AZ")
            if multi
            else given(60.0, "min", "hourly snapshot"),
            why=f"{nodes} × {search_class.class_} with zone awareness across {nodes} AZ(s) "
            f"for {gb:g} GB",
            price_key=search_class.price_key,
            peak_rps=peak,
        )
    if engine is DatastoreEngine.S3:
        copy = replicate or req.availability.slo >= policy.automation_slo
        load = store_load(req, constraints.services, store, catalog)
        storage = forecast(store, load, constraints.traffic, design.data_sizing, gb)
        tiers = lifecycle(store, design.data_sizing)
        tiered = " → ".join(
            [
                "Standard",
                *(f"{t.title.removeprefix('S3 ')} after {t.after_days} days" for t in tiers),
            ]
        )
        return StorePlan(
            kind="s3",
            name=store.name,
            engine=engine.value,
            role=role.value,
            aws_service="Amazon S3",
            instance_class=None,
            nodes=0,
            multi_az=True,
            read_replicas=0,
            storage_gb=gb,
            backup_retention_days=30,
            point_in_time_recovery=False,
            cross_region=f"replication to a bucket in {dr_region}"
            if copy
            else "none (11 nines durability in-region; versioning covers deletes)",
            recovery="bucket-replication" if copy else "none",
            persistence="versioning on, noncurrent versions kept 30 days, public access blocked",
            port=None,
            rpo_in_region=given(0.0, "min", "S3 stores every object in 3+ AZs"),
            why="object storage; SSE-KMS and TLS-only bucket policy; lifecycle "
            f"{tiered} ({(store.access_pattern or 'frequent')} access pattern); "
            f"{number(round(load.writes_per_second.value, 3))} objects written/s at the "
            f"growth peak, {number(round(storage.written_gb_per_month.value, 2))} GB/month "
            f"today, {number(round(storage.at_horizon_gb.value, 1))} GB at month "
            f"{storage.horizon_months}",
            price_key=None,
            peak_rps=peak,
            load=load,
            storage=storage,
            lifecycle=tiers,
        )
    return StorePlan(
        kind="dynamodb",
        name=store.name,
        engine=engine.value,
        role=role.value,
        aws_service="Amazon DynamoDB",
        instance_class=None,
        nodes=0,
        multi_az=True,
        read_replicas=0,
        storage_gb=gb,
        backup_retention_days=35,
        point_in_time_recovery=True,
        cross_region=f"global table replica in {dr_region}"
        + (" taking writes in both regions" if constraints.topology.name == "active-active" else "")
        if replicate
        else f"PITR; daily backups copied to {dr_region} by AWS Backup",
        recovery="global-table" if replicate else "backup-copy",
        persistence="on-demand capacity; point-in-time recovery (35 days)",
        port=None,
        rpo_in_region=given(0.0, "min", "DynamoDB replicates across 3 AZs synchronously"),
        why="on-demand capacity follows the spike without provisioning",
        price_key=None,
        peak_rps=peak,
    )


def db_class(catalog: Catalog, peak_rps: float, pools: Pools) -> DbClass:
    """The smallest relational class whose request rate and connection limit hold the
    load: the peak request rate (burstable classes only up to their CPU baseline, see
    design.yaml) and the default pools at the minimum replicas. The autoscaler's maximum
    is met by capping the pools (db_class_why says to what), not by a class several times
    the price: a replica needs a few connections, not ten."""
    return _smallest_fit(
        catalog.design.db_classes,
        lambda c: peak_rps < c.below_rps and pools.steady <= c.max_connections,
    )


def _cache_note(req: Requirements, store: Datastore, hit_ratio: float) -> str:
    """Which caches stand in front of a relational store, and the hit ratio assumed."""
    caches = sorted(
        {
            cache
            for s in req.system.services
            if store.name in s.uses
            for cache in caches_in_front(req, s, store)
        }
    )
    if not caches:
        return ""
    return (
        f"; {' and '.join(caches)} in front answers {hit_ratio:.0%} of the reads (assumed: "
        "measure CacheHitRate before a larger class)"
    )


def db_class_why(cls: DbClass, peak_rps: float, pools: Pools, users: str) -> str:
    """Why this class: the load it holds, the pool size the autoscaler's maximum needs,
    and what a burstable class costs past its baseline (RDS runs T4g in Unlimited mode:
    surplus CPU is billed, not throttled)."""
    cap = pools.cap(cls.max_connections)
    limit = f"{cls.max_connections:,}"
    return (
        f"{cls.class_} for a peak of {number(round(peak_rps, 1))} requests/s from {users} "
        f"(below {cls.below_rps:,.0f}) and {pools.steady:,} pooled connections at the "
        f"minimum replicas ({pools.per_replica} each; the class allows {limit})"
        + (
            ""
            if cap is None
            else f"; at the autoscaler's maximum ({pools.max_replicas} replicas) cap each "
            f"pool at {cap} connections (or put RDS Proxy in front) to stay within {limit}"
            if cap >= MIN_POOL
            else f"; at the autoscaler's maximum ({pools.max_replicas} replicas) even "
            f"{MIN_POOL} connections each pass the class's {limit}: put RDS Proxy (or "
            "PgBouncer) in front to share connections"
        )
        + (
            f"; burstable: {cls.baseline_percent:g}% of its {cls.vcpu:g} vCPU sustained, CPU "
            "above that is billed as surplus credits, so a sustained rise past "
            f"{cls.below_rps:,.0f} requests/s moves the store up the ladder"
            if cls.baseline_percent is not None
            else ""
        )
    )


def size_class(classes: Sequence[SizeClass], gb: float, *, staging: bool) -> SizeClass:
    """The smallest cache or search class holding ``gb``; classes marked staging-only
    (burstable search nodes AWS advises against in production) only for staging."""
    eligible = [c for c in classes if staging or not c.staging_only]
    return _smallest_fit(eligible, lambda c: gb < c.below_gb)


def _smallest_fit(classes: Sequence[_Class], fits: Callable[[_Class], bool]) -> _Class:
    """The smallest catalog class that fits; past the largest, the largest (the
    constraints report a load no class serves as a conflict, so the design says so)."""
    return next((c for c in classes if fits(c)), classes[-1])


def _queue(req: Requirements, name: str, engine: QueueEngine, azs: int) -> QueuePlan:
    users = [s for s in req.system.services if name in s.uses]
    consumers = [s.name for s in users if s.type is ServiceType.WORKER]
    producers = [s.name for s in users if s.type is not ServiceType.WORKER]
    service, why = {
        QueueEngine.SQS: ("Amazon SQS", "at-least-once delivery, no brokers to run"),
        QueueEngine.SNS: ("Amazon SNS + SQS", "fan-out to one SQS queue per consumer"),
        # brokers and streams: their sizing says why (sized_queue)
        QueueEngine.KAFKA: ("Amazon MSK", ""),
        QueueEngine.RABBITMQ: ("Amazon MQ for RabbitMQ", ""),
        QueueEngine.KINESIS: ("Amazon Kinesis Data Streams", ""),
    }[engine]
    return QueuePlan(
        name=name,
        engine=engine.value,
        aws_service=service,
        dead_letter=engine in (QueueEngine.SQS, QueueEngine.SNS, QueueEngine.RABBITMQ),
        max_receive_count=MAX_RECEIVE_COUNT,
        producers=producers,
        consumers=consumers,
        why=why + f"; a message failing {MAX_RECEIVE_COUNT} times moves to a dead-letter queue "
        "(alarmed) instead of blocking the queue",
        port=QUEUE_PORTS.get(engine),
    )


def _decisions(  # noqa: PLR0917  (one argument per data decision input)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    stores: list[StorePlan],
    queues: list[QueuePlan],
    session_strategy: str,
    dr_region: str,
) -> list[Decision]:
    out: list[Decision] = []
    relational = [s for s in stores if s.engine in ("postgres", "mysql")]
    if relational:
        aurora = [s for s in relational if s.kind == "aurora"]
        listed = ", ".join(
            f"{s.name} ({'Aurora ' if s.kind == 'aurora' else ''}{s.instance_class})"
            for s in relational
        )
        multi = all(s.multi_az for s in relational)
        out.append(
            Decision(
                id="database",
                title="Relational databases",
                selected=("Aurora" if len(aurora) == len(relational) else "RDS")
                + " "
                + ("Multi-AZ" if multi else "single-AZ")
                + f": {listed}",
                alternatives=[
                    Alternative(
                        name="RDS Multi-AZ instance",
                        why_not="its failover takes 60-120 s, more of the error budget (or "
                        "the RTO) than the SLO leaves for a database failover",
                    )
                    if aurora
                    else Alternative(
                        name="Aurora",
                        why_not="faster failover (about 30 s) and up to 15 replicas, at roughly "
                        "20% more per instance-hour plus I/O; chosen when a 60-120 s failover "
                        "does not fit the error budget or the RTO",
                    ),
                    Alternative(
                        name="self-managed on EC2/Kubernetes",
                        why_not="backups, failover, patching and PITR become the team's job",
                    ),
                ]
                + (
                    [
                        Alternative(
                            name="Multi-AZ",
                            why_not=f"doubles the instance cost; at {req.availability.slo:g}% a "
                            "restore from backup fits the error budget",
                        )
                    ]
                    if not multi
                    else []
                ),
                why="managed PostgreSQL/MySQL with PITR; sized from each store's reads and "
                "writes at the growth peak (read replicas from read load, gp3 IOPS past its "
                "baseline, storage from writes); "
                f"availability.slo={req.availability.slo:g}% "
                + ("needs a synchronous standby (RPO 0 for an AZ loss)" if multi else "")
                + f"; DR via {relational[0].cross_region}",
                risk=(
                    "an Aurora failover still drops connections for about 30 s: clients must retry"
                    if aurora
                    else "Multi-AZ failover still drops connections for 60-120 s: clients "
                    "must retry"
                )
                + "; reads and writes per request are planning figures until measured, and "
                "instance classes need load testing",
                drivers=[
                    "availability.slo",
                    "availability.rpo_minutes",
                    "traffic",
                    "system.datastores",
                ],
            )
        )
    caches = [s for s in stores if s.engine == "redis"]
    if caches:
        out.append(
            Decision(
                id="cache",
                title="Cache and in-memory data",
                selected="; ".join(f"{s.name}: {s.aws_service} ({s.role})" for s in caches),
                alternatives=[
                    Alternative(
                        name="one shared Redis",
                        why_not="a cache eviction storm or a failover would take sessions and "
                        "primary data with it; separate clusters fail separately",
                    ),
                    Alternative(
                        name="Redis on Kubernetes",
                        why_not="persistence, failover and upgrades become the team's job",
                    ),
                ],
                why="each store's role decides durability: a cache persists nothing, sessions "
                "keep a replica, primary data goes to MemoryDB's durable log",
                risk="a cold cache after failover sends its full read load to the database; "
                "the database class must survive it",
                drivers=["system.datastores[].role", "availability.slo"],
            )
        )
    if queues:
        out.append(
            Decision(
                id="messaging",
                title="Queues and messaging",
                selected="; ".join(f"{q.name}: {q.aws_service}" for q in queues),
                alternatives=[
                    Alternative(
                        name="self-hosted Kafka/RabbitMQ",
                        why_not="brokers, storage and upgrades to operate; the managed "
                        "services cover the throughput",
                    )
                ],
                why="managed queues with dead-letter queues; producers and consumers scale "
                "independently, so a worker outage delays work instead of failing requests",
                risk="at-least-once delivery: consumers must be idempotent",
                drivers=["system.queues"],
            )
        )
    recovery = constraints.recovery
    chosen = (recovery.data_replication, recovery.standby_compute)
    out.append(
        Decision(
            id="backup",
            title="Backups and disaster recovery",
            selected=f"{recovery.strategy} to {dr_region}",
            alternatives=[
                Alternative(
                    name=f"{option.data_replication}, {option.standby_compute}",
                    why_not=f"RPO {duration(option.rpo_minutes)}, RTO "
                    f"{number(option.rto_minutes)} min, "
                    f"${number(round(option.monthly_usd.value))}/month at floor prices: "
                    + (
                        "costs more than the RTO/RPO and the topology require"
                        if option.meets
                        else "looser than the stated RTO/RPO"
                    ),
                )
                for option in recovery.options
                if (option.data_replication, option.standby_compute) != chosen
            ],
            why=f"RTO {recovery.rto_minutes.value:g} min, RPO "
            f"{recovery.rpo_minutes.value:g} min: {recovery.why}",
            risk="an untested restore is not a backup: restore drills quarterly, measured "
            "against the RTO",
            drivers=["availability.rto_minutes", "availability.rpo_minutes", "availability.slo"],
        )
    )
    if any(s.type.serves_requests for s in req.system.services):
        out.append(
            Decision(
                id="sessions",
                title="Session state",
                selected=session_strategy.split(":", maxsplit=1)[0],
                alternatives=[
                    Alternative(
                        name="sticky sessions",
                        why_not="pins users to replicas: scaling in, deploys and node loss "
                        "log users out and skew load",
                    )
                ],
                why="replicas stay stateless so autoscaling and rolling deploys move no state",
                risk="the session store is on every request's path; it is Multi-AZ"
                if "server-side" in session_strategy
                else "token revocation needs a deny list or short expiry",
                drivers=["system.datastores[].role"],
            )
        )
    return out
