"""The cause alarms of the data and edge tiers, and each environment's thresholds.

The compute platform's causes are chosen with the observability design
(:func:`~infra_architect.engine.choose._operate.cause_alarms`); the stores, queues and
the load balancer's certificate are alarmed here, once the environments are sized,
because what they watch and where they fire differ by environment (an RDS volume's
allocation, an MSK cluster's broker count, a provisioned or on-demand stream). Every
threshold is catalog data (design.yaml ``cause_alarms``); the renderers print these.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from infra_architect._figures import Figure, figure, given, number, product, share
from infra_architect.catalog import CauseAlarmPolicy
from infra_architect.engine._design_model import (
    AlarmWatch,
    CauseAlarm,
    DataDesign,
    EnvironmentSizing,
    NetworkDesign,
    ObservabilityDesign,
    QueuePlan,
    StorePlan,
)
from infra_architect.errors import DesignLookupError

GIB_BYTES = 1024**3
"""RDS allocates storage in GiB and reports FreeStorageSpace in bytes."""

Environment = Literal["staging", "prod"]


def with_environment_alarms(
    observability: ObservabilityDesign,
    policy: CauseAlarmPolicy,
    network: NetworkDesign,
    data: DataDesign,
    environments: Sequence[EnvironmentSizing],
) -> ObservabilityDesign:
    """The observability design with every cause alarm: the data tier's, the compute
    platform's (its per-environment thresholds filled in), then the edge's."""
    compute = [_with_replica_thresholds(a, environments) for a in observability.cause_alarms]
    alarms = [
        *data_alarms(policy, data, environments),
        *compute,
        *edge_alarms(policy, network),
    ]
    return observability.model_copy(update={"cause_alarms": alarms})


def _with_replica_thresholds(
    alarm: CauseAlarm, environments: Sequence[EnvironmentSizing]
) -> CauseAlarm:
    """An alarm at a service's maximum replicas holds each environment's maximum."""
    if alarm.threshold is not None or alarm.service is None:
        return alarm
    thresholds = {
        env.name: given(
            env.service(alarm.service).max_replicas,
            "tasks",
            f"{env.name}: {alarm.service}'s maximum tasks",
        )
        for env in environments
    }
    return alarm.model_copy(update={"thresholds": thresholds})


def data_alarms(
    policy: CauseAlarmPolicy, data: DataDesign, environments: Sequence[EnvironmentSizing]
) -> list[CauseAlarm]:
    """Stores first, then queues, in the design's order."""
    out: list[CauseAlarm] = []
    for store in data.stores:
        out += _store_alarms(policy, store, environments)
    for queue in data.queues:
        out += _dead_letter_alarms(policy, queue)
    for queue in data.queues:
        out += _stream_alarms(policy, queue, environments)
    return out


def edge_alarms(policy: CauseAlarmPolicy, network: NetworkDesign) -> list[CauseAlarm]:
    """The load balancer's certificate: ACM renews it, so this fires when renewal failed."""
    if network.load_balancer != "alb":
        return []
    days = policy.certificate_days
    return [
        _cloudwatch(
            "certificate-expiry",
            f"TLS certificate expiring within {days} days",
            "AWS/CertificateManager/DaysToExpiry",
            "certificate",
            "Minimum",
            "<",
            days,
            period=policy.certificate_period_seconds,
            held=policy.certificate_period_seconds,
        )
    ]


def _store_alarms(
    policy: CauseAlarmPolicy, store: StorePlan, environments: Sequence[EnvironmentSizing]
) -> list[CauseAlarm]:
    cpu = policy.database_cpu_percent
    held = policy.data_for_seconds
    if store.kind not in ("rds", "aurora"):
        return []
    watches: Literal["database-instance", "database-cluster"] = (
        "database-instance" if store.kind == "rds" else "database-cluster"
    )
    out = [
        _cloudwatch(
            f"{store.name}-cpu",
            f"{store.name}: CPU above {number(cpu)}% for {_minutes(held)}",
            "AWS/RDS/CPUUtilization",
            watches,
            "Average",
            ">",
            cpu,
            period=policy.data_period_seconds,
            held=held,
            target=store.name,
        )
    ]
    if store.kind == "rds":
        free = policy.database_free_storage_share
        out.append(
            _cloudwatch(
                f"{store.name}-free-storage",
                f"{store.name}: free storage below {share(free)} of the allocated for "
                f"{_minutes(held)}",
                "AWS/RDS/FreeStorageSpace",
                "database-instance",
                "Minimum",
                "<",
                None,
                period=policy.data_period_seconds,
                held=held,
                target=store.name,
            ).model_copy(
                update={
                    "thresholds": {
                        env.name: _free_storage_bytes(env, store.name, free) for env in environments
                    }
                }
            )
        )
    return out


def _free_storage_bytes(env: EnvironmentSizing, store: str, free: float) -> Figure:
    allocated = env.store(store).allocated_gb
    if allocated is None:
        raise DesignLookupError(f"{env.name} RDS storage allocation of the store", store)
    return figure(
        round(allocated * GIB_BYTES * free),
        "bytes",
        "{allocated_gb} × {gib_bytes} × {free_share}",
        allocated_gb=allocated,
        gib_bytes=GIB_BYTES,
        free_share=free,
    )


def _queue_names(queue: QueuePlan) -> Iterator[str]:
    """The SQS queues behind a queue: itself, or one per SNS subscriber."""
    if queue.engine == "sqs":
        yield queue.name
    elif queue.engine == "sns":
        for consumer in sorted(queue.consumers):
            yield f"{queue.name}-{consumer}"


def _dead_letter_alarms(policy: CauseAlarmPolicy, queue: QueuePlan) -> list[CauseAlarm]:
    if not queue.dead_letter:
        return []
    period = policy.data_period_seconds
    lag = policy.consumer_lag_seconds
    out = []
    for name in _queue_names(queue):
        out += [
            _cloudwatch(
                f"{name}-dead-letters",
                f"{name}: messages in the dead-letter queue",
                "AWS/SQS/ApproximateNumberOfMessagesVisible",
                "dead-letter-queue",
                "Maximum",
                ">",
                0,
                period=period,
                held=period,
                target=name,
            ),
            _cloudwatch(
                f"{name}-oldest-message",
                f"{name}: oldest message older than {_minutes(lag)}",
                "AWS/SQS/ApproximateAgeOfOldestMessage",
                "queue",
                "Maximum",
                ">",
                lag,
                period=period,
                held=policy.data_for_seconds,
                target=name,
            ),
        ]
    return out


def _stream_alarms(
    policy: CauseAlarmPolicy, queue: QueuePlan, environments: Sequence[EnvironmentSizing]
) -> list[CauseAlarm]:
    """Causes behind a Kafka, Kinesis or RabbitMQ queue: consumers falling behind, and the
    brokers' own health (offline partitions, disk), where each environment has them."""
    sized = {env.name: q for env in environments if (q := env.queue(queue.name)) is not None}
    if not sized:
        return []
    present: list[Environment] = [e.name for e in environments if e.name in sized]
    provisioned: list[Environment] = [e for e in present if sized[e].mode == "provisioned"]
    lag = policy.consumer_lag_seconds
    minute = policy.stream_period_seconds
    out: list[CauseAlarm] = []
    if queue.engine == "kafka":
        out.extend(
            _cloudwatch(
                f"{queue.name}-{consumer}-lag",
                f"{queue.name}: {consumer} more than {_minutes(lag)} behind",
                "AWS/Kafka/EstimatedMaxTimeLag",
                "kafka-consumer",
                "Maximum",
                ">",
                lag,
                period=minute,
                held=lag,
                target=queue.name,
                detail=consumer,
                environments=present,
            )
            for consumer in sorted(queue.consumers)
        )
        if provisioned:
            out.append(
                _cloudwatch(
                    f"{queue.name}-offline-partitions",
                    f"{queue.name}: partitions without a leader (writes and reads to them fail)",
                    "AWS/Kafka/OfflinePartitionsCount",
                    "kafka-cluster",
                    "Maximum",
                    ">",
                    0,
                    period=minute,
                    held=minute,
                    target=queue.name,
                    environments=provisioned,
                )
            )
            disk = policy.broker_disk_percent
            most = max(sized[e].brokers for e in provisioned)
            # MSK numbers its brokers from 1.
            out.extend(
                _cloudwatch(
                    f"{queue.name}-broker-{broker}-disk",
                    f"{queue.name}: broker {broker}'s data volume above "
                    f"{number(disk)}% (grow the storage before it fills)",
                    "AWS/Kafka/KafkaDataLogsDiskUsed",
                    "kafka-broker",
                    "Maximum",
                    ">",
                    disk,
                    period=policy.data_period_seconds,
                    held=policy.data_for_seconds,
                    target=queue.name,
                    detail=str(broker),
                    environments=[e for e in provisioned if sized[e].brokers >= broker],
                )
                for broker in range(1, most + 1)
            )
    elif queue.engine == "kinesis":
        out.append(
            _cloudwatch(
                f"{queue.name}-iterator-age",
                f"{queue.name}: consumers more than {_minutes(lag)} behind",
                "AWS/Kinesis/GetRecords.IteratorAgeMilliseconds",
                "stream",
                "Maximum",
                ">",
                product(lag, "lag_seconds", 1000, "ms_per_second", "ms").value,
                period=minute,
                held=lag,
                target=queue.name,
                environments=present,
            )
        )
        if provisioned:
            out.append(
                _cloudwatch(
                    f"{queue.name}-write-throttled",
                    f"{queue.name}: writes throttled (the shards are full; reshard)",
                    "AWS/Kinesis/WriteProvisionedThroughputExceeded",
                    "stream",
                    "Sum",
                    ">",
                    0,
                    period=policy.data_period_seconds,
                    held=policy.data_for_seconds,
                    target=queue.name,
                    environments=provisioned,
                )
            )
    elif queue.engine == "rabbitmq" and queue.consumers:
        out.append(
            _cloudwatch(
                f"{queue.name}-no-consumer",
                f"{queue.name}: no consumer connected to the broker (messages pile up)",
                "AWS/AmazonMQ/ConsumerCount",
                "mq-broker",
                "Minimum",
                "<",
                1,
                period=minute,
                held=lag,
                target=queue.name,
                environments=present,
            )
        )
    return out


def _cloudwatch(  # noqa: PLR0917  (one alarm's fields)
    name: str,
    summary: str,
    signal: str,
    watches: AlarmWatch,
    statistic: Literal["Average", "Minimum", "Maximum", "Sum"],
    comparison: Literal[">", ">=", "<"],
    threshold: float | None,
    *,
    period: int,
    held: int,
    target: str | None = None,
    detail: str | None = None,
    environments: list[Environment] | None = None,
) -> CauseAlarm:
    """A CloudWatch alarm whose condition holds for ``held`` seconds of ``period``-second
    datapoints (at least one)."""
    return CauseAlarm(
        name=name,
        summary=summary,
        rendered_in="cloudwatch",
        service=None,
        signal=signal,
        comparison=comparison,
        threshold=threshold,
        for_seconds=held,
        watches=watches,
        target=target,
        detail=detail,
        statistic=statistic,
        period_seconds=period,
        evaluation_periods=max(1, held // period),
        environments=environments if environments is not None else ["staging", "prod"],
    )


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min"
