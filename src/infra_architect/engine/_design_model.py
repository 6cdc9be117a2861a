"""The Design: the intermediate representation every renderer reads.

One model per concern, each carrying its :class:`Decision` (selected option, the
alternatives and why each lost, the reason tied to named requirements, the risk) and
the parameters the renderers need. Renderers make no decisions: every number they
print is here, with its arithmetic.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, computed_field

from infra_architect._figures import Figure, number
from infra_architect.cost import CostModel
from infra_architect.engine._accounts import AccountsDesign
from infra_architect.engine._day_one import DayOne
from infra_architect.engine._migration_model import MigrationPlan
from infra_architect.engine._model import Conflict, Constraints, Severity
from infra_architect.errors import DesignLookupError, named
from infra_architect.simulate import CapacityLoss, MonteCarlo, Redeploy, Rollout, SpikeOutcome
from infra_architect.spec import Assumption, ComputeChoice, ServiceType, count_text

DESIGN_VERSION = "1"

MILLICORES_PER_VCPU = 1000
"""Kubernetes counts CPU in millicores (Kubernetes docs, "Resource units in Kubernetes")."""
SECONDS_PER_MINUTE = 60
PERCENT = 100
FARGATE_UNITS_PER_VCPU = 1024
"""An ECS task's CPU is in units, 1,024 to a vCPU (ECS Developer Guide, "Task size")."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Alternative(_Out):
    name: str
    why_not: str


class Decision(_Out):
    """One architecture decision, as the trade-off table and the ADRs print it."""

    id: str
    title: str
    selected: str
    alternatives: list[Alternative]
    why: str
    risk: str
    drivers: list[str] = Field(description="Requirements and constraints that decided it.")
    pinned: bool = False


# --- availability -------------------------------------------------------------------


class SlaTerm(_Out):
    component: str
    percent: float
    source: str


class CompositeAvailability(_Out):
    """Published SLAs of one request path composed in series (and regions in parallel)."""

    path: str
    terms: list[SlaTerm]
    single_region: Figure
    design: Figure
    meets_slo: bool


class Measured(_Out):
    """One simulated figure, worded for a runbook table."""

    what: str
    value: str


class FailureScenario(_Out):
    """A failure the design must survive, the mechanism that covers it, and its timings."""

    id: str
    title: str
    mechanism: str
    detection: Figure
    recovery: Figure
    impact: str
    operator_actions: list[str]
    look_at: list[str]
    covered: bool
    gap: str = ""
    simulated: list[Measured] = Field(
        default_factory=list, description="What the simulation of this failure measured."
    )


class PathAvailability(_Out):
    """One request path's availability: structure, closed form, Monte Carlo, and the
    same path under the other topology (the single- vs multi-region argument)."""

    path: str
    topology: str
    structure: list[str] = Field(description="Components: failures a year, repair, source.")
    monte_carlo: MonteCarlo
    alternative_topology: str
    alternative: MonteCarlo


class SpikeSeries(_Out):
    """The spike plot's data: one service, sampled every ``step`` seconds."""

    service: str
    unit: str
    step_seconds: int
    seconds: list[int]
    load: list[float]
    capacity: list[float]
    ready: list[int]
    desired: list[int]


class SpikeOption(_Out):
    """Standing capacity that would absorb an instant step: the settings, their price and
    what the step then costs. A priced option, not the default: declare the step in the
    spec (traffic.spike_ramp_seconds: 0) to have the design carry it."""

    changes: list[str]
    monthly_usd: Figure = Field(description="Added to prod's monthly bill.")
    outcomes: list[SpikeOutcome] = Field(description="The step under those settings.")
    within: bool


class SpikeStudy(_Out):
    """The declared spike simulated against the design's autoscaling, what it changed,
    and the instant step as a risk (with the price of absorbing it)."""

    multiplier: float
    start_seconds: int
    hold_seconds: int
    ramp_seconds: int = Field(description="Declared rise from average to spike (0: a step).")
    spikes_per_month: float
    budget_share_limit: float = Field(description="Error-budget share one spike may spend.")
    designed: list[SpikeOutcome] = Field(description="The declared spike, first sizing.")
    tuned: list[SpikeOutcome] = Field(description="The declared spike, settings chosen.")
    step: list[SpikeOutcome] = Field(description="An instant step, settings chosen.")
    absorb_step: SpikeOption | None = Field(
        default=None, description="Absorbing an instant step (None: the step is declared)."
    )
    buffer_nodes: int
    within: bool
    changes: list[str]
    series: SpikeSeries | None

    @property
    def declared_step(self) -> bool:
        return self.ramp_seconds == 0

    @property
    def shape(self) -> str:
        """The declared spike in words: "10x step", "10x over a 600 s ramp"."""
        times = f"{self.multiplier:g}x"
        return (
            f"{times} step" if self.declared_step else f"{times} over a {self.ramp_seconds} s ramp"
        )


class FaultStudy(_Out):
    unit: Literal["node", "task", "execution environment"] = Field(
        description="What a single failure takes out on the platform; the documents ask "
        "and answer about it."
    )
    node: CapacityLoss | None = Field(
        description="The single failure at peak: one node with its pods, or one task."
    )
    zone: CapacityLoss | None
    not_simulated: str = Field(
        default="", description="Why no node, task or zone loss is simulated (Lambda)."
    )
    rollouts: list[Rollout]
    emergency: Redeploy


class Simulation(_Out):
    spike: SpikeStudy | None
    availability: list[PathAvailability]
    faults: FaultStudy | None


class AvailabilityDesign(_Out):
    decision: Decision
    regions: int
    availability_zones: int
    composite: list[CompositeAvailability]
    scenarios: list[FailureScenario]


# --- compute ------------------------------------------------------------------------

Platform = ComputeChoice
"""The compute platform the design runs on (the spec's pin, when there is one)."""


class Autoscaling(_Out):
    metric: str
    target: float
    scale_out_seconds: Figure
    scale_in_stabilisation_seconds: int
    scale_up_percent: int = Field(description="HPA: grow by this share per period, ...")
    scale_up_pods: int = Field(description="... or by this many pods, whichever is more.")
    scale_up_period_seconds: int
    scale_down_percent: int
    scale_down_period_seconds: int

    @computed_field(description="CPU utilisation target in whole percent (the HPA's).")  # type: ignore[prop-decorator]
    @property
    def target_percent(self) -> int:
        return round(self.target)


class Probes(_Out):
    """Readiness, liveness and startup probes: one health endpoint, three questions."""

    kind: Literal["http", "grpc"] = Field(
        default="http",
        description="http: GET path on port; grpc: the kubelet's native gRPC probe "
        "(grpc.health.v1.Health/Check, path names the method) on port.",
    )
    port: int
    path: str
    readiness_period_seconds: int
    readiness_failure_threshold: int
    liveness_period_seconds: int
    liveness_failure_threshold: int
    startup_period_seconds: int
    startup_failure_threshold: int
    out_of_rotation: Figure = Field(description="A failing pod leaves the endpoints after this.")


class ServicePlan(_Out):
    name: str
    type: ServiceType
    public: bool
    port: int | None
    protocol: str
    health_check_path: str | None
    schedule: str | None
    eventbridge_schedule: str | None = Field(
        default=None, description="The schedule as EventBridge's cron(...) body (ECS)."
    )
    vcpu: float
    cpu_limit_vcpu: float | None = Field(
        default=None, description="Kubernetes: the CPU limit (None: the task size is the cap)."
    )
    memory_mb: int
    min_replicas: int
    max_replicas: int
    autoscaling: Autoscaling | None
    pod_disruption_min_available: int | None
    calls: list[str]
    uses: list[str]
    metrics_port: int | None = Field(description="Prometheus metrics (None: a cron job).")
    probes: Probes | None
    max_replicas_why: str = Field(
        default="", description="Why the maximum is below what the load asks (a cap)."
    )

    @computed_field(description="Kubernetes: the CPU request in millicores.")  # type: ignore[prop-decorator]
    @property
    def cpu_request_millicores(self) -> int:
        return round(self.vcpu * MILLICORES_PER_VCPU)

    @computed_field(description="Kubernetes: the CPU limit in millicores (None: no limit).")  # type: ignore[prop-decorator]
    @property
    def cpu_limit_millicores(self) -> int | None:
        if self.cpu_limit_vcpu is None:
            return None
        return round(self.cpu_limit_vcpu * MILLICORES_PER_VCPU)


class NodePool(_Out):
    instance_type: str
    vcpu: float
    memory_gib: float
    min_nodes: Figure
    max_nodes: Figure
    scaler: str
    buffer_nodes: int = Field(
        default=0, description="Spare nodes in min_nodes so a spike's pods start at once."
    )


class CronJobSettings(_Out):
    """What every CronJob sets (Kubernetes docs, "CronJob" and "Jobs")."""

    starting_deadline_seconds: int
    successful_jobs_history_limit: int
    failed_jobs_history_limit: int
    backoff_limit: int
    active_deadline_seconds: int
    ttl_seconds_after_finished: int


class SyncRetry(_Out):
    """How Argo CD retries a failed sync."""

    limit: int
    backoff_duration: str = Field(description="The first wait, a Go duration (10s).")
    backoff_factor: int
    max_backoff_duration: str


class ManifestSettings(_Out):
    """Settings every Kubernetes manifest of the design carries (EKS only)."""

    run_as_user: int = Field(description="The non-root UID and GID of every container.")
    probe_timeout_seconds: int
    revision_history_limit: int = Field(
        description="Old ReplicaSets (and Argo CD sync records) kept for a rollback."
    )
    cronjob: CronJobSettings
    sync_retry: SyncRetry


class ComputeDesign(_Out):
    decision: Decision
    platform: Platform
    node_pool: NodePool | None
    services: list[ServicePlan]
    replica_start_seconds: int
    capacity_start_seconds: int
    kubernetes_version: str | None = Field(description="Control plane and nodes (EKS only).")
    pod_toleration_seconds: int = Field(
        description="Pods leave a NotReady or unreachable node after this (not the 300 s default)."
    )
    termination_grace_seconds: int
    pre_stop_sleep_seconds: int = Field(
        description="Pods keep serving while the load balancer deregisters them."
    )
    manifests: ManifestSettings | None = Field(
        default=None, description="Kubernetes manifest settings (None: not on Kubernetes)."
    )

    def service(self, name: str) -> ServicePlan:
        return named(self.services, name, "service")


# --- network ------------------------------------------------------------------------


class Subnet(_Out):
    tier: Literal["public", "private", "data"]
    availability_zone: str
    cidr: str


class ListenerRoute(_Out):
    """Where the load balancer's listener sends a request: the default service, or a
    rule of its own for a path."""

    service: str
    priority: int | None = Field(description="The rule's priority (None: the default action).")
    path_patterns: list[str]


class HealthCheck(_Out):
    path: str
    interval_seconds: int
    timeout_seconds: int
    healthy_threshold: int
    unhealthy_threshold: int
    detection: Figure


class Flow(_Out):
    source: str
    target: str
    port: int
    why: str


GrpcBalancingMode = Literal["client-side", "mesh", "service-connect"]


class GrpcBalancing(_Out):
    """How calls to gRPC services (long-lived HTTP/2 connections) are spread over
    replicas: at the edge (ALB target groups with protocol version GRPC) and inside
    (client-side round_robin over a headless Service, a mesh, or ECS Service Connect)."""

    decision: Decision
    mode: GrpcBalancingMode
    services: list[str] = Field(description="Every service with protocol grpc.")
    headless: list[str] = Field(
        description="gRPC services other services call, given a headless Service "
        "(clusterIP: None) so DNS returns every ready pod (client-side mode only)."
    )
    edge: list[str] = Field(
        description="Public gRPC services: load balancer target groups with protocol "
        "version GRPC behind the HTTPS listener."
    )
    mesh: str | None = Field(description="The mesh that balances per request (mesh mode).")
    mesh_namespace: str | None
    mesh_ports: list[int] = Field(
        description="Ports meshed pods need open: the proxy's inbound port first, then "
        "the control plane's."
    )
    health_check_path: str = Field(description="The gRPC health method the checks call.")
    success_codes: str = Field(description="gRPC status codes a healthy target answers.")
    app_protocol: str = Field(description="appProtocol of the gRPC port on this platform.")
    client_target_prefix: str = Field(
        description="Prefix of the address clients dial ('dns:///' for client-side "
        "balancing, which re-resolves every pod; empty otherwise)."
    )
    client_service_config: str | None = Field(
        description="gRPC service config JSON clients load (client-side mode only)."
    )
    max_connection_age_seconds: int | None = Field(
        description="Servers close connections after this so clients re-resolve (client-side)."
    )
    max_connection_age_grace_seconds: int | None
    new_replica_traffic: Figure | None = Field(
        description="Worst case from a new replica being ready to its taking its share "
        "(None: balanced per request, a ready replica takes calls at once)."
    )


LoadBalancer = Literal["alb", "nlb", "api-gateway", "none"]
Scheme = Literal["internet-facing", "internal", "none"]


class NetworkDesign(_Out):
    decision: Decision
    nat_decision: Decision
    load_balancer_decision: Decision | None
    vpc_cidr: str
    subnets: list[Subnet]
    nat_gateways: int
    load_balancer: LoadBalancer
    load_balancer_scheme: Scheme
    health_check: HealthCheck | None
    waf: bool
    waf_why: str
    waf_rate_limit: Figure | None = Field(
        default=None, description="Requests one client may send per 5 min (None: no WAF)."
    )
    gateway_endpoints: list[str]
    interface_endpoints: list[str]
    service_discovery: str
    flows: list[Flow]
    grpc: GrpcBalancing | None = Field(
        default=None, description="gRPC balancing (None: no service speaks gRPC)."
    )
    routes: list[ListenerRoute] = Field(
        default_factory=list, description="The ALB listener's routes, in service order."
    )
    recovery_vpc_cidr: str = Field(
        description="The recovery region's VPC: the next block of the primary's size, so "
        "the two never overlap and can be peered."
    )
    recovery_subnets: dict[str, list[str]] = Field(
        description="The recovery VPC's subnets per tier, in the primary's AZ order, each "
        "shifted by the same block."
    )


class EnvironmentDomain(_Out):
    """One environment's public name: where Terraform validates its certificate and who
    writes the record pointing at the load balancer."""

    environment: Literal["staging", "prod"]
    name: str
    hosted_zone: str = Field(description="The public hosted zone in the environment's account.")
    records: Literal["terraform", "external-dns"] = Field(
        description="Who writes the name's alias records: Terraform (the ALB is its own) or "
        "external-dns in the cluster (the load balancer controller creates the ALB)."
    )
    failover: bool = Field(
        description="A Route 53 failover pair: the primary ALB behind a health check, the "
        "recovery region's standby ALB as secondary (its own certificate there)."
    )
    public_url: str = Field(description="What PUBLIC_URL is set to in this environment.")


class DnsHealthCheck(_Out):
    """The Route 53 health check that moves a failover record to the standby."""

    path: str
    port: int
    request_interval_seconds: int
    failure_threshold: int
    detection: Figure = Field(description="How long the primary fails before DNS moves.")
    source: str


class DnsDesign(_Out):
    """The public name, its TLS certificate and records (issue 20 item 8c)."""

    domains: list[EnvironmentDomain] = Field(
        description="Per environment (empty: the spec names no domain; the roots then ask for "
        "the certificate ARN)."
    )
    validation_record_ttl: int = Field(description="TTL of the ACM DNS validation records.")
    health_check: DnsHealthCheck | None = Field(
        description="None: no environment has a failover pair."
    )
    certificate_input: str = Field(
        description="Without a domain: how the operator supplies the certificate and the "
        "record ('' when Terraform issues both)."
    )
    why: str

    def domain(self, environment: str) -> EnvironmentDomain | None:
        return next((d for d in self.domains if d.environment == environment), None)


# --- data ---------------------------------------------------------------------------


StoreKind = Literal["rds", "aurora", "memorydb", "elasticache", "opensearch", "s3", "dynamodb"]
# How a store's data reaches the recovery region (what the Terraform builds in prod).
RecoveryMechanism = Literal[
    "read-replica",  # a cross-region read replica, promoted on disaster
    "global-database",  # an Aurora Global Database secondary cluster, promoted on disaster
    "backup-replication",  # automated backups (and their PITR logs) copied continuously
    "bucket-replication",  # S3 replication of every new object version
    "global-table",  # a DynamoDB global-table replica
    "backup-copy",  # scheduled backups copied by AWS Backup
    "snapshot-copy",  # daily snapshots copied
    "rebuild",  # nothing copied: rebuilt from the source of truth (or users sign in again)
    "none",  # not protected beyond its region
]


class StoreUse(_Out):
    """What one service reads and writes in a store at the growth peak."""

    service: str
    reads_per_second: float
    writes_per_second: float
    note: str = Field(description="Where its per-request figures come from, and any cache.")


class StoreLoad(_Out):
    """Rows read and written in a store, from the call graph and queues: at the growth
    peak (what sizes the instance and IOPS) and on average today (what the bill and the
    storage forecast grow from)."""

    reads_per_second: Figure
    writes_per_second: Figure
    average_reads_per_second: Figure
    average_writes_per_second: Figure
    uses: list[StoreUse]


class StorageForecast(_Out):
    """Storage growth from writes, and (relational stores) the gp3 performance the load
    needs: what the allocation, the autoscaling ceiling and any provisioning rest on."""

    row_bytes: float = Field(description="Bytes one written row (an S3 object) adds.")
    retention_days: float | None = Field(description="None: data is kept for good.")
    written_gb_per_month: Figure = Field(description="Today's average writes × row bytes.")
    horizon_months: int
    at_horizon_gb: Figure
    monthly_growth: float = Field(description="Traffic growth factor a month (1: none).")
    allocated_gb: int | None = None
    max_allocated_gb: int | None = None
    iops: Figure | None = None
    throughput_mibps: Figure | None = None
    baseline_iops: int | None = None
    baseline_mibps: int | None = None
    provisioned_iops: int | None = Field(
        default=None, description="gp3 IOPS set beyond the baseline (None: the baseline)."
    )
    provisioned_mibps: int | None = None

    @computed_field(description="Days an object is kept, in whole days (None: for good).")  # type: ignore[prop-decorator]
    @property
    def expiration_days(self) -> int | None:
        return None if self.retention_days is None else math.ceil(self.retention_days)


class LifecycleTier(_Out):
    """An S3 storage class a bucket's objects move to at an age (days)."""

    storage_class: str
    title: str
    after_days: int


class EngineRelease(_Out):
    version: str
    parameter_group_family: str


class StorePlan(_Out):
    name: str
    kind: StoreKind
    engine: str
    role: str
    aws_service: str
    instance_class: str | None
    nodes: int
    multi_az: bool
    read_replicas: int
    storage_gb: float
    backup_retention_days: int
    point_in_time_recovery: bool
    cross_region: str
    recovery: RecoveryMechanism = Field(
        description="How the data reaches the recovery region (cross_region says it in words)."
    )
    persistence: str
    port: int | None
    rpo_in_region: Figure
    why: str
    price_key: str | None
    peak_rps: float = Field(description="Peak requests/s of the services using the store.")
    load: StoreLoad | None = Field(
        default=None, description="Reads and writes (None: the store is sized otherwise)."
    )
    storage: StorageForecast | None = None
    engine_version: EngineRelease | None = Field(
        default=None, description="RDS and Aurora: the engine version and parameter family."
    )
    io_optimized: bool = Field(
        default=False, description="Aurora I/O-Optimized (no I/O charges) instead of Standard."
    )
    lifecycle: list[LifecycleTier] = Field(
        default_factory=list, description="S3 lifecycle transitions, youngest first."
    )
    shards: int = Field(default=1, description="MemoryDB shards (others: 1).")


StreamMode = Literal[
    "queue", "provisioned", "serverless", "on-demand", "single-instance", "cluster"
]


class StreamSizing(_Out):
    """How a Kafka cluster, a Kinesis stream or a RabbitMQ broker is sized (SQS and SNS
    have nothing to size: mode "queue")."""

    mode: StreamMode
    instance_class: str | None = Field(description="Broker class (None: serverless or Kinesis).")
    brokers: int = Field(description="MSK brokers or Amazon MQ nodes (0: none to size).")
    zones: int = Field(description="AZs the brokers (or subnets) span.")
    partitions: int = Field(description="Kafka partitions of the topic, or Kinesis shards.")
    replication_factor: int
    min_insync_replicas: int = Field(
        default=1, description="Kafka: replicas that acknowledge a write (others: 1)."
    )
    retention_hours: float
    storage_gb_per_broker: float
    peak_messages_per_second: Figure = Field(description="At the growth target's peak.")
    ingress_mb_per_second: Figure = Field(description="Peak writes in MB/s.")
    max_consumer_replicas: int = Field(description="Largest consumer maximum, after the cap.")
    capped_consumers: list[str] = Field(
        default_factory=list, description="Consumers whose maximum was cut to the partitions."
    )
    why: str
    price_key: str | None

    @computed_field(description="The topic's or stream's retention in whole hours.")  # type: ignore[prop-decorator]
    @property
    def retention_whole_hours(self) -> int:
        return math.ceil(self.retention_hours)


class QueuePlan(_Out):
    name: str
    engine: str
    aws_service: str
    dead_letter: bool
    max_receive_count: int
    producers: list[str]
    consumers: list[str]
    why: str
    sizing: StreamSizing | None = Field(
        default=None, description="Brokers, partitions or shards (Kafka, Kinesis, RabbitMQ)."
    )
    port: int | None = Field(
        default=None,
        description="TCP port the clients reach the brokers on inside the VPC (None: an AWS "
        "API over HTTPS).",
    )


class DataDesign(_Out):
    decisions: list[Decision]
    stores: list[StorePlan]
    queues: list[QueuePlan]
    session_strategy: str
    recovery_region: str = Field(description="Where backups or replicas go for a region loss.")

    def store(self, name: str) -> StorePlan:
        return named(self.stores, name, "store")


# --- delivery -----------------------------------------------------------------------


class Stage(_Out):
    name: str
    does: str
    gate: str


class Environment(_Out):
    name: str
    purpose: str
    promotion_gate: str


class StrategyRisk(_Out):
    """Error budget a bad deploy burns under one strategy."""

    strategy: str
    exposure: float
    detect_and_revert: Figure
    burn_per_bad_deploy: Figure
    monthly_burn: Figure
    fits: bool


class ReleaseMechanism(StrEnum):
    """How one service's new version reaches production: what the workflow calls and
    what the IaC must create for that call to exist."""

    CODEDEPLOY_BLUE_GREEN = "codedeploy-blue-green"
    CODEDEPLOY_CANARY = "codedeploy-canary"
    ECS_ROLLING = "ecs-rolling"
    ECS_SCHEDULED_TASK = "ecs-scheduled-task"
    ARGO_ROLLOUTS_BLUE_GREEN = "argo-rollouts-blue-green"
    ARGO_ROLLOUTS_CANARY = "argo-rollouts-canary"
    K8S_ROLLING = "k8s-rolling"
    K8S_CRONJOB = "k8s-cronjob"
    LAMBDA_ALIAS = "codedeploy-lambda-alias"

    @property
    def codedeploy_ecs(self) -> bool:
        """A CodeDeploy deployment group shifts an ALB's traffic between target groups."""
        return self in (
            ReleaseMechanism.CODEDEPLOY_BLUE_GREEN,
            ReleaseMechanism.CODEDEPLOY_CANARY,
        )

    @property
    def argo_rollout(self) -> bool:
        return self in (
            ReleaseMechanism.ARGO_ROLLOUTS_BLUE_GREEN,
            ReleaseMechanism.ARGO_ROLLOUTS_CANARY,
        )


class ServiceRelease(_Out):
    service: str
    mechanism: ReleaseMechanism
    why: str
    service_connect: bool = Field(
        default=False,
        description="ECS: the service joins the Service Connect namespace. Every long-running "
        "ECS service does except a CodeDeploy one: AWS supports Service Connect only with "
        "rolling deployments (ECS Developer Guide, Service Connect considerations).",
    )


class PipelineTimeouts(_Out):
    """How long each workflow job may run before it is cancelled."""

    test_minutes: int
    build_minutes: int
    deploy_minutes: int
    verify_minutes: int
    promote_minutes: int
    rollback_minutes: int
    rollout_wait_seconds: int = Field(
        description="The verify job's wait for a rollout (or deployment) to finish."
    )


class PipelineVariable(_Out):
    """A GitHub Actions variable or secret a generated workflow reads. Nothing generated
    sets it: it is set once (``gh variable set`` / ``gh secret set``) before the first
    release, from the source named here."""

    name: str
    kind: Literal["vars", "secrets"]
    environments: list[str] = Field(
        description="The GitHub environments it is set on; empty: repository-level."
    )
    required: bool = Field(description="False: the workflows work unset (a documented default).")
    used_for: str
    value_command: str | None = Field(
        description="A command that prints the value (ENVIRONMENT stands for each "
        "environment it is set on); None: the value is a fact only you know."
    )
    value_note: str = Field(description="Where the value comes from, in words.")

    def command_for(self, environment: str | None) -> str | None:
        """The command that prints the value on ``environment`` (None: repository-level):
        ``value_command`` is one command, one with ENVIRONMENT standing for each
        environment, or ``<env>: <command>`` pairs joined by ``; ``."""
        if self.value_command is None:
            return None
        pairs = dict(part.split(": ", 1) for part in self.value_command.split("; ") if ": " in part)
        if len(pairs) > 1:
            if environment is None or environment not in pairs:
                raise DesignLookupError(f"value command of {self.name} on", str(environment))
            return pairs[environment]
        if environment is None:
            return self.value_command
        return self.value_command.replace("ENVIRONMENT", environment)


class SyncGate(_Out):
    """How a workflow learns, without the Kubernetes API, that an environment runs the
    commit it pushed: Argo CD Notifications sets a commit status on the revision it
    synced once the Application is Synced and Healthy (a Rollout is Healthy only when
    its canary analysis passed), and a failed status when the sync fails or health
    degrades. The Argo CD notification template and the workflow both read this."""

    environment: str
    application: str = Field(description="The Argo CD Application that deploys it.")
    status_context: str = Field(description="The commit status context Argo CD sets.")


class BaseImages(_Out):
    """The images each service's Dockerfile builds and runs on: the same Python minor."""

    python: str
    build: str
    runtime: str


class DeliveryDesign(_Out):
    decision: Decision
    strategy: Literal["rolling", "blue-green", "canary"]
    tool: str
    releases: list[ServiceRelease] = Field(
        description="Each service's release mechanism, set once here; the workflows and "
        "the IaC both read it."
    )
    canary_steps: list[int]
    stages: list[Stage]
    environments: list[Environment]
    artifact_versioning: str
    bad_deploys_per_month: Figure
    deploy_budget: Figure
    comparison: list[StrategyRisk]
    detection: Figure
    rollback: Figure
    emergency_rollback: Figure
    analysis_interval_seconds: int
    analysis_failure_limit: int
    analysis_window_seconds: Figure = Field(
        description="The rate window each canary measurement queries."
    )
    analysis_pause_seconds: Figure = Field(
        description="Each canary step's pause (blue-green: the old version's scale-down "
        "delay): every measurement the analysis may fail on fits in it."
    )
    pipeline_timeouts: PipelineTimeouts
    repository: str = Field(description="Git repository Argo CD syncs from.")
    manual_prod_approval: bool = Field(
        description="A named person approves each production release (change management)."
    )
    variables: list[PipelineVariable] = Field(
        description="Every vars.X and secrets.X the workflows read, with its source."
    )
    sync_gates: list[SyncGate] = Field(
        description="GitOps (EKS): per environment, the commit status the verify job waits "
        "for; empty where the pipeline deploys through the AWS API (ECS)."
    )
    base_images: BaseImages
    service_connect_rolling: list[str] = Field(
        default_factory=list,
        description="ECS services the progressive strategy would shift through CodeDeploy "
        "that roll instead, because they call or are called over Service Connect.",
    )
    release_decision: Decision | None = Field(
        default=None,
        description="ECS with a progressive strategy: which services CodeDeploy shifts and "
        "which stay in the Service Connect mesh and roll.",
    )

    @computed_field(description="CodeDeploy canary: the traffic share of its first step.")  # type: ignore[prop-decorator]
    @property
    def codedeploy_canary_percent(self) -> int:
        return self.canary_steps[0] if self.strategy == "canary" and self.canary_steps else 100

    @computed_field(  # type: ignore[prop-decorator]
        description="CodeDeploy canary: whole minutes before the rest of the traffic "
        "shifts, the detection time rounded up (at least one)."
    )
    @property
    def codedeploy_canary_minutes(self) -> int:
        return max(1, math.ceil(self.detection.value / SECONDS_PER_MINUTE))

    @computed_field(  # type: ignore[prop-decorator]
        description="Argo Rollouts' failureLimit: failures tolerated, one fewer than the "
        "failed measurements that abort (Argo fails when failures exceed the limit)."
    )
    @property
    def argo_failure_limit(self) -> int:
        return self.analysis_failure_limit - 1

    def sync_gate(self, environment: str) -> SyncGate:
        for g in self.sync_gates:
            if g.environment == environment:
                return g
        raise DesignLookupError("sync gate", environment, [g.environment for g in self.sync_gates])

    def variable(self, name: str) -> PipelineVariable:
        for v in self.variables:
            if v.name == name:
                return v
        raise DesignLookupError("pipeline variable", name, [v.name for v in self.variables])

    def release(self, service: str) -> ReleaseMechanism:
        for r in self.releases:
            if r.service == service:
                return r.mechanism
        raise DesignLookupError("service release", service, [r.service for r in self.releases])


# --- observability -------------------------------------------------------------------


class SloAlert(_Out):
    severity: Literal["page", "ticket"]
    burn_rate: float
    long_window: str
    short_window: str
    error_rate_threshold: Figure
    budget_spent_percent: float
    long_window_seconds: int
    short_window_seconds: int
    cloudwatch_long_window_seconds: Figure = Field(
        description="The long window as a CloudWatch alarm watches it (at most one day)."
    )

    @computed_field(description="The error ratio (not percent) at the threshold.")  # type: ignore[prop-decorator]
    @property
    def error_ratio_threshold(self) -> float:
        return self.error_rate_threshold.value / PERCENT

    @computed_field(description="Whether CloudWatch watches a shorter long window.")  # type: ignore[prop-decorator]
    @property
    def cloudwatch_capped(self) -> bool:
        return self.cloudwatch_long_window_seconds.value < self.long_window_seconds


class Sli(_Out):
    """The request SLI as PromQL selectors; ``{selector}`` stands for a service's labels."""

    requests: str
    errors: str
    latency_bucket: str
    latency_p99_seconds: float
    metrics_path: str
    request_rate_metric: str = Field(
        description="Requests per second per pod in the custom metrics API (the HPA's)."
    )


EnvironmentName = Literal["staging", "prod"]

AlarmWatch = Literal[
    "service",
    "cluster",
    "database-instance",
    "database-cluster",
    "queue",
    "dead-letter-queue",
    "kafka-consumer",
    "kafka-cluster",
    "kafka-broker",
    "stream",
    "mq-broker",
    "certificate",
]
"""What a CloudWatch cause alarm's dimensions name; the renderer wires each to the
Terraform output that identifies it."""


class CauseAlarm(_Out):
    """A ticket on a cause, rendered where its signal lives: a CloudWatch alarm
    (Terraform) or a PrometheusRule alert, under this name."""

    name: str = Field(
        description="The CloudWatch alarm's key (after the environment "
        "prefix) or the PrometheusRule alert."
    )
    summary: str
    rendered_in: Literal["cloudwatch", "prometheus"]
    service: str | None = Field(description="The service it watches (None: the cluster).")
    signal: str = Field(description="PromQL, or the CloudWatch namespace/metric.")
    comparison: Literal[">", ">=", "==", "<"]
    threshold: float | None = Field(
        description="None: a figure per environment (thresholds), e.g. the service's "
        "maximum replicas or a share of the storage allocated there."
    )
    for_seconds: int = Field(description="How long the condition holds before it fires.")
    watches: AlarmWatch = Field(
        default="service", description="What the CloudWatch alarm's dimensions identify."
    )
    target: str | None = Field(
        default=None, description="The store, queue or consumer queue it watches."
    )
    detail: str | None = Field(
        default=None, description="The Kafka consumer group, or the MSK broker's id."
    )
    statistic: Literal["Average", "Minimum", "Maximum", "Sum"] | None = Field(
        default=None, description="CloudWatch's statistic over a period (None: PromQL)."
    )
    period_seconds: int | None = Field(default=None, description="CloudWatch's period.")
    evaluation_periods: int | None = Field(
        default=None, description="Periods the condition holds: for_seconds / period_seconds."
    )
    environments: list[EnvironmentName] = Field(
        default_factory=lambda: list[EnvironmentName](["staging", "prod"]),
        description="The environments that have what it watches.",
    )
    thresholds: dict[str, Figure] = Field(
        default_factory=dict, description="Each environment's threshold (when threshold is None)."
    )

    def threshold_in(self, environment: str) -> float:
        """The threshold in ``environment``: the one figure, or that environment's."""
        if self.threshold is not None:
            return self.threshold
        if environment not in self.thresholds:
            raise DesignLookupError(f"{environment} threshold for the cause alarm", self.name)
        return self.thresholds[environment].value


class Dashboards(_Out):
    """The dashboards an operator opens, by what each answers; runbooks and failure paths
    name them by this role, never by position."""

    slo: str = Field(description="Availability, error budget left, burn rate.")
    services: str = Field(description="Rate, errors, duration per service.")
    capacity: str = Field(description="Replicas against min/max, CPU, nodes or tasks.")
    data: str = Field(description="Connections, latency, replication lag, queue depth.")
    deploys: str = Field(description="Versions, rollout state, canary analysis.")

    def titles(self) -> list[str]:
        """Every dashboard, in the order the tech spec lists them."""
        return [self.slo, self.services, self.capacity, self.data, self.deploys]


class ObservabilityDesign(_Out):
    decision: Decision
    metrics: str
    logs: str
    traces: str
    dashboards: Dashboards
    log_groups: list[str]
    alerts: list[SloAlert]
    cause_alarms: list[CauseAlarm] = Field(
        description="Every cause alarm (compute, data and edge tiers), rendered from this "
        "one list into the tech spec, Terraform (CloudWatch) and PrometheusRules (EKS)."
    )
    log_retention_days: int
    retention_why: str
    access_logs_noncurrent_days: int = Field(
        description="Days a replaced access-log object version is kept."
    )
    sli: Sli


# --- security -----------------------------------------------------------------------


PermissionKind = Literal[
    "database-secret",
    "cache-iam",
    "bucket",
    "table",
    "search-domain",
    "queue",
    "topic",
    "stream",
    "kafka-cluster",
    "broker-secret",
]


class Permission(_Out):
    kind: PermissionKind
    target: str = Field(description="The store or queue (or SNS consumer queue) it applies to.")
    resource: str
    actions: list[str]


class ServiceIdentity(_Out):
    service: str
    role: str
    mechanism: str
    permissions: list[Permission]


class Evidence(_Out):
    """A generated artefact that implements (part of) a compliance control."""

    kind: Literal["terraform", "file"]
    ref: str = Field(
        description="terraform: a resource address in an environment root, e.g. "
        "module.audit.aws_cloudtrail.this or module.audit.aws_securityhub_standards_"
        'subscription.this["pci-dss"]; file: a generated file\'s path.'
    )
    environments: list[str] = Field(
        description="terraform: the environment roots that create it; file: empty."
    )


class ComplianceControl(_Out):
    """One control a compliance regime asks for, and what in this design meets it."""

    regime: str
    control: str
    applies: bool = Field(description="False: the control has nothing to act on here.")
    how: str
    evidence: list[Evidence] = Field(
        description="Every generated resource or file the claim in how rests on."
    )
    outside: str | None = Field(
        description="What the control also needs that no generated file provides."
    )


ObjectLockMode = Literal["COMPLIANCE", "GOVERNANCE"]


class AuditPlan(_Out):
    """Account-level detective controls the compliance regimes ask for. GuardDuty,
    Security Hub and AWS Config are per account and region, and every environment is its
    own account, so each environment root creates its own set (module ``audit``)."""

    trail: bool
    retention_days: int = Field(
        description="Days the trail's log files are locked and kept, and its log group kept."
    )
    object_lock_mode: dict[str, ObjectLockMode] = Field(
        description="Per environment: COMPLIANCE (nobody, root included, can delete or "
        "shorten) or GOVERNANCE (a principal allowed to bypass it can, to tear staging down)."
    )
    guardduty: bool
    security_hub_standards: dict[str, str] = Field(
        description="Standard key → its ARN after arn:<partition>:securityhub:<region>::."
    )
    config_recorder: bool = Field(
        description="AWS Config records every resource: most Security Hub controls read it."
    )


class SecurityDesign(_Out):
    decision: Decision
    identities: list[ServiceIdentity]
    segmentation: str
    secrets: list[str]
    secret_rotation_days: int
    cache_authentication: str | None = Field(
        description="How clients authenticate to the caches without a password (None: no cache)."
    )
    encryption_at_rest: str
    encryption_in_transit: str
    tls_to_services: bool = Field(
        description="Traffic is encrypted up to each service (the load balancer re-encrypts "
        "to its targets), not only to the load balancer."
    )
    controls: list[ComplianceControl]
    audit: AuditPlan | None = Field(
        description="The account-level audit resources (None: no control asks for them)."
    )

    def callers(self, target: str) -> list[str]:
        """The services whose role may call ``target`` (a store or queue), sorted."""
        return sorted(
            i.service for i in self.identities if any(p.target == target for p in i.permissions)
        )


# --- environments ---------------------------------------------------------------------


class ServiceSize(_Out):
    name: str
    min_replicas: int
    max_replicas: int
    pod_disruption_min_available: int | None
    vcpu: float = Field(description="vCPU of one replica (a Fargate task's size) here.")
    memory_mb: int = Field(description="Memory of one replica here.")

    @computed_field(description="ECS: one task's CPU in units.")  # type: ignore[prop-decorator]
    @property
    def cpu_units(self) -> int:
        return round(self.vcpu * FARGATE_UNITS_PER_VCPU)


class StoreSize(_Out):
    name: str
    instance_class: str | None
    nodes: int
    multi_az: bool
    read_replicas: int
    backup_retention_days: int
    storage_gb: float = Field(description="Data this environment holds (storage allocated).")
    why: str = Field(description="Why this environment runs the store at this size.")
    allocated_gb: int | None = Field(
        default=None, description="RDS gp3 allocation (None: not an RDS instance)."
    )
    max_allocated_gb: int | None = Field(default=None, description="Storage autoscaling ceiling.")
    iops: int | None = Field(default=None, description="gp3 IOPS provisioned (None: baseline).")
    storage_throughput: int | None = Field(
        default=None, description="gp3 MiB/s provisioned (None: baseline)."
    )
    volume_gb_per_node: int | None = Field(
        default=None, description="OpenSearch: each data node's EBS volume (None: not one)."
    )
    zones: Figure | None = Field(
        default=None, description="OpenSearch: the AZs its data nodes spread over."
    )

    @computed_field(description="MemoryDB: shards, each a primary and its replicas.")  # type: ignore[prop-decorator]
    @property
    def shards(self) -> int:
        return self.nodes // (1 + self.read_replicas)

    @computed_field(description="Aurora: the writer(s) and readers, all instances.")  # type: ignore[prop-decorator]
    @property
    def instances(self) -> int:
        return self.nodes + self.read_replicas


class QueueSize(_Out):
    """A broker cluster or stream as one environment runs it."""

    name: str
    mode: StreamMode
    instance_class: str | None
    brokers: int
    zones: int
    partitions: int
    replication_factor: int
    min_insync_replicas: int = Field(
        default=1, description="Kafka: replicas that acknowledge a write (others: 1)."
    )
    storage_gb_per_broker: float
    why: str

    @computed_field(description="MSK: each broker's EBS volume in whole GB (at least 1).")  # type: ignore[prop-decorator]
    @property
    def volume_gb_per_broker(self) -> int:
        return max(1, math.ceil(self.storage_gb_per_broker))


class StandbyService(_Out):
    """One service as the recovery region runs it before a disaster."""

    name: str
    tasks: int = Field(
        description="Tasks kept running (0: the service exists and is scaled up on disaster)."
    )


class StandbySizing(_Out):
    """What the standby compute mode runs in the recovery region (an ECS design): the
    load balancer, the services at the standby's share, and the brokers producers there
    write to after a failover."""

    mode: str = Field(description="pilot-light | warm-standby | hot-standby.")
    load_balancer: bool = Field(description="Whether the ALB (and its WAF) runs there.")
    nat_gateways: int = Field(description="NAT gateways kept (0: created on disaster).")
    services: list[StandbyService]
    brokers: list[str] = Field(
        default_factory=list, description="Provisioned MSK clusters kept there (queue names)."
    )
    broker_storage_share: float = Field(
        default=0.0, description="Each standby broker's volume as a share of prod's."
    )
    broker_volumes_gb: dict[str, int] = Field(
        default_factory=dict,
        description="Each standby cluster's broker volume: prod's at the share, whole GB.",
    )
    why: str


class NodeGroupSizing(_Out):
    """One EKS managed node group of an environment. EKS caps a group at a quota of
    nodes, so an environment whose pool is larger runs several alike groups."""

    name: str
    min_size: int
    max_size: int
    desired_size: int
    labels: dict[str, str] = Field(default_factory=dict)


class EnvironmentSizing(_Out):
    """What one environment runs: prod as designed, staging in its shape at minimum size."""

    name: Literal["staging", "prod"]
    account_id: str
    namespace: str = Field(description="Kubernetes namespace of the workloads (and IRSA trust).")
    availability_zones: int = Field(description="AZs this environment's network spans.")
    nat_gateways: int
    node_type: str | None = Field(description="EC2 shape of the EKS nodes (None: no nodes).")
    node_min: int | None
    node_max: int | None
    node_groups: list[NodeGroupSizing] = Field(
        default_factory=list,
        description="The managed node groups holding node_min..node_max (EKS only), each "
        "within the per-group quota; on eks-karpenter one group holds the baseline.",
    )
    karpenter_cpu_limit: int | None = Field(
        default=None,
        description="vCPU Karpenter may add above the baseline group (eks-karpenter only).",
    )
    services: list[ServiceSize]
    stores: list[StoreSize]
    queues: list[QueueSize] = Field(
        default_factory=list, description="Broker clusters and streams (not SQS or SNS)."
    )
    deletion_protection: bool
    recovery_window_days: int = Field(
        description="Days a deleted KMS key or secret stays recoverable."
    )
    cross_region_recovery: bool = Field(
        description="Whether this environment builds the stores' recovery-region copies."
    )
    why: str
    standby: StandbySizing | None = Field(
        default=None, description="What runs in the recovery region (None: only data there)."
    )

    def service(self, name: str) -> ServiceSize:
        return named(self.services, name, f"{self.name} service size")

    def store(self, name: str) -> StoreSize:
        return named(self.stores, name, f"{self.name} store size")

    def queue(self, name: str) -> QueueSize | None:
        return next((q for q in self.queues if q.name == name), None)


# --- cluster add-ons (EKS) -------------------------------------------------------------


class AddonChart(_Out):
    """A Helm chart Argo CD installs on every cluster of the design, pinned."""

    name: str = Field(description="Application and Helm release name.")
    chart: str
    repo_url: str
    version: str
    namespace: str
    service_account: str | None = Field(
        description="Service account bound to an AWS role by a Pod Identity association."
    )
    aws_role: str | None = Field(description="Which policy that role carries.")
    sync_wave: int
    image_tag: str | None = Field(description="Image tag locked to the cluster's minor.")
    values: dict[str, JsonValue] = Field(description="Chart values every cluster shares.")
    source: str = Field(description="Where the version and its Kubernetes range come from.")
    why: str


class EksManagedAddon(_Out):
    """An EKS managed add-on; ``before_compute`` ones exist before any node joins."""

    name: str
    before_compute: bool
    configuration: dict[str, str]
    namespace: str | None
    service_account: str | None
    aws_role: str | None
    why: str


class QueueDepth(_Out):
    """How an SQS queue's depth reaches the HPAs: CloudWatch → exporter → adapter."""

    cloudwatch_metric: str
    prometheus_series: str
    external_metric: str
    period_seconds: int
    length_seconds: int = Field(description="How far back each CloudWatch read reaches.")


class ClusterAddons(_Out):
    """What every cluster runs besides the workloads: Argo CD (bootstrapped once), the
    charts its app-of-apps installs, and the EKS managed add-ons."""

    argocd: AddonChart
    charts: list[AddonChart]
    managed: list[EksManagedAddon]
    node_autoscaler: Literal["cluster-autoscaler", "karpenter"]
    karpenter_controller_label: dict[str, str]
    request_series: str = Field(description="The counter whose rate the Pods metric is.")
    request_rate_window: str
    queue_depth: QueueDepth | None = Field(description="None: no HPA reads a queue.")
    why: str

    def chart(self, name: str) -> AddonChart | None:
        return next((c for c in self.charts if c.name == name), None)


# --- cost and the whole ---------------------------------------------------------------


class ResourceNames(_Out):
    """AWS names with a length limit that one environment's Terraform builds, within
    AWS's limits (catalog limits.yaml); a name that did not fit ends in a hash."""

    environment: Literal["staging", "prod"]
    load_balancer: str
    target_groups: dict[str, str] = Field(
        description="Per ALB target group key (<service>-blue, <service>-green)."
    )
    roles: dict[str, str] = Field(
        description="ECS roles: task-execution, codedeploy, scheduler (EKS: none)."
    )
    schedules: dict[str, str] = Field(description="EventBridge schedule per ECS cron service.")
    codedeploy_configs: dict[str, str] = Field(
        description="CodeDeploy deployment config per CodeDeploy ECS service."
    )
    access_log_bucket: str = Field(description="The load balancer's access-log bucket.")
    recovery_access_log_bucket: str = Field(
        description="Its copy in the recovery region (bucket names are global)."
    )


class DodAnswer(_Out):
    question: str
    done: bool
    answer: str
    figures: list[Figure]
    missing: str = ""


class Scenario(_Out):
    """The prod bill with one assumption at another value."""

    label: str
    prod_monthly_usd: float
    effect_usd: Figure = Field(description="The scenario's prod bill minus the design's.")

    def said(self) -> str:
        """``at 5 ms: $9,100/month (-$4,800)``"""
        return (
            f"{self.label}: ${number(round(self.prod_monthly_usd))}/month "
            f"({_signed(self.effect_usd.value)})"
        )


class BeyondBoundScenario(_Out):
    """One assumption at another value that no system can be built for, so not priced:
    one request entering the system would become more calls to one service than the
    spec allows (``spec.MAX_FAN_OUT``). Sizing it would ask for more nodes than exist;
    the scenario says so instead of a bill."""

    label: str
    service: str = Field(description="The first service (callers first) past the bound.")
    calls_per_request: float = Field(
        description="Calls one request entering the system would become at the service."
    )
    call_paths: int = Field(description="Distinct call paths from the entry services to it.")
    route: str = Field(description="The heaviest of them: web ×1 → api ×1 → pricing.")
    bound: float = Field(description="Calls per incoming request one service may receive.")

    @property
    def reason(self) -> str:
        """Why it is not priced, with the service, its calls and its paths."""
        plural = "" if self.call_paths == 1 else "s"
        return (
            "not priced, beyond what can be built: one request entering the system would "
            f"become {count_text(self.calls_per_request)} calls to {self.service} along "
            f"{count_text(self.call_paths)} call path{plural} (at most "
            f"{count_text(self.bound)} per request can reach one service)"
        )

    def said(self) -> str:
        return f"{self.label}: {self.reason}"


class AssumptionCost(_Out):
    """One assumption the bill rests on, priced at plausible other values."""

    id: str
    assumption: str = Field(description="What was assumed, with its value.")
    applies_to: list[str]
    fields: list[str] = Field(description="Where the spec states it instead.")
    scenarios: list[Scenario | BeyondBoundScenario]
    fix: str

    @property
    def priced(self) -> list[Scenario]:
        return [s for s in self.scenarios if isinstance(s, Scenario)]

    @property
    def effect(self) -> float:
        """The largest move in either direction (USD/month); unbounded when a scenario is
        beyond what can be built (the bill rests on this assumption entirely), so that it
        ranks first."""
        if len(self.priced) < len(self.scenarios):
            return math.inf
        return max((abs(s.effect_usd.value) for s in self.priced), default=0.0)

    @property
    def saving(self) -> float:
        """The largest saving among the priced scenarios (0 when none is cheaper)."""
        return max((-s.effect_usd.value for s in self.priced), default=0.0)

    def said(self) -> str:
        """``at 5 ms: $9,100/month (-$4,800); at 20 ms: ...``"""
        return "; ".join(s.said() for s in self.scenarios)


def _signed(value: float) -> str:
    rounded = round(value)
    return f"+${number(rounded)}" if rounded >= 0 else f"-${number(-rounded)}"


class Design(_Out):
    """A whole design: what every renderer reads and what design.json holds."""

    version: str = DESIGN_VERSION
    name: str
    description: str
    region: str
    constraints: Constraints
    availability: AvailabilityDesign
    compute: ComputeDesign
    network: NetworkDesign
    data: DataDesign
    delivery: DeliveryDesign
    observability: ObservabilityDesign
    security: SecurityDesign
    cost: CostModel
    simulation: Simulation
    environments: list[EnvironmentSizing]
    terraform_versions: Decision = Field(
        description="The Terraform and AWS provider versions the roots allow and lock."
    )
    accounts: AccountsDesign = Field(
        description="Each account's bootstrap (state bucket, service-linked roles, the "
        "pipelines' OIDC roles) and the variables the workflows read."
    )
    addons: ClusterAddons | None = Field(
        default=None, description="Cluster add-ons (EKS only; None: not on Kubernetes)."
    )
    dns: DnsDesign = Field(description="The public name, certificate and DNS records.")
    definition_of_done: list[DodAnswer]
    conflicts: list[Conflict]
    assumptions: list[Assumption]
    assumption_costs: list[AssumptionCost] = Field(
        description="The defaults the bill rests on, priced, largest effect first."
    )
    names: list[ResourceNames] = Field(
        default_factory=list, description="Per environment, the AWS names with a length limit."
    )
    day_one: DayOne = Field(
        description="docs/deploy.md: the ordered commands from an empty account to the "
        "first release."
    )
    migration: MigrationPlan | None = Field(
        default=None,
        description="docs/migration.md: the steps from what runs today (the spec's "
        "existing:) to this design. Absent from design.json when there is none (greenfield).",
    )

    @property
    def feasible(self) -> bool:
        return not any(c.severity is Severity.ERROR for c in self.conflicts)

    def environment(self, name: str) -> EnvironmentSizing:
        return named(self.environments, name, "environment")

    def names_of(self, environment: str) -> ResourceNames:
        return named(self.names, environment, "resource names", key=lambda n: n.environment)

    @property
    def decisions(self) -> list[Decision]:
        """Every major decision, failure paths first."""
        extra = [self.network.load_balancer_decision] if self.network.load_balancer_decision else []
        if self.network.grpc is not None:
            extra.append(self.network.grpc.decision)
        return [
            self.availability.decision,
            self.compute.decision,
            self.network.decision,
            self.network.nat_decision,
            *extra,
            *self.data.decisions,
            self.delivery.decision,
            self.observability.decision,
            self.security.decision,
            self.terraform_versions,
            # Last, so the numbers of the ADRs before it stay what they were.
            *([self.delivery.release_decision] if self.delivery.release_decision else []),
        ]
