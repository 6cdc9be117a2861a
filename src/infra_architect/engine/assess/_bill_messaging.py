"""The bill's queues, topics and streams: SQS and SNS requests, Kinesis, MSK
(provisioned or Serverless) and Amazon MQ for RabbitMQ."""

from __future__ import annotations

import math

from infra_architect._figures import figure, number
from infra_architect.catalog import SECONDS_PER_MONTH
from infra_architect.cost import Usage
from infra_architect.engine._design_model import QueuePlan, QueueSize
from infra_architect.engine.assess._bill_parts import (
    GB,
    BillInputs,
    Sizes,
    hours,
    per_million,
)
from infra_architect.errors import DesignLookupError
from infra_architect.spec import QueueEngine

SNS_CHUNK_BYTES = 65_536
"""SNS bills a publish per 64 KB chunk of its payload."""


KINESIS_RECORD_BYTES = 1024
"""Kinesis on-demand bills data in records rounded up to 1 KB."""


def queue_lines(parts: BillInputs, sizes: Sizes, scale: float) -> list[Usage]:
    """Every queue engine's bill: requests (SQS, SNS), brokers and their storage (MSK,
    Amazon MQ), streams and data (Kinesis on demand)."""
    out: list[Usage] = []
    engines = {q.name: q.engine for q in parts.req.system.queues}
    for queue in parts.data.queues:
        per_second = _queue_rate(parts, queue.name) * scale
        engine = engines[queue.name]
        if engine is QueueEngine.SQS:
            out.append(_sqs_requests(parts, queue.name, per_second))
        elif engine is QueueEngine.SNS:
            out.extend(_sns(parts, queue, per_second))
        elif engine is QueueEngine.KINESIS:
            out.extend(_kinesis(parts, sizes.queues[queue.name], queue, per_second))
        elif engine is QueueEngine.KAFKA:
            out.extend(_msk(parts, sizes.queues[queue.name], queue, per_second))
        elif engine is QueueEngine.RABBITMQ:
            out.extend(_amazon_mq(parts, sizes.queues[queue.name], queue.name, per_second))
    return out


def _sqs_requests(parts: BillInputs, name: str, per_second: float) -> Usage:
    calls = per_second * SECONDS_PER_MONTH * parts.usage.sqs_requests_per_message
    return per_million(
        f"{name} (SQS requests)",
        "messaging",
        "sqs_million_requests",
        calls,
        f"{parts.usage.sqs_requests_per_message:g} API calls a message "
        "(the first million a month are free, not deducted)",
    )


def _sns(parts: BillInputs, queue: QueuePlan, per_second: float) -> list[Usage]:
    """A topic fanning out to one SQS queue per consumer: publishes (64 KB each) on the
    topic; receives and deletes on each queue (SNS's deliveries to SQS are free)."""
    usage = parts.usage
    chunks = math.ceil(usage.message_bytes / SNS_CHUNK_BYTES)
    consumers = max(1, len(queue.consumers))
    per_queue = usage.sns_subscriber_sqs_requests_per_message
    return [
        per_million(
            f"{queue.name} (SNS publishes)",
            "messaging",
            "sns_million_publishes",
            per_second * SECONDS_PER_MONTH * chunks,
            "one publish per message (64 KB each); deliveries to SQS subscribers are free; "
            "the first million a month are free, not deducted",
        ),
        per_million(
            f"{queue.name} (SQS requests of its {consumers} subscriber queue(s))",
            "messaging",
            "sqs_million_requests",
            per_second * SECONDS_PER_MONTH * per_queue * consumers,
            f"{per_queue:g} API calls a message on each subscriber queue (receive, delete)",
        ),
    ]


def _kinesis(
    parts: BillInputs, size: QueueSize, queue: QueuePlan, per_second: float
) -> list[Usage]:
    """A stream as the design sizes it: on-demand (the stream's hours, the data written,
    each record rounded up to 1 KB, and the data each consumer reads) or provisioned
    (shard-hours and 25 KB PUT payload units)."""
    message_bytes = parts.usage.message_bytes
    consumers = max(1, len(queue.consumers))
    if size.mode == "provisioned":
        unit_bytes = parts.catalog.streaming.kinesis.put_unit_bytes
        units = math.ceil(message_bytes / unit_bytes)
        return [
            Usage(
                component=f"{queue.name} (Kinesis shards)",
                category="messaging",
                price_key="kinesis_shard_hour",
                quantity=hours(float(size.partitions), "shards"),
                commitment="steady",
                traffic_scaled=False,
                workload=queue.name,
                note=f"{size.partitions} provisioned shard(s), "
                f"{parts.catalog.streaming.kinesis.retention_hours} h retention",
            ),
            per_million(
                f"{queue.name} (Kinesis PUT payload units)",
                "messaging",
                "kinesis_million_put_units",
                per_second * SECONDS_PER_MONTH * units,
                f"{units} 25 KB unit(s) a {number(message_bytes)}-byte record",
            ),
        ]
    record = math.ceil(message_bytes / KINESIS_RECORD_BYTES) * KINESIS_RECORD_BYTES
    written = per_second * SECONDS_PER_MONTH * record / GB
    return [
        Usage(
            component=f"{queue.name} (Kinesis on-demand stream)",
            category="messaging",
            price_key="kinesis_on_demand_stream_hour",
            quantity=hours(1.0, "streams"),
            commitment="usage",
            traffic_scaled=False,
            workload=queue.name,
            note="ON_DEMAND capacity mode, "
            f"{parts.catalog.streaming.kinesis.retention_hours} h retention",
        ),
        Usage(
            component=f"{queue.name} (Kinesis data written)",
            category="messaging",
            price_key="kinesis_on_demand_ingest_gb",
            quantity=figure(
                written,
                "GB",
                "{messages_per_second} × {record_bytes} × {seconds_per_month} / 1e9",
                messages_per_second=per_second,
                record_bytes=float(record),
                seconds_per_month=SECONDS_PER_MONTH,
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=queue.name,
            note=f"{number(message_bytes)}-byte messages, billed in 1 KB records",
        ),
        Usage(
            component=f"{queue.name} (Kinesis data read)",
            category="messaging",
            price_key="kinesis_on_demand_retrieval_gb",
            quantity=figure(
                written * consumers,
                "GB",
                "{gb_written} × {consumers}",
                gb_written=written,
                consumers=float(consumers),
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=queue.name,
            note="every consumer reads every record (shared throughput)",
        ),
    ]


def _msk(parts: BillInputs, size: QueueSize, queue: QueuePlan, per_second: float) -> list[Usage]:
    """An MSK cluster as the design sizes it: provisioned (brokers × class hours and the
    storage provisioned on every broker) or Serverless (cluster and partition hours, the
    data written and read, the data retained)."""
    kafka = parts.catalog.streaming.kafka
    name = queue.name
    message_bytes = parts.usage.message_bytes
    if size.mode == "serverless":
        written = per_second * message_bytes * SECONDS_PER_MONTH / GB
        retained = per_second * message_bytes * kafka.retention_hours * 3600 / GB
        readers = max(1, len(queue.consumers))
        return [
            Usage(
                component=f"{name} (MSK Serverless cluster)",
                category="messaging",
                price_key="msk_serverless_cluster_hour",
                quantity=hours(1.0, "clusters"),
                commitment="steady",
                traffic_scaled=False,
                workload=name,
                note="no brokers to size: capacity is AWS's",
            ),
            Usage(
                component=f"{name} (MSK Serverless partitions)",
                category="messaging",
                price_key="msk_serverless_partition_hour",
                quantity=hours(float(size.partitions), "partitions"),
                commitment="steady",
                traffic_scaled=False,
                workload=name,
                note=f"{size.partitions} partitions (at least the consumers' replicas)",
            ),
            _gigabytes_line(
                f"{name} (MSK Serverless data in)",
                "msk_serverless_ingress_gb",
                written,
                per_second,
                message_bytes,
                name,
            ),
            Usage(
                component=f"{name} (MSK Serverless data out)",
                category="messaging",
                price_key="msk_serverless_egress_gb",
                quantity=figure(
                    written * readers,
                    "GB",
                    "{gb_written} × {consumer_groups}",
                    gb_written=written,
                    consumer_groups=float(readers),
                ),
                commitment="usage",
                traffic_scaled=True,
                workload=name,
                note="every consumer group reads every message",
            ),
            Usage(
                component=f"{name} (MSK Serverless storage)",
                category="messaging",
                price_key="msk_serverless_storage_gb_month",
                quantity=figure(
                    retained,
                    "GB-month",
                    "{messages_per_second} × {message_bytes} × {retention_hours} × 3600 / 1e9",
                    messages_per_second=per_second,
                    message_bytes=message_bytes,
                    retention_hours=kafka.retention_hours,
                ),
                commitment="usage",
                traffic_scaled=True,
                workload=name,
                note="the retention period's messages",
            ),
        ]
    key = _broker_key(parts, "kafka", size.instance_class)
    return [
        _brokers(
            f"{name} (MSK brokers, {size.instance_class})",
            key,
            size.brokers,
            name,
            f"{size.brokers} brokers over {size.zones} AZs, replication factor "
            f"{size.replication_factor}",
        ),
        Usage(
            component=f"{name} (MSK broker storage)",
            category="messaging",
            price_key="msk_storage_gb_month",
            quantity=figure(
                size.storage_gb_per_broker * size.brokers,
                "GB-month",
                "{gb_per_broker} × {brokers}",
                gb_per_broker=size.storage_gb_per_broker,
                brokers=float(size.brokers),
            ),
            commitment="steady",
            traffic_scaled=False,
            workload=name,
            note="provisioned on every broker: the retention period's data on every "
            "replica, with headroom",
        ),
    ]


def _gigabytes_line(  # noqa: PLR0917  (one line of the bill)
    component: str, key: str, gb: float, per_second: float, message_bytes: float, workload: str
) -> Usage:
    return Usage(
        component=component,
        category="messaging",
        price_key=key,
        quantity=figure(
            gb,
            "GB",
            "{messages_per_second} × {message_bytes} × {seconds_per_month} / 1e9",
            messages_per_second=per_second,
            message_bytes=message_bytes,
            seconds_per_month=SECONDS_PER_MONTH,
        ),
        commitment="usage",
        traffic_scaled=True,
        workload=workload,
        note=f"{number(message_bytes)}-byte messages",
    )


def _amazon_mq(parts: BillInputs, size: QueueSize, name: str, per_second: float) -> list[Usage]:
    """Amazon MQ for RabbitMQ as the design sizes it (a cluster's nodes or one broker),
    and the backlog it holds on disk."""
    backlog_hours = parts.catalog.streaming.rabbitmq.backlog_hours
    held = per_second * parts.usage.message_bytes * backlog_hours * 3600 / GB
    nodes = size.brokers
    return [
        _brokers(
            f"{name} (Amazon MQ brokers, {size.instance_class})",
            _broker_key(parts, "rabbitmq", size.instance_class),
            nodes,
            name,
            f"{nodes}-node cluster across AZs" if nodes > 1 else "single-instance broker",
        ),
        Usage(
            component=f"{name} (Amazon MQ storage)",
            category="messaging",
            price_key="mq_storage_gb_month",
            quantity=figure(
                held * nodes,
                "GB-month",
                "{messages_per_second} × {message_bytes} × {backlog_hours} × 3600 / 1e9 × {nodes}",
                messages_per_second=per_second,
                message_bytes=parts.usage.message_bytes,
                backlog_hours=backlog_hours,
                nodes=float(nodes),
            ),
            commitment="usage",
            traffic_scaled=True,
            workload=name,
            note="messages waiting to be consumed, on every node",
        ),
    ]


def _broker_key(parts: BillInputs, engine: str, instance_class: str | None) -> str:
    """The price key of a broker class the design chose (streaming.yaml)."""
    streaming = parts.catalog.streaming
    classes = (
        [(c.class_, c.price_key) for c in streaming.kafka.broker_classes]
        if engine == "kafka"
        else [(c.class_, c.price_key) for c in streaming.rabbitmq.instance_classes]
    )
    for cls, key in classes:
        if cls == instance_class:
            return key
    raise DesignLookupError(
        f"{engine} broker class", str(instance_class), [c for c, _ in classes], where="the catalog"
    )


def _brokers(component: str, key: str, count: int, workload: str, note: str) -> Usage:
    return Usage(
        component=component,
        category="messaging",
        price_key=key,
        quantity=hours(float(count), "brokers"),
        commitment="steady",
        traffic_scaled=False,
        workload=workload,
        note=note,
    )


def _queue_rate(parts: BillInputs, name: str) -> float:
    """Messages/s through queue ``name`` today: what its consumers take (the sizing's
    figure), else the rate the spec states; 0 with neither (nothing is consumed)."""
    consumers = [
        c
        for c in parts.constraints.services
        if c.load_unit == "messages/s" and name in parts.compute.service(c.name).uses
    ]
    if consumers:
        return max(c.average_load.value for c in consumers)
    stated = parts.req.queue(name).messages_per_second
    return stated or 0.0
