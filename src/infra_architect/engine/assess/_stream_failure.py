"""What a stream or broker failure does, for each MSK cluster, Kinesis stream, RabbitMQ broker
and MemoryDB cluster the design holds: broker or node loss, AZ loss and consumer lag. An
assessment of the chosen data design, beside the other failure paths."""

from __future__ import annotations

from infra_architect._figures import Figure, given
from infra_architect.catalog import Catalog
from infra_architect.engine._design_model import Dashboards, DataDesign, FailureScenario


def _timing(catalog: Catalog, key: str, what: str) -> tuple[Figure, Figure]:
    t = catalog.streaming.failures[key]  # type: ignore[index]
    return (
        given(t.detection_seconds, "s", f"{what}: {t.source}"),
        given(t.recovery_seconds, "s", f"{what}: {t.source}"),
    )


def stream_failure_scenarios(
    catalog: Catalog, data: DataDesign, dashboards: Dashboards
) -> list[FailureScenario]:
    """Broker or node loss, AZ loss and consumer lag for each MSK cluster, Kinesis stream,
    RabbitMQ broker and MemoryDB cluster of the design."""
    look = dashboards.data
    out: list[FailureScenario] = []
    for queue in data.queues:
        s = queue.sizing
        if s is None or s.mode == "queue":
            continue
        consumers = ", ".join(queue.consumers) or "its consumers"
        if queue.engine == "kafka":
            key = "msk-serverless" if s.mode == "serverless" else "msk-broker"
            detect, recover = _timing(catalog, key, "broker loss")
            min_isr = catalog.streaming.kafka.min_insync_replicas
            out.append(
                FailureScenario(
                    id=f"{queue.name}-broker-loss",
                    title=f"A broker of {queue.name} (MSK) fails",
                    mechanism=f"replication factor {s.replication_factor} with "
                    f"min.insync.replicas {min_isr}: partition leaders move to in-sync "
                    "followers; producers (acks=all) and consumers retry on the new leaders",
                    detection=detect,
                    recovery=recover,
                    impact="requests to the lost broker's partitions pause while leaders "
                    "move; no acknowledged message is lost",
                    operator_actions=[
                        (
                            "none: confirm UnderReplicatedPartitions returns to 0 "
                            "(MSK replaces the broker)"
                        ),
                        "if it stays above 0: check the broker's disk and the MSK events",
                    ],
                    look_at=[
                        look,
                        (
                            "CloudWatch AWS/Kafka: UnderReplicatedPartitions, "
                            "OfflinePartitionsCount, ActiveControllerCount"
                        ),
                    ],
                    covered=s.mode == "serverless" or s.brokers >= s.replication_factor,
                )
            )
            out.append(
                FailureScenario(
                    id=f"{queue.name}-az-loss",
                    title=f"An AZ of {queue.name} (MSK) fails",
                    mechanism=f"brokers in {s.zones} AZs with rack-aware replica placement: "
                    f"every partition keeps {s.replication_factor - 1} replica(s) in the "
                    "other AZs, so leaders move as for one broker",
                    detection=detect,
                    recovery=recover,
                    impact=f"{100 / max(s.zones, 1):.0f}% of brokers lost; writes continue "
                    f"while {min_isr} replicas stay in sync",
                    operator_actions=[
                        "none: watch UnderReplicatedPartitions fall once the AZ returns",
                    ],
                    look_at=[look, "AWS Health Dashboard"],
                    covered=s.zones >= 2 and s.replication_factor > min_isr,
                    gap="" if s.zones >= 2 else "one AZ only",
                )
            )
            lag_metric = "MaxOffsetLag / SumOffsetLag (AWS/Kafka, per consumer group)"
        elif queue.engine == "kinesis":
            detect, recover = _timing(catalog, "kinesis-shard", "host loss")
            out.append(
                FailureScenario(
                    id=f"{queue.name}-stream-degraded",
                    title=f"{queue.name} (Kinesis) loses a host or an AZ",
                    mechanism="Kinesis keeps every record in 3 AZs; producers retry "
                    "throttled or failed PutRecords with backoff",
                    detection=detect,
                    recovery=recover,
                    impact="writes are retried for seconds; no acknowledged record is lost",
                    operator_actions=[
                        "none: confirm WriteProvisionedThroughputExceeded returns to 0",
                    ],
                    look_at=[
                        look,
                        (
                            "CloudWatch AWS/Kinesis: PutRecords.FailedRecords, "
                            "WriteProvisionedThroughputExceeded"
                        ),
                    ],
                    covered=True,
                )
            )
            lag_metric = "GetRecords.IteratorAgeMilliseconds (AWS/Kinesis)"
        else:
            cluster = s.mode == "cluster"
            key = "mq-cluster-node" if cluster else "mq-single-instance"
            detect, recover = _timing(catalog, key, "broker loss")
            out.append(
                FailureScenario(
                    id=f"{queue.name}-broker-loss",
                    title=f"A broker node of {queue.name} (Amazon MQ) fails",
                    mechanism="quorum queues on the 3 nodes elect a new leader; clients "
                    "reconnect through the cluster endpoint"
                    if cluster
                    else "Amazon MQ recovers the single-instance broker",
                    detection=detect,
                    recovery=recover,
                    impact="publishes and deliveries pause while the leader moves"
                    if cluster
                    else "no message is published or delivered until the broker is back; "
                    "producers must buffer or fail",
                    operator_actions=[
                        "none: confirm the broker's nodes are running (Amazon MQ console)",
                        (
                            "if clients do not reconnect: restart them with the endpoint from "
                            "Terraform's outputs"
                        ),
                    ],
                    look_at=[
                        look,
                        "CloudWatch AWS/AmazonMQ: RabbitMQMemUsed, MessageCount",
                        "AWS Health Dashboard",
                    ],
                    covered=cluster,
                    gap="" if cluster else "single-instance broker: no standby",
                )
            )
            lag_metric = "MessageCount (AWS/AmazonMQ, per queue)"
        detect, recover = _timing(catalog, "consumer-lag", "consumer lag")
        out.append(
            FailureScenario(
                id=f"{queue.name}-consumer-lag",
                title=f"{consumers} fall behind on {queue.name}",
                mechanism=f"lag alarmed on {lag_metric}; consumers scale out up to "
                + (
                    f"{s.partitions} replicas (one per "
                    + ("partition)" if queue.engine == "kafka" else "shard)")
                    if queue.engine in ("kafka", "kinesis")
                    else "their maximum"
                ),
                detection=detect,
                recovery=recover,
                impact=f"work is delayed, not lost: messages wait within the "
                f"{s.retention_hours:g} h retention",
                operator_actions=[
                    (
                        "find the slow step (a dependency, poison messages) in the consumers' "
                        "traces and logs"
                    ),
                    (
                        "if the consumers sit at their maximum: raise the partitions (shards) and "
                        "the maximum together"
                    ),
                ],
                look_at=[look],
                covered=True,
            )
        )
    for store in data.stores:
        if store.kind != "memorydb":
            continue
        key = "memorydb-node" if store.read_replicas else "memorydb-no-replica"
        detect, recover = _timing(catalog, key, "node loss")
        out.append(
            FailureScenario(
                id=f"{store.name}-node-loss",
                title=f"A node or an AZ of {store.name} (MemoryDB) fails",
                mechanism="a replica in another AZ is promoted; the Multi-AZ transaction log "
                "holds every acknowledged write"
                if store.read_replicas
                else "MemoryDB replaces the node and replays the Multi-AZ transaction log",
                detection=detect,
                recovery=recover,
                impact="writes to the failed primary's shard fail until the promotion; no "
                "acknowledged write is lost",
                operator_actions=[
                    "none: confirm the shard has a primary again (MemoryDB events)",
                ],
                look_at=[
                    look,
                    (
                        "CloudWatch AWS/MemoryDB: PrimaryEngineCPUUtilization, "
                        "DatabaseMemoryUsagePercentage"
                    ),
                ],
                covered=store.read_replicas > 0,
                gap="" if store.read_replicas else "no replica: minutes to rebuild",
            )
        )
    return out
