"""Requirements spec v1 (``apiVersion: infra-architect/v1``, ``kind: Requirements``).

The field names here are the public interface of the tool: renaming one breaks every
user's spec. Fields an architect must not guess are required; every other default is
marked with :class:`Assumed`, so the engine can report it as a named assumption.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

API_VERSION = "infra-architect/v1"
KIND = "Requirements"

_DNS_LABEL_PATTERN = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"

DnsLabel = Annotated[
    str,
    StringConstraints(pattern=_DNS_LABEL_PATTERN, max_length=63),
    Field(
        description="A DNS label: lowercase letters, digits and '-', starting with a letter, "
        "at most 63 characters. It names AWS resources, DNS records and Kubernetes objects.",
    ),
]


Float = Annotated[float, Strict()]
"""A YAML number: ints are accepted, quoted strings and booleans are not."""
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]


class Assumed:
    """Marks a field whose default is an assumption worth telling the user about.

    ``applies`` limits it to the models where the field means something (a health-check
    path is no assumption for a cron job).
    """

    __slots__ = ("applies", "reason")

    def __init__(self, reason: str, applies: Callable[[Any], bool] | None = None) -> None:
        self.reason = reason
        self.applies = applies

    def __repr__(self) -> str:
        return f"Assumed({self.reason!r})"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ServiceType(StrEnum):
    WEB = "web"
    API = "api"
    WORKER = "worker"
    CRON = "cron"

    @property
    def serves_requests(self) -> bool:
        return self in (ServiceType.WEB, ServiceType.API)


class Protocol(StrEnum):
    HTTP = "http"
    GRPC = "grpc"


class DatastoreEngine(StrEnum):
    POSTGRES = "postgres"
    MYSQL = "mysql"
    REDIS = "redis"
    S3 = "s3"
    DYNAMODB = "dynamodb"
    OPENSEARCH = "opensearch"

    @property
    def relational(self) -> bool:
        return self in (DatastoreEngine.POSTGRES, DatastoreEngine.MYSQL)


class DatastoreRole(StrEnum):
    PRIMARY = "primary"
    CACHE = "cache"
    SESSION = "session"


class QueueEngine(StrEnum):
    SQS = "sqs"
    SNS = "sns"
    KAFKA = "kafka"
    RABBITMQ = "rabbitmq"
    KINESIS = "kinesis"


class Experience(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"low": 1, "medium": 2, "high": 3}[self.value]


class KubernetesExperience(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"none": 0, "low": 1, "medium": 2, "high": 3}[self.value]


class Compliance(StrEnum):
    PCI_DSS = "pci-dss"
    HIPAA = "hipaa"
    SOC2 = "soc2"
    GDPR = "gdpr"
    ISO27001 = "iso27001"


class Metadata(_Model):
    name: DnsLabel
    description: str = Field(default="", max_length=2000, description="What the system does.")
    owner: str | None = Field(
        default=None, max_length=200, description="Team or person accountable for it."
    )


def _call_from_string(value: object) -> object:
    return {"service": value} if isinstance(value, str) else value


class Call(_Model):
    """One synchronous call edge: ``calls: [catalog]`` or ``calls: [{service: catalog, ...}]``."""

    service: DnsLabel
    per_request: Annotated[
        Float,
        Field(
            gt=0,
            le=1000,
            description="Calls made to this service per request the caller serves.",
        ),
        Assumed("each request to a caller makes one call to every service it lists in calls"),
    ] = 1.0


_CALL_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": _DNS_LABEL_PATTERN, "description": "A service name."},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["service"],
            "properties": {
                "service": {"type": "string", "pattern": _DNS_LABEL_PATTERN},
                "per_request": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 1000,
                    "default": 1.0,
                    "description": "Calls made to this service per request the caller serves.",
                },
            },
        },
    ]
}

CallEntry = Annotated[Call, BeforeValidator(_call_from_string), WithJsonSchema(_CALL_JSON_SCHEMA)]


def _serves_requests(service: object) -> bool:
    kind = getattr(service, "type", None)
    return isinstance(kind, ServiceType) and kind.serves_requests


class Service(_Model):
    name: DnsLabel
    type: ServiceType = Field(description="web | api serve requests; worker | cron do not.")
    public: Bool = Field(default=False, description="Reachable from the internet.")
    port: Annotated[
        Int | None,
        Field(ge=1, le=65535, description="Port the container listens on."),
        Assumed("web and api services listen on 8080", applies=_serves_requests),
    ] = None
    protocol: Annotated[
        Protocol,
        Field(description="Wire protocol of the service: http or grpc."),
        Assumed("services speak HTTP", applies=_serves_requests),
    ] = Protocol.HTTP
    calls: list[CallEntry] = Field(
        default_factory=list, description="Services this one calls synchronously."
    )
    uses: list[DnsLabel] = Field(
        default_factory=list, description="Datastores and queues this service reads or writes."
    )
    schedule: str | None = Field(
        default=None,
        description="Cron schedule (5 fields or @hourly/@daily/...); cron services only.",
        examples=["*/15 * * * *"],
    )
    cpu_ms_per_request: Annotated[
        Float | None,
        Field(
            gt=0,
            le=60000,
            description="CPU milliseconds per request (per message for workers). "
            "Measure it; it sizes everything.",
        ),
        Assumed("CPU per request taken from the service-type profile"),
    ] = None
    memory_mb: Annotated[
        Int | None,
        Field(ge=64, le=122880, description="Memory per replica in MiB."),
        Assumed("memory per replica taken from the service-type profile"),
    ] = None
    traffic_share: Float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of the system's incoming traffic that enters at this service "
        "(entry services only). Unset shares split the remainder equally.",
    )
    health_check_path: Annotated[
        str,
        StringConstraints(pattern=r"^/[^\s]*$", max_length=200),
        Field(description="HTTP path that answers 200 when the service can serve."),
        Assumed("services expose their readiness at /healthz", applies=_serves_requests),
    ] = "/healthz"


class Datastore(_Model):
    name: DnsLabel
    engine: DatastoreEngine
    storage_gb: Annotated[
        Float | None,
        Field(gt=0, le=1_000_000, description="Data stored today, in GB."),
        Assumed("initial storage taken from the engine profile"),
    ] = None
    role: Annotated[
        DatastoreRole | None,
        Field(
            description="For redis: primary (the data lives here), cache (can be rebuilt) "
            "or session. Other engines are always primary."
        ),
        Assumed("a redis without a role is a cache; other engines hold primary data"),
    ] = None
    multi_az: Bool | None = Field(
        default=None,
        description="Pin Multi-AZ on or off. Unset: the design decides from the SLO.",
    )


class Queue(_Model):
    name: DnsLabel
    engine: QueueEngine
    messages_per_second: Annotated[
        Float | None,
        Field(
            gt=0,
            le=10_000_000,
            description="Average messages per second today; scales with traffic growth.",
        ),
        Assumed("each request to a service that uses the queue publishes one message"),
    ] = None


class System(_Model):
    services: list[Service] = Field(min_length=1, description="Every deployable service.")
    datastores: list[Datastore] = Field(default_factory=list)
    queues: list[Queue] = Field(default_factory=list)


class Growth(_Model):
    concurrent_users: Int | None = Field(default=None, ge=1, le=1_000_000_000)
    requests_per_second: Float | None = Field(default=None, gt=0, le=100_000_000)
    months: Int = Field(ge=1, le=120, description="When the growth target is reached.")


class Traffic(_Model):
    concurrent_users: Int | None = Field(
        default=None,
        ge=1,
        le=1_000_000_000,
        description="Users active at the same time in a normal busy hour.",
    )
    requests_per_user_per_minute: Float | None = Field(
        default=None, gt=0, le=10_000, description="Requests each active user causes a minute."
    )
    requests_per_second: Float | None = Field(
        default=None, gt=0, le=100_000_000, description="Average request rate, if known directly."
    )
    peak_multiplier: Annotated[
        Float,
        Field(ge=1, le=100, description="Peak rate / average rate."),
        Assumed("the daily peak is 3x the average rate, typical of consumer web traffic"),
    ] = 3.0
    spike_multiplier: Annotated[
        Float,
        Field(ge=1, le=1000, description="Sudden spike to absorb with no manual step, x average."),
        Assumed("a sudden spike reaches 10x the average rate (the Definition of Done's 10x)"),
    ] = 10.0
    growth: Growth | None = Field(default=None, description="Where traffic is heading.")


class Availability(_Model):
    slo: Float = Field(
        gt=0, lt=100, description="Availability objective in percent over 30 days, e.g. 99.9."
    )
    rpo_minutes: Annotated[
        Float | None,
        Field(ge=0, le=525_600, description="Data loss tolerated in a disaster, in minutes."),
        Assumed("data loss tolerance set to the point-in-time-recovery granularity"),
    ] = None
    rto_minutes: Annotated[
        Float | None,
        Field(gt=0, le=525_600, description="Time to restore service after a disaster."),
        Assumed("recovery time derived from the monthly error budget"),
    ] = None


class Delivery(_Model):
    deploys_per_day: Float = Field(
        ge=0, le=10_000, description="Production deploys per day (0.2 = about weekly)."
    )
    zero_downtime: Annotated[
        Bool,
        Field(description="Deploys must not interrupt users."),
        Assumed("deploys must not interrupt users"),
    ] = True
    repository: Annotated[
        str | None,
        StringConstraints(pattern=r"^(https://|git@|ssh://)\S+$", max_length=300),
        Field(
            description="Git repository holding this output (Argo CD syncs from it). "
            "Unset: https://github.com/<metadata.owner or name>/<name>.git, recorded as assumed.",
        ),
    ] = None


class Team(_Model):
    size: Int = Field(ge=1, le=10_000, description="Engineers who build and operate the system.")
    ops_experience: Experience = Field(description="Operations experience: low | medium | high.")
    kubernetes_experience: Annotated[
        KubernetesExperience,
        Field(description="Kubernetes experience: none | low | medium | high."),
        Assumed("no Kubernetes experience unless stated (capability is never assumed)"),
    ] = KubernetesExperience.NONE


class Budget(_Model):
    monthly_usd: Float = Field(gt=0, le=100_000_000, description="Monthly infrastructure budget.")


AccountId = Annotated[
    str,
    StringConstraints(pattern=r"^\d{12}$"),
    Field(description="A 12-digit AWS account id (quoted in YAML: it is not a number)."),
]


class Accounts(_Model):
    """The AWS account of each environment: IRSA role ARNs and image registries name it."""

    staging: AccountId
    prod: AccountId


EXAMPLE_ACCOUNTS = Accounts(staging="111122223333", prod="444455556666")
"""The AWS documentation's example account ids: visibly not a real account."""


class Cloud(_Model):
    provider: Literal["aws"] = "aws"
    region: Annotated[
        str,
        StringConstraints(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$"),
        Field(description="AWS region, e.g. eu-central-1."),
        Assumed("the system runs in us-east-1"),
    ] = "us-east-1"
    availability_zones: Int | None = Field(
        default=None,
        ge=1,
        le=6,
        description="Pin the number of AZs. Unset: derived from the SLO.",
    )
    accounts: Annotated[
        Accounts,
        Field(description="AWS account per environment: {staging: '...', prod: '...'}."),
        Assumed(
            "the AWS documentation's example account ids stand in until you state yours "
            "(they appear in the IRSA annotations and image names of the Kubernetes overlays)"
        ),
    ] = EXAMPLE_ACCOUNTS


class ComputeChoice(StrEnum):
    EKS = "eks"
    EKS_KARPENTER = "eks-karpenter"
    ECS_FARGATE = "ecs-fargate"
    LAMBDA = "lambda"


class DeploymentChoice(StrEnum):
    ROLLING = "rolling"
    BLUE_GREEN = "blue-green"
    CANARY = "canary"


class NatChoice(StrEnum):
    PER_AZ = "per-az"
    SINGLE = "single"


class TopologyChoice(StrEnum):
    SINGLE_REGION = "single-region"
    ACTIVE_PASSIVE = "active-passive"
    ACTIVE_ACTIVE = "active-active"


class Decisions(_Model):
    """Decisions the user pins; the rest of the design follows them. Unset: chosen."""

    compute: ComputeChoice | None = Field(
        default=None, description="eks | eks-karpenter | ecs-fargate | lambda"
    )
    deployment: DeploymentChoice | None = Field(
        default=None, description="rolling | blue-green | canary"
    )
    nat: NatChoice | None = Field(default=None, description="per-az | single")
    topology: TopologyChoice | None = Field(
        default=None, description="single-region | active-passive | active-active"
    )


class Requirements(_Model):
    """A system's requirements: the input of every infra-architect command."""

    api_version: Literal["infra-architect/v1"] = Field(alias="apiVersion")
    kind: Literal["Requirements"]
    metadata: Metadata
    system: System
    traffic: Traffic
    availability: Availability
    delivery: Delivery
    team: Team
    compliance: list[Compliance] = Field(default_factory=list)
    budget: Budget | None = None
    cloud: Annotated[Cloud, Assumed("the system runs on AWS in us-east-1")] = Field(
        default_factory=Cloud
    )
    decisions: Decisions = Field(
        default_factory=Decisions,
        description="Pin design decisions, e.g. {compute: ecs-fargate}; unset ones are chosen.",
    )

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        populate_by_name=False,
        title="infra-architect Requirements (v1)",
    )

    def service(self, name: str) -> Service:
        return next(s for s in self.system.services if s.name == name)
