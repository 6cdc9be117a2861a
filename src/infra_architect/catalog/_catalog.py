from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from ruamel.yaml import YAML

from infra_architect.catalog._cluster_addons import ClusterAddonsData
from infra_architect.catalog._data_sizing import DataSizing
from infra_architect.catalog._limits import Limits
from infra_architect.catalog._prices import PriceCatalog, PriceList
from infra_architect.catalog._streaming import Buildable, StreamingData
from infra_architect.errors import named
from infra_architect.spec import Experience, KubernetesExperience, Runtime, ServiceType


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Data):
    name: str
    availability_zones: int = Field(ge=1)


class ServiceProfile(_Data):
    port: int = Field(ge=1, le=65535)


class RuntimeProfile(_Data):
    """Planning figures for a runtime until the service's measurements replace them."""

    cpu_ms_per_request: float = Field(gt=0)
    vcpu: float = Field(gt=0)
    memory_mb: int = Field(ge=64)
    min_vcpu: float = Field(
        default=0.1, gt=0, description="Smallest replica it runs well in (a 100m request)."
    )


class SloTier(_Data):
    below: float = Field(gt=0, le=100)
    availability_zones: int = Field(ge=1)
    why: str


class DataReplication(_Data):
    """How data reaches the recovery region: sets the RPO of a region loss."""

    name: Literal["backup-copy", "async-replica"]
    title: str
    rpo_minutes: float = Field(ge=0)
    restore_minutes: float = Field(gt=0)
    why: str
    source: str
    cost: str


class StandbyCompute(_Data):
    """What runs in the recovery region before a disaster: sets the RTO."""

    name: Literal["none", "pilot-light", "warm-standby", "hot-standby"]
    title: str
    rto_minutes: float = Field(gt=0)
    running_share: float = Field(ge=0, le=1)
    network: bool
    automated: bool
    why: str
    source: str


class RegionRpoZeroOption(_Data):
    """A store that commits in several regions, so a region loss loses nothing."""

    name: str
    regions: int = Field(ge=2)
    storage_usd_gb_month: float = Field(gt=0)
    usd_per_million: float = Field(gt=0)
    unit: str
    note: str
    source: str


class Capability(_Data):
    name: str
    kind: Literal["compute", "topology", "data", "network"]
    title: str
    team_size: int = Field(ge=1)
    ops_experience: Experience
    kubernetes_experience: KubernetesExperience


class Policy(_Data):
    version: Literal[1]
    target_utilisation: float = Field(gt=0, le=1)
    service_profiles: dict[ServiceType, ServiceProfile]
    runtimes: dict[str, RuntimeProfile]
    message_cpu_factor: float = Field(gt=0)
    web_cpu_factor: float = Field(gt=0)
    cpu_sensitivity: tuple[float, float]
    storage_defaults_gb: dict[str, float]
    slo_tiers: list[SloTier] = Field(min_length=1)
    min_replicas_floor: int = Field(ge=1)
    worker_redundancy_slo: float
    db_failover_minutes: float = Field(gt=0)
    multi_az_data_slo: float
    stop_start_deploy_minutes: float = Field(ge=0)
    months_within_budget: float = Field(gt=0, le=1)
    data_replication: list[DataReplication] = Field(min_length=1)
    standby_compute: list[StandbyCompute] = Field(min_length=1)
    region_rpo_zero_options: list[RegionRpoZeroOption] = Field(min_length=1)
    on_call_min_people: int = Field(ge=1)
    paging_slo: float
    automation_slo: float
    capabilities: list[Capability] = Field(min_length=1)

    @model_validator(mode="after")
    def _tiers_ascend(self) -> Policy:
        bounds = [tier.below for tier in self.slo_tiers]
        if bounds != sorted(bounds) or bounds[-1] != 100:
            raise ValueError("slo_tiers must ascend and the last must be below: 100")
        return self

    @model_validator(mode="after")
    def _recovery_options_ascend(self) -> Policy:
        # cheapest first is what "the cheapest that meets" reads; a stronger option
        # listed before a weaker one would make that walk wrong
        rpos = [d.rpo_minutes for d in self.data_replication]
        rtos = [c.rto_minutes for c in self.standby_compute]
        if rpos != sorted(rpos, reverse=True) or rtos != sorted(rtos, reverse=True):
            raise ValueError(
                "data_replication and standby_compute must go from weakest to strongest"
            )
        return self

    @model_validator(mode="after")
    def _every_runtime(self) -> Policy:
        missing = ({r.value for r in Runtime} | {"unknown"}) - set(self.runtimes)
        if missing:
            raise ValueError(f"runtimes lacks planning figures for: {sorted(missing)}")
        return self

    def runtime(self, runtime: Runtime | None) -> RuntimeProfile:
        return self.runtimes[runtime.value if runtime is not None else "unknown"]

    def standby(self, name: str) -> StandbyCompute:
        return named(self.standby_compute, name, "standby compute", where="the catalog")

    def tier_for(self, slo: float) -> SloTier:
        return next(tier for tier in self.slo_tiers if slo < tier.below)

    def capability(self, name: str) -> Capability:
        return named(self.capabilities, name, "capability", where="the catalog")


class RegionTable(_Data):
    version: Literal[1]
    as_of: str
    regions: dict[str, Region]


class Sla(_Data):
    percent: float = Field(gt=0, le=100)
    source: str


class Timings(_Data):
    health_check_interval_seconds: int = Field(ge=5, le=300)
    health_check_timeout_seconds: int = Field(ge=2, le=120)
    healthy_threshold: int = Field(ge=2, le=10)
    unhealthy_threshold: int = Field(ge=2, le=10)
    readiness_period_seconds: int = Field(ge=1)
    readiness_failure_threshold: int = Field(ge=1)
    node_monitor_grace_seconds: int = Field(ge=1)
    pod_toleration_seconds: int = Field(ge=0)
    pod_start_seconds: int = Field(ge=1)
    fargate_task_start_seconds: int = Field(ge=1)
    node_provision_seconds: dict[str, int]
    hpa_sync_seconds: int = Field(ge=1)
    metrics_resolution_seconds: int = Field(ge=1)
    ecs_scale_out_alarm_seconds: int = Field(ge=1)
    lambda_scale_seconds: int = Field(ge=1)
    analysis_interval_seconds: int = Field(ge=1)
    analysis_failure_limit: int = Field(ge=1)
    deploy_alarm_seconds: int = Field(ge=1)
    traffic_shift_seconds: int = Field(ge=1)
    rolling_batches: int = Field(ge=1)
    dns_failover_seconds: int = Field(ge=1)


class NodeType(_Data):
    name: str
    vcpu: float = Field(gt=0)
    memory_gib: float = Field(gt=0)
    max_pods: int = Field(ge=1, description="Pods one node takes (VPC CNI, no prefix mode).")
    price_key: str


class DbClass(_Data):
    below_rps: float = Field(gt=0)
    class_: str = Field(alias="class")
    vcpu: float = Field(gt=0)
    memory_gib: float = Field(gt=0)
    baseline_percent: float | None = Field(
        default=None, gt=0, le=100, description="Burstable: CPU per vCPU sustained on credits."
    )
    max_connections: int = Field(ge=1)
    price_key: str


class SizeClass(_Data):
    below_gb: float = Field(gt=0)
    class_: str = Field(alias="class")
    staging_only: bool = False
    price_key: str


class EngineVersion(_Data):
    version: str
    parameter_group_family: str


class EngineVersions(_Data):
    """The engine version per relational engine, on RDS and on Aurora, and Kubernetes's."""

    rds: dict[str, EngineVersion]
    aurora: dict[str, EngineVersion]
    kubernetes: str = Field(pattern=r"^1\.\d{2}$")


class WafRateLimit(_Data):
    """How the WAF's per-client rate limit follows the peak (design.yaml waf_rate_limit)."""

    client_share_of_peak: float = Field(gt=0, le=1)
    window_seconds: Literal[300] = Field(description="The WAF module's limit is per 5 min.")
    round_to: int = Field(ge=1)
    floor: int = Field(ge=10)


class CauseAlarmPolicy(_Data):
    """Thresholds of the compute platform's cause alarms (design.yaml cause_alarms)."""

    replicas_at_max_seconds: int = Field(ge=60)
    restarts_above: int = Field(ge=1)
    restarts_window_seconds: int = Field(ge=60)
    node_not_ready_seconds: int = Field(ge=60)
    database_cpu_percent: float = Field(gt=0, le=100)
    database_free_storage_share: float = Field(gt=0, lt=1)
    data_for_seconds: int = Field(ge=60)
    data_period_seconds: int = Field(ge=60)
    consumer_lag_seconds: int = Field(ge=60)
    stream_period_seconds: int = Field(ge=60)
    broker_disk_percent: float = Field(gt=0, le=100)
    certificate_days: int = Field(ge=1)
    certificate_period_seconds: int = Field(ge=60, le=86_400)
    service_period_seconds: int = Field(ge=60)


class DnsPolicy(_Data):
    """The public name's records (design.yaml dns)."""

    validation_record_ttl: int = Field(ge=1)
    health_check_interval_seconds: Literal[10, 30]
    health_check_failure_threshold: int = Field(ge=1, le=10)
    health_check_source: str


class BurnRateAlert(_Data):
    severity: Literal["page", "ticket"]
    burn_rate: float = Field(gt=0)
    long_window: str = Field(pattern=r"^[1-9][0-9]*[mhd]$")
    short_window: str = Field(pattern=r"^[1-9][0-9]*[mhd]$")
    budget_spent_percent: float = Field(gt=0)


Mechanism = Literal[
    "segmentation",
    "encryption-at-rest",
    "encryption-in-transit",
    "waf",
    "least-privilege",
    "audit-trail",
    "threat-detection",
    "posture",
    "flow-logs",
    "log-retention",
    "alerting",
    "change-pipeline",
    "data-residency",
]
"""A part of the design that meets (part of) a compliance control; the engine says what it
does in a given design and names the generated resources that do it."""


class Control(_Data):
    control: str
    uses: list[Mechanism] = Field(min_length=1)
    outside: str | None = Field(
        default=None,
        description="What the control also needs that no generated file provides (the "
        "owner's part), so the documents never imply the design covers it.",
    )


class SecurityHubStandard(_Data):
    name: str
    arn: str = Field(pattern=r"^(standards|ruleset)/[a-z0-9-]+/v/[0-9.]+$")
    regimes: list[str] = Field(min_length=1)


class Workloads(_Data):
    liveness_period_seconds: int = Field(ge=1)
    liveness_failure_threshold: int = Field(ge=1)
    startup_budget_seconds: int = Field(ge=1)
    startup_period_seconds: int = Field(ge=1)
    metrics_port: int = Field(ge=1, le=65535)
    metrics_path: str
    worker_health_path: str
    cpu_limit_multiple: float = Field(ge=1)
    sli_requests: str
    sli_errors: str
    sli_latency_bucket: str
    request_rate_metric: str
    latency_p99_seconds: float = Field(gt=0)
    termination_grace_seconds: int = Field(ge=1)
    pre_stop_sleep_seconds: int = Field(ge=0)


class CronJobSettings(_Data):
    """What every generated CronJob sets (design.yaml kubernetes_manifests.cronjob)."""

    starting_deadline_seconds: int = Field(ge=10)
    successful_jobs_history_limit: int = Field(ge=0)
    failed_jobs_history_limit: int = Field(ge=0)
    backoff_limit: int = Field(ge=0)
    active_deadline_seconds: int = Field(ge=1)
    ttl_seconds_after_finished: int = Field(ge=0)


class SyncRetry(_Data):
    """How Argo CD retries a failed sync (design.yaml kubernetes_manifests.sync_retry)."""

    limit: int = Field(ge=0)
    backoff_duration: str = Field(pattern=r"^[1-9][0-9]*[smh]$", description="A Go duration.")
    backoff_factor: int = Field(ge=1)
    max_backoff_duration: str = Field(pattern=r"^[1-9][0-9]*[smh]$")


class KubernetesManifests(_Data):
    """Settings every generated Kubernetes manifest carries, the same in every design."""

    run_as_user: int = Field(ge=1)
    probe_timeout_seconds: int = Field(ge=1)
    revision_history_limit: int = Field(ge=0)
    cronjob: CronJobSettings
    sync_retry: SyncRetry
    analysis_window_intervals: int = Field(ge=1)


class PipelineTimeouts(_Data):
    """How long each generated workflow job may run (design.yaml pipeline_timeouts)."""

    test_minutes: int = Field(ge=1, le=360)
    build_minutes: int = Field(ge=1, le=360)
    deploy_minutes: int = Field(ge=1, le=360)
    verify_minutes: int = Field(ge=1, le=360)
    promote_minutes: int = Field(ge=1, le=360)
    rollback_minutes: int = Field(ge=1, le=360)
    rollout_wait_seconds: int = Field(ge=60)


class ContainerImages(_Data):
    """The base images every generated Dockerfile builds and runs on (design.yaml
    container_images); both run the same Python minor."""

    python: str = Field(pattern=r"^3\.[0-9]+$")
    build: str = Field(min_length=1)
    runtime: str = Field(min_length=1)


class Mesh(_Data):
    """The service mesh the design runs when the team can operate one."""

    name: str
    namespace: str
    proxy_inbound_port: int = Field(ge=1, le=65535)
    control_plane_ports: list[int] = Field(min_length=1)


class GrpcData(_Data):
    """How gRPC (HTTP/2) traffic is balanced, probed and health-checked (design.yaml grpc)."""

    health_check_path: str = Field(pattern=r"^/[A-Za-z0-9_.]+/[A-Za-z0-9_]+$")
    success_codes: str
    kubernetes_app_protocol: str
    ecs_app_protocol: Literal["grpc"]
    client_service_config: str
    dns_min_resolution_seconds: int = Field(ge=0)
    max_connection_age_seconds: int = Field(ge=1)
    max_connection_age_grace_seconds: int = Field(ge=0)
    mesh: Mesh


class UsageAssumptions(_Data):
    log_bytes_per_request: float = Field(ge=0)
    log_storage_ratio: float = Field(gt=0, le=1)
    requests_per_lcu_second: float = Field(gt=0)
    response_bytes: dict[str, float] = Field(
        description="Bytes of one response by service type (web, api), where the spec has none."
    )
    request_bytes: float = Field(ge=0)
    free_data_transfer_out_gb: float = Field(ge=0)
    nat_bytes_per_request: float = Field(ge=0)
    node_volume_gb: float = Field(gt=0)
    sqs_requests_per_message: float = Field(gt=0)
    sns_subscriber_sqs_requests_per_message: float = Field(gt=0)
    message_bytes: float = Field(gt=0)
    management_events_per_month: float = Field(ge=0)
    cloudtrail_event_bytes: float = Field(gt=0)
    guardduty_log_bytes_per_request: float = Field(ge=0)
    security_hub_checks_per_standard: float = Field(ge=0)
    config_items_per_month: float = Field(ge=0)

    @model_validator(mode="after")
    def _every_serving_type(self) -> UsageAssumptions:
        missing = sorted({"web", "api"} - self.response_bytes.keys())
        if missing:
            raise ValueError(f"usage.response_bytes lacks a default for {missing}")
        return self

    cron_run_minutes: float = Field(gt=0)
    staging_traffic_share: float = Field(gt=0, lt=1)
    waf_rule_groups: int = Field(ge=0)


class AutoscalingData(_Data):
    """The autoscalers' behaviour the design configures and the simulation runs."""

    hpa_tolerance: float = Field(ge=0, lt=1)
    hpa_up_percent: int = Field(ge=1)
    hpa_up_pods: int = Field(ge=1)
    hpa_up_period_seconds: int = Field(ge=1)
    hpa_down_percent: int = Field(ge=1, le=100)
    hpa_down_period_seconds: int = Field(ge=1)
    ecs_metric_period_seconds: int = Field(ge=1)
    ecs_alarm_datapoints: int = Field(ge=1)
    ecs_scale_out_cooldown_seconds: int = Field(ge=0)
    surge_share: float = Field(gt=0, le=1)


class SimulationData(_Data):
    spike_start_seconds: int = Field(ge=0)
    spike_hold_seconds: int = Field(ge=60)
    tail_seconds: int = Field(ge=0)
    horizon_seconds: int = Field(ge=300)
    monte_carlo_trials: int = Field(ge=100)
    seed: int
    replicas_modelled: int = Field(ge=1)
    unalarmed_detection_minutes: float = Field(
        default=30,
        gt=0,
        description="Added to every outage of a component no alarm watches (migration plan).",
    )


class Reliability(_Data):
    incidents_per_year: float = Field(ge=0)
    repair_minutes: float = Field(gt=0)
    source: str
    fix: str = Field(
        default="", description="What takes this component's outages off the request path."
    )


class DesignData(_Data):
    """Published SLAs, platform timings, shapes and control catalogues (design.yaml)."""

    version: Literal[1]
    slas: dict[str, Sla]
    timings: Timings
    workloads: Workloads
    grpc: GrpcData
    change_failure_rate: float = Field(gt=0, lt=1)
    deploy_budget_share: float = Field(gt=0, le=1)
    spike_budget_share: float = Field(gt=0, le=1)
    autoscaling: AutoscalingData
    simulation: SimulationData
    reliability: dict[str, Reliability]
    canary_weights: list[float] = Field(min_length=1)
    node_packing: float = Field(gt=0, le=1)
    node_shape_tolerance: float = Field(ge=0)
    node_types: list[NodeType] = Field(min_length=1)
    staging_node_types: list[NodeType]
    min_nodes_per_az: int = Field(ge=1)
    db_classes: list[DbClass] = Field(min_length=1)
    db_connections_per_replica: int = Field(ge=1)
    cache_hit_ratio: float = Field(ge=0, lt=1)
    data_sizing: DataSizing
    cache_classes: list[SizeClass] = Field(min_length=1)
    search_classes: list[SizeClass] = Field(min_length=1)
    pitr_lag_minutes: float = Field(ge=0)
    backup_retention_days: int = Field(ge=1, le=35)
    burn_rate_alerts: list[BurnRateAlert] = Field(min_length=1)
    cloudwatch_max_period_seconds: int = Field(ge=60)
    access_logs_noncurrent_days: int = Field(ge=1)
    listener_rule_priority_step: int = Field(ge=1)
    kubernetes_manifests: KubernetesManifests
    pipeline_timeouts: PipelineTimeouts
    container_images: ContainerImages
    recovery_window_days: dict[Literal["protected", "unprotected"], int]
    cause_alarms: CauseAlarmPolicy
    dns: DnsPolicy
    waf_rate_limit: WafRateLimit
    engine_versions: EngineVersions
    log_retention_days: dict[str, int]
    usage: UsageAssumptions
    compliance_controls: dict[str, list[Control]]
    security_hub_standards: dict[str, SecurityHubStandard]
    kubernetes_min_services: int = Field(ge=1)
    karpenter_min_vcpu: float = Field(gt=0)

    def sla(self, name: str) -> float:
        return self.slas[name].percent


class Catalog(_Data):
    """Everything the engine needs besides the spec; passed in, never read from globals."""

    regions: dict[str, Region]
    policy: Policy
    price_catalog: PriceCatalog
    design: DesignData
    streaming: StreamingData
    buildable: Buildable
    cluster_addons: ClusterAddonsData
    limits: Limits = Field(description="AWS name lengths and new-account quotas.")

    @property
    def prices(self) -> PriceList:
        """On-demand prices in the floor region: the lowest list prices, for lower bounds."""
        return self.price_catalog.in_region(self.price_catalog.floor_region)


def _read(name: str) -> object:
    text = resources.files("infra_architect.catalog").joinpath("data", name).read_text("utf-8")
    return YAML(typ="safe", pure=True).load(text)


@cache
def load_catalog() -> Catalog:
    """Load the shipped catalog (validated; cached because the files never change)."""
    return Catalog(
        regions=RegionTable.model_validate(_read("regions.yaml")).regions,
        policy=Policy.model_validate(_read("policy.yaml")),
        price_catalog=PriceCatalog.model_validate(_read("prices.yaml")),
        design=DesignData.model_validate(_read("design.yaml")),
        streaming=StreamingData.model_validate(_read("streaming.yaml")),
        buildable=Buildable.model_validate(_read("buildable.yaml")),
        cluster_addons=ClusterAddonsData.model_validate(_read("cluster_addons.yaml")),
        limits=Limits.model_validate(_read("limits.yaml")),
    )
