"""Streams and brokers: MSK (provisioned or Serverless), Kinesis Data Streams (on-demand
or provisioned shards), Amazon MQ for RabbitMQ (single instance or cluster), and MemoryDB
for redis that holds primary data. Each sized from the load the spec implies, the
figures from catalog/data/streaming.yaml; each failure path with its timings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from infra_architect._figures import Figure, figure, given, number
from infra_architect.catalog import (
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    Catalog,
    KafkaBrokerClass,
    MemoryDbClass,
    MqInstanceClass,
)
from infra_architect.engine._design_model import (
    ComputeDesign,
    QueuePlan,
    QueueSize,
    ServiceSize,
    StreamMode,
    StreamSizing,
)
from infra_architect.engine._model import Constraints
from infra_architect.errors import InternalError
from infra_architect.spec import Queue, QueueEngine, Requirements, ServiceType

MB = 1e6
GB = 1e9
MAX_MEMORYDB_REPLICAS = 5
"""Replicas per MemoryDB shard (MemoryDB Developer Guide, "Quotas")."""


class StreamSizingError(InternalError):
    """A sizing broke its own invariant (a bug, never bad input)."""


# --- load ------------------------------------------------------------------------------


def _consumers(req: Requirements, name: str) -> list[str]:
    return [s.name for s in req.system.services if name in s.uses and s.type is ServiceType.WORKER]


def peak_messages(req: Requirements, constraints: Constraints, name: str) -> Figure:
    """Messages/s through queue ``name`` at the growth target's peak: what its consumers
    take, else the rate the spec states scaled to that peak, else one a second."""
    consumers = [constraints.service(c) for c in _consumers(req, name)]
    if consumers:
        top = max(consumers, key=lambda c: (c.growth_peak_load.value, c.name))
        return given(top.growth_peak_load.value, "messages/s", f"{top.name}'s peak at growth")
    stated = req.queue(name).messages_per_second
    traffic = constraints.traffic
    if stated and traffic.average_rps.value > 0:
        return figure(
            stated * traffic.growth_peak_rps.value / traffic.average_rps.value,
            "messages/s",
            "{stated} × {growth_peak_rps} / {average_rps}",
            stated=stated,
            growth_peak_rps=traffic.growth_peak_rps.value,
            average_rps=traffic.average_rps.value,
        )
    return given(1.0, "messages/s", "no consumer and no stated rate: the least")


def average_messages(req: Requirements, constraints: Constraints, name: str) -> float:
    """Messages/s today on average (what the bill is compared at)."""
    consumers = [constraints.service(c) for c in _consumers(req, name)]
    if consumers:
        return max(c.average_load.value for c in consumers)
    stated = req.queue(name).messages_per_second
    return stated or 0.0


def _consumer_max(compute: ComputeDesign, constraints: Constraints, names: list[str]) -> int:
    """The largest maximum the consumers would run, before any cap."""
    return max(
        (
            max(compute.service(n).max_replicas, constraints.service(n).max_replicas.whole)
            for n in names
        ),
        default=0,
    )


def _small_team(req: Requirements, catalog: Catalog) -> bool:
    kafka = catalog.streaming.kafka
    return (
        req.team.size < kafka.provisioned_team_size
        or req.team.ops_experience.rank < kafka.provisioned_ops_experience.rank
    )


# --- Kafka ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cluster:
    cls: KafkaBrokerClass
    brokers: int
    monthly: float


def _zones(catalog: Catalog, azs: int) -> int:
    kafka = catalog.streaming.kafka
    return min(max(azs, kafka.min_zones), kafka.max_zones)


def _provisioned(
    catalog: Catalog, zones: int, ingress: float, partitions: int, stored_gb: float
) -> _Cluster:
    """The cheapest cluster (class × a multiple of the AZs) holding the ingress at the
    planned utilisation, the partitions' replicas and the retained data; past every
    option, the largest."""
    kafka = catalog.streaming.kafka
    prices = catalog.prices
    rf = kafka.replication_factor
    options: list[_Cluster] = []
    for cls in (c for c in kafka.broker_classes if not c.staging_only):
        for per_zone in range(1, kafka.max_brokers // zones + 1):
            brokers = zones * per_zone
            if brokers < rf:
                continue
            throughput = brokers * cls.storage_mb_per_second * kafka.planned_utilisation / rf
            holds = partitions * rf <= brokers * cls.partitions_per_broker
            disk = stored_gb * kafka.storage_headroom / brokers <= kafka.max_storage_gb
            if throughput >= ingress and holds and disk:
                hourly = prices.usd(cls.price_key)
                options.append(_Cluster(cls, brokers, brokers * hourly * HOURS_PER_MONTH))
                break
    if not options:
        largest = kafka.broker_classes[-1]
        brokers = zones * (kafka.max_brokers // zones)
        return _Cluster(largest, brokers, 0.0)
    return min(options, key=lambda o: (o.monthly, o.brokers))


def _serverless_monthly(
    catalog: Catalog, partitions: int, average_mb: float, consumers: int, stored_gb: float
) -> float:
    prices = catalog.prices
    gb_in = average_mb * MB * SECONDS_PER_MONTH / GB
    return (
        HOURS_PER_MONTH * prices.usd("msk_serverless_cluster_hour")
        + HOURS_PER_MONTH * partitions * prices.usd("msk_serverless_partition_hour")
        + gb_in * prices.usd("msk_serverless_ingress_gb")
        + gb_in * max(consumers, 1) * prices.usd("msk_serverless_egress_gb")
        + stored_gb * prices.usd("msk_serverless_storage_gb_month")
    )


def size_kafka(  # noqa: PLR0917  (one figure per line; one argument per input)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    name: str,
    azs: int,
) -> StreamSizing:
    kafka = catalog.streaming.kafka
    serverless = kafka.serverless
    message_bytes = catalog.design.usage.message_bytes
    peak = peak_messages(req, constraints, name)
    ingress = figure(
        peak.value * message_bytes / MB,
        "MB/s",
        "{peak_messages_per_second} × {message_bytes} / 1e6",
        peak_messages_per_second=peak.value,
        message_bytes=message_bytes,
    )
    consumers = _consumers(req, name)
    wanted = _consumer_max(compute, constraints, consumers)
    zones = _zones(catalog, azs)
    by_throughput = math.ceil(round(ingress.value / kafka.partition_mb_per_second, 6))
    partitions = max(by_throughput, wanted, zones, 1)
    average_mb = average_messages(req, constraints, name) * message_bytes / MB
    stored = average_mb * MB * kafka.retention_hours * 3600 / GB
    rf = kafka.replication_factor
    cluster = _provisioned(catalog, zones, ingress.value, partitions, stored * rf)
    fits = (
        ingress.value <= serverless.max_ingress_mb_per_second
        and ingress.value * max(len(consumers), 1) <= serverless.max_egress_mb_per_second
        and partitions <= serverless.max_partitions
        and ingress.value / partitions <= serverless.partition_ingress_mb_per_second
    )
    serverless_monthly = _serverless_monthly(
        catalog, partitions, average_mb, len(consumers), stored
    )
    small = _small_team(req, catalog)
    team = f"team.size={req.team.size}, ops_experience={req.team.ops_experience.value}"
    load = (
        f"peak {number(round(peak.value, 1))} messages/s × {number(message_bytes)} bytes = "
        f"{number(round(ingress.value, 3))} MB/s in, {kafka.retention_hours:g} h retention"
    )
    if fits and (small or serverless_monthly <= cluster.monthly):
        limit = min(partitions, serverless.max_partitions)
        return _kafka_sizing(
            catalog=catalog,
            mode="serverless",
            cls=None,
            brokers=0,
            zones=zones,
            partitions=limit,
            rf=rf,
            retention=kafka.retention_hours,
            storage=0.0,
            peak=peak,
            ingress=ingress,
            consumers=consumers,
            compute=compute,
            constraints=constraints,
            why=f"MSK Serverless: {load}; within its quotas "
            f"({serverless.max_ingress_mb_per_second:g} MB/s in, "
            f"{serverless.max_partitions:,} partitions), with no brokers, storage or "
            "partition rebalancing to run"
            + (
                f" ({team}: below the team that runs a provisioned cluster, "
                f"{kafka.provisioned_team_size} people with "
                f"{kafka.provisioned_ops_experience.value} operations experience)"
                if small
                else ""
            )
            + f"; about ${number(round(serverless_monthly))}/month against "
            f"${number(round(cluster.monthly))} for {cluster.brokers} × {cluster.cls.class_}",
            price_key="msk_serverless_cluster_hour",
        )
    ceiling = cluster.brokers * cluster.cls.partitions_per_broker // rf
    limit = min(partitions, ceiling)
    storage = max(
        kafka.min_storage_gb,
        math.ceil(stored * rf * kafka.storage_headroom / cluster.brokers),
    )
    throughput = cluster.brokers * cluster.cls.storage_mb_per_second * kafka.planned_utilisation
    why_not_serverless = (
        "it does not fit MSK Serverless's quotas"
        if not fits
        else f"Serverless would cost about ${number(round(serverless_monthly))}/month against "
        f"${number(round(cluster.monthly))}, and the team runs a provisioned cluster ({team})"
    )
    return _kafka_sizing(
        catalog=catalog,
        mode="provisioned",
        cls=cluster.cls.class_,
        brokers=cluster.brokers,
        zones=zones,
        partitions=limit,
        rf=rf,
        retention=kafka.retention_hours,
        storage=float(storage),
        peak=peak,
        ingress=ingress,
        consumers=consumers,
        compute=compute,
        constraints=constraints,
        why=f"{cluster.brokers} × {cluster.cls.class_} over {zones} AZs (a multiple of the AZs, "
        f"at least the replication factor {rf}): {load}; the cluster sustains "
        f"{number(round(throughput / rf, 1))} MB/s of ingress at "
        f"{kafka.planned_utilisation:.0%} of its brokers' EBS baseline; {storage:,} GB a broker "
        f"holds the retention period's data on {rf} replicas with "
        f"{kafka.storage_headroom:g}x headroom; provisioned because {why_not_serverless}",
        price_key=cluster.cls.price_key,
    )


def _kafka_sizing(
    *,
    catalog: Catalog,
    mode: str,
    cls: str | None,
    brokers: int,
    zones: int,
    partitions: int,
    rf: int,
    retention: float,
    storage: float,
    peak: Figure,
    ingress: Figure,
    consumers: list[str],
    compute: ComputeDesign,
    constraints: Constraints,
    why: str,
    price_key: str,
) -> StreamSizing:
    capped = sorted(c for c in consumers if _consumer_max(compute, constraints, [c]) > partitions)
    min_isr = min(catalog.streaming.kafka.min_insync_replicas, rf)
    top = min(_consumer_max(compute, constraints, consumers), partitions)
    if top > partitions:
        msg = f"partitions {partitions} below the consumers' maximum {top}"
        raise StreamSizingError(msg)
    return StreamSizing(
        mode="serverless" if mode == "serverless" else "provisioned",
        instance_class=cls,
        brokers=brokers,
        zones=zones,
        partitions=partitions,
        replication_factor=rf,
        min_insync_replicas=min_isr,
        retention_hours=retention,
        storage_gb_per_broker=storage,
        peak_messages_per_second=peak,
        ingress_mb_per_second=ingress,
        max_consumer_replicas=top,
        capped_consumers=capped,
        why=why
        + f"; {partitions} partitions (at least the consumers' {top} replicas: one consumer "
        "of a group reads each partition)"
        + (
            f"; {', '.join(capped)} capped at {partitions} replicas (more would sit idle)"
            if capped
            else ""
        ),
        price_key=price_key,
    )


# --- Kinesis ----------------------------------------------------------------------------


def size_kinesis(  # noqa: PLR0917  (one argument per input the sizing reads)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    name: str,
    azs: int,
) -> StreamSizing:
    kinesis = catalog.streaming.kinesis
    prices = catalog.prices
    message_bytes = catalog.design.usage.message_bytes
    peak = peak_messages(req, constraints, name)
    ingress = figure(
        peak.value * message_bytes / MB,
        "MB/s",
        "{peak_messages_per_second} × {message_bytes} / 1e6",
        peak_messages_per_second=peak.value,
        message_bytes=message_bytes,
    )
    consumers = _consumers(req, name)
    readers = max(len(consumers), 1)
    # A shard is leased to one worker of a consumer application, so the shards are at
    # least the replicas the consumers need at the growth target's peak and keep for
    # availability; the cap then only trims their spike headroom.
    needed = max(
        (
            max(
                constraints.service(c).replicas_growth_peak.whole,
                compute.service(c).min_replicas,
            )
            for c in consumers
        ),
        default=1,
    )
    shards = max(
        math.ceil(round(ingress.value / kinesis.shard_write_mb_per_second, 6)),
        math.ceil(round(peak.value / kinesis.shard_write_records_per_second, 6)),
        math.ceil(round(ingress.value * readers / kinesis.shard_read_mb_per_second, 6)),
        needed,
        1,
    )
    average = average_messages(req, constraints, name)
    record = math.ceil(message_bytes / 1024) * 1024
    gb_in = average * record * SECONDS_PER_MONTH / GB
    on_demand = (
        HOURS_PER_MONTH * prices.usd("kinesis_on_demand_stream_hour")
        + gb_in * prices.usd("kinesis_on_demand_ingest_gb")
        + gb_in * readers * prices.usd("kinesis_on_demand_retrieval_gb")
    )
    put_units = average * SECONDS_PER_MONTH * math.ceil(message_bytes / kinesis.put_unit_bytes)
    provisioned = shards * HOURS_PER_MONTH * prices.usd(
        "kinesis_shard_hour"
    ) + put_units / 1e6 * prices.usd("kinesis_million_put_units")
    load = (
        f"peak {number(round(peak.value, 1))} records/s × {number(message_bytes)} bytes = "
        f"{number(round(ingress.value, 3))} MB/s in, read by {readers} consumer(s) needing "
        f"{needed} replica(s) at peak: {shards} shard(s) at 1 MB/s or 1,000 records/s in and "
        "2 MB/s out each"
    )
    saving = 1 - provisioned / on_demand if on_demand > 0 else 0.0
    mode: StreamMode
    if saving >= kinesis.provisioned_min_saving:
        mode = "provisioned"
        capacity = shards
        why = (
            f"provisioned, {shards} shard(s): {load}; about ${number(round(provisioned))}/month "
            f"against ${number(round(on_demand))} on demand ({saving:.0%} less, past the "
            f"{kinesis.provisioned_min_saving:.0%} that repays resharding ahead of growth)"
        )
        key = "kinesis_shard_hour"
    else:
        mode = "on-demand"
        capacity = max(shards, kinesis.on_demand_initial_shards)
        why = (
            f"on-demand: {load}; AWS adds shards as writes grow (from "
            f"{kinesis.on_demand_initial_shards} shards' capacity), about "
            f"${number(round(on_demand))}/month against ${number(round(provisioned))} "
            "provisioned: less than the saving that repays resharding by hand"
        )
        key = "kinesis_on_demand_stream_hour"
    wanted = _consumer_max(compute, constraints, consumers)
    capped = sorted(c for c in consumers if _consumer_max(compute, constraints, [c]) > capacity)
    top = min(wanted, capacity)
    return StreamSizing(
        mode=mode,
        instance_class=None,
        brokers=0,
        zones=azs,
        partitions=capacity,
        replication_factor=3,
        retention_hours=float(kinesis.retention_hours),
        storage_gb_per_broker=0.0,
        peak_messages_per_second=peak,
        ingress_mb_per_second=ingress,
        max_consumer_replicas=top,
        capped_consumers=capped,
        why=why
        + (
            f"; {', '.join(capped)} capped at {capacity} replicas (a shard is leased to one "
            "worker of an application)"
            if capped
            else ""
        ),
        price_key=key,
    )


# --- RabbitMQ ---------------------------------------------------------------------------


def _mq_class(catalog: Catalog, connections: int, messages: float) -> MqInstanceClass:
    classes = [c for c in catalog.streaming.rabbitmq.instance_classes if not c.staging_only]
    return next(
        (c for c in classes if connections <= c.connections and messages <= c.messages_per_second),
        classes[-1],
    )


def size_rabbitmq(  # noqa: PLR0917  (one argument per input the sizing reads)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    name: str,
    azs: int,
) -> StreamSizing:
    mq = catalog.streaming.rabbitmq
    message_bytes = catalog.design.usage.message_bytes
    peak = peak_messages(req, constraints, name)
    users = [s.name for s in req.system.services if name in s.uses]
    connections = sum(compute.service(u).max_replicas for u in users) * mq.connections_per_replica
    cls = _mq_class(catalog, connections, peak.value)
    slo = req.availability.slo
    cluster = slo >= catalog.policy.multi_az_data_slo and azs >= 2
    nodes = mq.cluster_nodes if cluster else 1
    consumers = _consumers(req, name)
    top = _consumer_max(compute, constraints, consumers)
    return StreamSizing(
        mode="cluster" if cluster else "single-instance",
        instance_class=cls.class_,
        brokers=nodes,
        zones=min(azs, nodes),
        partitions=0,
        replication_factor=nodes,
        retention_hours=mq.backlog_hours,
        storage_gb_per_broker=0.0,
        peak_messages_per_second=peak,
        ingress_mb_per_second=figure(
            peak.value * message_bytes / MB,
            "MB/s",
            "{peak_messages_per_second} × {message_bytes} / 1e6",
            peak_messages_per_second=peak.value,
            message_bytes=message_bytes,
        ),
        max_consumer_replicas=top,
        why=(
            f"{nodes}-node cluster across AZs (quorum queues on every node): "
            f"availability.slo={slo:g}% is at least {catalog.policy.multi_az_data_slo:g}%, "
            "where a single broker's replacement would spend the error budget"
            if cluster
            else f"single-instance broker: availability.slo={slo:g}% tolerates its "
            "replacement (minutes); the cluster triples the bill"
        )
        + f"; {cls.class_} for {connections:,} connections ({mq.connections_per_replica} per "
        f"replica of {', '.join(users) or 'no service'} at their maximum; the class allows "
        f"{cls.connections:,}) and a peak of {number(round(peak.value, 1))} messages/s "
        f"(planned below {number(cls.messages_per_second)})",
        price_key=cls.price_key,
    )


def size_queue(  # noqa: PLR0917  (one argument per input the sizing reads)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    queue: Queue,
    azs: int,
) -> StreamSizing | None:
    """The sizing of a broker cluster or stream (None: SQS and SNS have none)."""
    if queue.engine is QueueEngine.KAFKA:
        return size_kafka(req, constraints, catalog, compute, queue.name, azs)
    if queue.engine is QueueEngine.KINESIS:
        return size_kinesis(req, constraints, catalog, compute, queue.name, azs)
    if queue.engine is QueueEngine.RABBITMQ:
        return size_rabbitmq(req, constraints, catalog, compute, queue.name, azs)
    return None


def sized_queue(plan: QueuePlan, sizing: StreamSizing | None) -> QueuePlan:
    """``plan`` with its sizing, whose reasons become the queue's (SQS, SNS: unchanged)."""
    if sizing is None:
        return plan
    dead_letter = (
        f"; a message failing {plan.max_receive_count} times moves to a dead-letter queue "
        "(alarmed) instead of blocking the queue"
        if plan.dead_letter
        else "; a message a consumer cannot process is the consumer's to park (a "
        "dead-letter topic), or the partition stops behind it"
    )
    return plan.model_copy(update={"sizing": sizing, "why": sizing.why + dead_letter})


def cap_stream_consumers(
    req: Requirements, constraints: Constraints, catalog: Catalog, compute: ComputeDesign
) -> ComputeDesign:
    """Consumers of a Kafka topic or a Kinesis stream run at most one replica per
    partition (shard): more would sit idle, so their maximum stops there and the service's
    sizing says why."""
    azs = constraints.topology.availability_zones.whole
    caps: dict[str, tuple[int, str]] = {}
    for queue in req.system.queues:
        if queue.engine not in (QueueEngine.KAFKA, QueueEngine.KINESIS):
            continue
        sizing = size_queue(req, constraints, catalog, compute, queue, azs)
        if sizing is None:
            continue
        unit = "partitions" if queue.engine is QueueEngine.KAFKA else "shards"
        for consumer in sizing.capped_consumers:
            limit = sizing.partitions
            if consumer not in caps or limit < caps[consumer][0]:
                caps[consumer] = (
                    limit,
                    (
                        f"capped at {limit}: {queue.name} has {limit} {unit}, and a consumer "
                        f"group reads each with one replica (more would sit idle); raise the "
                        f"{unit} to scale further"
                    ),
                )
    if not caps:
        return compute
    services = [
        s.model_copy(
            update={
                "max_replicas": min(s.max_replicas, caps[s.name][0]),
                "min_replicas": min(s.min_replicas, caps[s.name][0]),
                "max_replicas_why": caps[s.name][1],
            }
        )
        if s.name in caps
        else s
        for s in compute.services
    ]
    return compute.model_copy(update={"services": services})


# --- MemoryDB ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryDbSize:
    node: MemoryDbClass
    shards: int
    replicas: int

    @property
    def nodes(self) -> int:
        return self.shards * (1 + self.replicas)


def memorydb_size(catalog: Catalog, gb: float, *, replicas: int) -> MemoryDbSize:
    """The smallest node type holding a shard's data, with as few shards as the largest
    type needs; ``replicas`` per shard (one in each other AZ, for fast failover)."""
    classes = catalog.streaming.memorydb.node_classes
    largest = classes[-1]
    shards = max(1, math.ceil(gb / largest.below_gb)) if gb >= largest.below_gb else 1
    per_shard = gb / shards
    node = next((c for c in classes if per_shard < c.below_gb), largest)
    return MemoryDbSize(node, shards, min(replicas, MAX_MEMORYDB_REPLICAS))


def memorydb_why(size: MemoryDbSize, gb: float, azs: int) -> str:
    return (
        f"role primary: the data lives here, so it needs durability a cache does not "
        "(ElastiCache replication is asynchronous and loses acknowledged writes on "
        f"failover); {size.shards} shard(s) of {size.node.class_} for {number(round(gb, 3))} "
        f"GB (a node keeps 25% of its memory back)"
        + (
            f"; {size.replicas} replica(s) per shard in the other AZs ({azs}) take over in seconds"
            if size.replicas
            else "; no replica: a lost node is rebuilt from the durable log (minutes)"
        )
    )


# --- environments -----------------------------------------------------------------------


def queue_size(plan: QueuePlan) -> QueueSize | None:
    """Prod's queue as designed."""
    s = plan.sizing
    if s is None or s.mode == "queue":
        return None
    return QueueSize(
        name=plan.name,
        mode=s.mode,
        instance_class=s.instance_class,
        brokers=s.brokers,
        zones=s.zones,
        partitions=s.partitions,
        replication_factor=s.replication_factor,
        min_insync_replicas=s.min_insync_replicas,
        storage_gb_per_broker=s.storage_gb_per_broker,
        why=s.why,
    )


def staging_queue_size(
    catalog: Catalog, plan: QueuePlan, azs: int, services: Sequence[ServiceSize]
) -> QueueSize | None:
    """Staging's queue at its smallest, in the same engine and client configuration, with
    a partition (shard) for every replica staging's consumers may run."""
    s = plan.sizing
    if s is None or s.mode == "queue":
        return None
    streaming = catalog.streaming
    readers = max((v.max_replicas for v in services if v.name in plan.consumers), default=1)
    if plan.engine == "kafka":
        cls = streaming.kafka.broker_classes[0]
        zones = max(min(azs, streaming.kafka.max_zones), streaming.kafka.min_zones)
        rf = min(streaming.kafka.replication_factor, zones)
        partitions = max(min(s.partitions, zones * cls.partitions_per_broker // rf), readers)
        # one broker may be lost without refusing writes, as in prod
        min_isr = max(1, min(streaming.kafka.min_insync_replicas, rf - 1))
        return QueueSize(
            name=plan.name,
            mode="provisioned",
            instance_class=cls.class_,
            brokers=zones,
            zones=zones,
            partitions=partitions,
            replication_factor=rf,
            min_insync_replicas=min_isr,
            storage_gb_per_broker=streaming.kafka.min_storage_gb * 10,
            why=f"staging: {zones} × {cls.class_} (one broker per AZ, MSK's least), "
            f"replication factor {rf} with min.insync.replicas {min_isr}, "
            f"{partitions} partitions"
            + (
                "; provisioned where prod runs Serverless: the same Kafka API and IAM "
                "authentication, at a fraction of Serverless's cluster-hours"
                if s.mode == "serverless"
                else ""
            ),
        )
    if plan.engine == "kinesis":
        return QueueSize(
            name=plan.name,
            mode="provisioned",
            instance_class=None,
            brokers=0,
            zones=azs,
            partitions=readers,
            replication_factor=3,
            storage_gb_per_broker=0.0,
            why=f"staging: {readers} provisioned shard(s), one for each replica staging's "
            "consumers may run (1 MB/s in each), for less than an on-demand stream's hours",
        )
    broker = streaming.rabbitmq.instance_classes[0]
    return QueueSize(
        name=plan.name,
        mode="single-instance",
        instance_class=broker.class_,
        brokers=1,
        zones=1,
        partitions=0,
        replication_factor=1,
        storage_gb_per_broker=0.0,
        why=f"staging: one single-instance {broker.class_} broker (AWS's type for testing); "
        "failover is prod's to prove",
    )


# --- failure paths ----------------------------------------------------------------------
