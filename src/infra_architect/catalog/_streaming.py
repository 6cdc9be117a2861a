"""Typed loaders for streaming.yaml (MSK, Kinesis, Amazon MQ, MemoryDB) and
buildable.yaml (which Terraform module builds each component the engine can choose)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from infra_architect.spec import Experience


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KafkaBrokerClass(_Data):
    class_: str = Field(alias="class")
    storage_mb_per_second: float = Field(gt=0, description="Baseline EBS throughput.")
    partitions_per_broker: int = Field(ge=1, description="MSK's recommended maximum.")
    staging_only: bool = False
    price_key: str


class KafkaServerless(_Data):
    max_ingress_mb_per_second: float = Field(gt=0)
    max_egress_mb_per_second: float = Field(gt=0)
    max_partitions: int = Field(ge=1)
    partition_ingress_mb_per_second: float = Field(gt=0)


class KafkaData(_Data):
    retention_hours: float = Field(gt=0)
    replication_factor: int = Field(ge=1)
    min_insync_replicas: int = Field(ge=1)
    min_zones: int = Field(ge=1)
    max_zones: int = Field(ge=1)
    planned_utilisation: float = Field(gt=0, le=1)
    partition_mb_per_second: float = Field(gt=0)
    broker_classes: list[KafkaBrokerClass] = Field(min_length=1)
    storage_headroom: float = Field(ge=1)
    min_storage_gb: float = Field(gt=0)
    max_storage_gb: float = Field(gt=0)
    max_brokers: int = Field(ge=1)
    serverless: KafkaServerless
    provisioned_team_size: int = Field(ge=1)
    provisioned_ops_experience: Experience

    @model_validator(mode="after")
    def _insync_below_replicas(self) -> KafkaData:
        if self.min_insync_replicas > self.replication_factor:
            raise ValueError("kafka.min_insync_replicas exceeds the replication factor")
        return self


class KinesisData(_Data):
    shard_write_mb_per_second: float = Field(gt=0)
    shard_write_records_per_second: float = Field(gt=0)
    shard_read_mb_per_second: float = Field(gt=0)
    retention_hours: int = Field(ge=24, le=8760)
    on_demand_initial_shards: int = Field(ge=1)
    provisioned_min_saving: float = Field(ge=0, lt=1)
    put_unit_bytes: float = Field(gt=0)


class MqInstanceClass(_Data):
    class_: str = Field(alias="class")
    connections: int = Field(ge=1)
    messages_per_second: float = Field(gt=0)
    staging_only: bool = False
    price_key: str


class RabbitMqData(_Data):
    cluster_nodes: int = Field(ge=3)
    backlog_hours: float = Field(ge=0)
    connections_per_replica: int = Field(ge=1)
    instance_classes: list[MqInstanceClass] = Field(min_length=1)


class MemoryDbClass(_Data):
    below_gb: float = Field(gt=0)
    class_: str = Field(alias="class")
    price_key: str


class MemoryDbData(_Data):
    node_classes: list[MemoryDbClass] = Field(min_length=1)
    write_bytes_per_request: float = Field(gt=0)
    write_share: float = Field(ge=0, le=1)
    snapshot_retention_days: int = Field(ge=1, le=35)


class FailureTiming(_Data):
    detection_seconds: float = Field(ge=0)
    recovery_seconds: float = Field(gt=0)
    source: str


StreamFailure = Literal[
    "msk-broker",
    "msk-serverless",
    "kinesis-shard",
    "mq-cluster-node",
    "mq-single-instance",
    "memorydb-node",
    "memorydb-no-replica",
    "consumer-lag",
]


class StreamingData(_Data):
    """Sizing figures and failure timings of the streaming and in-memory primary stores."""

    version: Literal[1]
    kafka: KafkaData
    kinesis: KinesisData
    rabbitmq: RabbitMqData
    memorydb: MemoryDbData
    failures: dict[StreamFailure, FailureTiming]

    @model_validator(mode="after")
    def _every_failure(self) -> StreamingData:
        missing = sorted(set(StreamFailure.__args__) - set(self.failures))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"streaming.failures lacks timings for {missing}")
        return self


BuildableTable = Literal["compute", "stores", "queues"]


class Buildable(_Data):
    """The Terraform module that builds each component (None: none yet)."""

    version: Literal[1]
    compute: dict[str, str | None]
    stores: dict[str, str | None]
    queues: dict[str, str | None]
    standby: dict[str, list[str]]
    """Platform → the standby compute modes built in the recovery region for it."""

    def module(self, table: BuildableTable, key: str) -> str | None:
        """The module building ``key`` of ``table`` (None: none, or not in the table)."""
        return {"compute": self.compute, "stores": self.stores, "queues": self.queues}[table].get(
            key
        )

    def compute_module(self, platform: str) -> str | None:
        return self.compute.get(platform)

    def store_module(self, kind: str) -> str | None:
        return self.stores.get(kind)

    def queue_module(self, engine: str) -> str | None:
        return self.queues.get(engine)

    def standby_modes(self, platform: str) -> list[str]:
        """The standby compute modes built for ``platform`` (none: nothing runs there)."""
        return self.standby.get(platform, ["none"])
