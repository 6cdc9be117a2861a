"""The figures data sizing reads (design.yaml ``data_sizing``): how requests become reads
and writes, what a write costs, what storage delivers, when Aurora's failover pays and
how S3 objects age into colder classes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from infra_architect.spec import S3AccessPattern, ServiceType


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccessDefault(_Data):
    """Rows one request (or message) reads and writes in each store its service uses."""

    reads_per_request: float = Field(ge=0)
    writes_per_request: float = Field(ge=0)


class Gp3Baseline(_Data):
    """What RDS gp3 storage delivers without provisioning, below and from a volume size
    (RDS stripes larger volumes), and the most it can be provisioned to."""

    min_gb: int = Field(ge=1)
    iops: int = Field(ge=1)
    mibps: int = Field(ge=1)
    large_from_gb: int = Field(ge=1)
    large_iops: int = Field(ge=1)
    large_mibps: int = Field(ge=1)
    max_iops: int = Field(ge=1)
    max_mibps: int = Field(ge=1)
    max_iops_per_gb: float = Field(gt=0)
    max_mibps_per_iops: float = Field(gt=0)


class AuroraClass(_Data):
    below_rps: float = Field(gt=0)
    class_: str = Field(alias="class")
    max_connections: int = Field(ge=1)
    price_key: str
    io_optimized_price_key: str


S3StorageClass = Literal["STANDARD_IA", "GLACIER_IR", "GLACIER"]


class LifecycleStep(_Data):
    after_days: int = Field(ge=1)
    storage_class: S3StorageClass


class S3Class(_Data):
    """One S3 storage class: its bill keys and the least time an object is billed there."""

    title: str
    storage_price_key: str
    transition_price_key: str
    min_days: int = Field(ge=0)


class DataSizing(_Data):
    access_defaults: dict[ServiceType, AccessDefault]
    object_writes_per_request: dict[ServiceType, float]
    write_cost: float = Field(ge=1)
    read_miss_ratio: float = Field(ge=0, le=1)
    ios_per_write: float = Field(ge=0)
    aurora_ios_per_write: float = Field(ge=0)
    page_bytes: dict[str, int]
    row_bytes: dict[str, float]
    storage_horizon_months: int = Field(ge=1)
    storage_headroom: float = Field(ge=1.1)
    opensearch_copies: int = Field(ge=1)
    opensearch_min_volume_gb: int = Field(ge=1)
    opensearch_max_zones: int = Field(ge=2, le=3)
    gp3: Gp3Baseline
    max_read_replicas: int = Field(ge=1)
    replica_from_class: str
    instance_failover_seconds: float = Field(gt=0)
    aurora_failover_seconds: float = Field(gt=0)
    failover_budget_share: float = Field(gt=0, le=1)
    aurora_classes: list[AuroraClass] = Field(min_length=1)
    aurora_staging_class: AuroraClass
    io_optimized_share: float = Field(gt=0, lt=1)
    s3_patterns: dict[S3AccessPattern, list[LifecycleStep]]
    s3_classes: dict[S3StorageClass, S3Class]

    @model_validator(mode="after")
    def _complete(self) -> DataSizing:
        missing = sorted(
            t.value
            for t in ServiceType
            if t not in self.access_defaults or t not in self.object_writes_per_request
        )
        if missing:
            raise ValueError(f"data_sizing.access_defaults lacks {missing}")
        unknown = sorted(p.value for p in S3AccessPattern if p not in self.s3_patterns)
        if unknown:
            raise ValueError(f"data_sizing.s3_patterns lacks {unknown}")
        for name, steps in self.s3_patterns.items():
            days = [s.after_days for s in steps]
            if days != sorted(set(days)):
                raise ValueError(f"s3 pattern {name.value}: transitions must ascend")
            for step in steps:
                if step.after_days < self.s3_classes[step.storage_class].min_days and (
                    step.storage_class == "STANDARD_IA"
                ):
                    raise ValueError(
                        f"s3 pattern {name.value}: S3 moves objects to Standard-IA after "
                        f"{self.s3_classes['STANDARD_IA'].min_days} days at the earliest"
                    )
        return self
