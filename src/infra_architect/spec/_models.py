"""Requirements spec v1 (``apiVersion: infra-architect/v1``, ``kind: Requirements``).

The field names here are the public interface of the tool: renaming one breaks every
user's spec. Fields an architect must not guess are required; every other default is
marked with :class:`Assumed`, so the engine can report it as a named assumption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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

from infra_architect.errors import named

API_VERSION = "infra-architect/v1"
KIND = "Requirements"


@dataclass(frozen=True)
class Charset:
    """The characters a spec value may hold, and how to tell the user.

    A value with a charset reaches what the tool generates: shell steps of the
    pipelines, Dockerfiles, Terraform strings and expressions, kubectl/yq/aws command
    lines, manifests. Restricting it here, once, is what keeps a spec from injecting
    into any of them (escaping at every use is a promise each new renderer would have
    to keep). Every class is ASCII and spelt out: ``\\d`` and ``\\s`` match far more than
    digits and spaces in Unicode-aware regex engines (pydantic's among them).
    """

    pattern: str
    what: str
    allowed: str
    example: str


_DNS_LABEL_PATTERN = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"

DNS_LABEL = Charset(
    pattern=_DNS_LABEL_PATTERN,
    what="a valid name",
    allowed="a DNS label: lowercase letters, digits and '-', starting with a letter and "
    "not ending with '-', at most 63 characters",
    example="checkout-api",
)
URL_PATH = Charset(
    pattern=r"^/[A-Za-z0-9._~/-]{0,199}$",
    what="a plain URL path",
    allowed="'/' followed by letters, digits and - . _ ~ / only (no spaces, quotes, $, "
    "backticks, ;, &, ? or other characters a shell or a URL gives meaning to), "
    "at most 200 characters",
    example="/healthz",
)
CRON_SCHEDULE = Charset(
    pattern=r"^(@[a-z]{1,16}|[A-Za-z0-9*/,-]{1,64}( {1,4}[A-Za-z0-9*/,-]{1,64}){0,9})$",
    what="a cron schedule",
    allowed="cron fields of letters, digits and * / , - separated by spaces, or a macro "
    "such as @hourly",
    example="*/15 * * * *",
)
AWS_REGION = Charset(
    pattern=r"^[a-z]{2}(-gov)?-[a-z]{1,16}-[0-9]$",
    what="an AWS region code",
    allowed="an AWS region code: lowercase letters, '-' and one digit",
    example="eu-central-1",
)
AWS_ACCOUNT_ID = Charset(
    pattern=r"^[0-9]{12}$",
    what="a 12-digit AWS account id",
    allowed="exactly 12 ASCII digits, quoted in YAML",
    example="'123456789012'",
)
GIT_URL = Charset(
    pattern=(
        r"^(https://[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?/"
        r"|ssh://([A-Za-z0-9][A-Za-z0-9._-]{0,63}@)?[A-Za-z0-9][A-Za-z0-9.-]{0,252}"
        r"(:[0-9]{1,5})?/"
        r"|[A-Za-z0-9][A-Za-z0-9._-]{0,63}@[A-Za-z0-9][A-Za-z0-9.-]{0,252}:)"
        r"[A-Za-z0-9_~/][A-Za-z0-9._~/-]{0,199}$"
    ),
    what="a Git URL of plain characters",
    allowed="https://host/path, ssh://user@host/path or user@host:path, with letters, "
    "digits and - . _ ~ / in the host and path (a host or path may not start with '-')",
    example="https://github.com/acme/shop.git",
)
# Free text (descriptions, owner) goes into documents, escaped there; what it may not
# hold are characters no document shows: control characters (they rewrite terminals and
# break parsers), line/paragraph separators, a byte-order mark, and the bidirectional
# embeddings, overrides and isolates that make text read differently than it is
# (CVE-2021-42574). Zero-width joiners and LRM/RLM marks stay: scripts and emoji need them.
_INVISIBLE = "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028-\\u202e\\u2066-\\u2069\\ufeff"
TEXT = Charset(
    pattern=f"^[^{_INVISIBLE}]*$",
    what="plain text",
    allowed="printable text, line breaks and tabs (no control characters, no "
    "bidirectional embedding, override or isolate characters)",
    example="Online store - catalogue, search and checkout.",
)
# A public DNS name: the labels of DNS_LABEL joined by dots (letters may be upper case in
# DNS, but ACM and Route 53 store names lower case, so the spec asks for that form), at
# least two labels, 253 characters at most (RFC 1035 section 2.3.4), no trailing dot.
DOMAIN_NAME = Charset(
    pattern=r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
    what="a DNS name",
    allowed="lowercase DNS labels (letters, digits and '-', not starting or ending with "
    "'-') joined by dots, at least two labels, no trailing dot, at most 253 characters",
    example="shop.example.com",
)
LINE = Charset(
    pattern=f"^[^{_INVISIBLE}\\n\\t]*$",
    what="one line of plain text",
    allowed="printable text on one line (no line breaks, tabs or control characters)",
    example="platform-team",
)
CHARSETS = {
    c.pattern: c
    for c in (
        DNS_LABEL,
        URL_PATH,
        CRON_SCHEDULE,
        AWS_REGION,
        AWS_ACCOUNT_ID,
        GIT_URL,
        DOMAIN_NAME,
        TEXT,
        LINE,
    )
}
"""Every charset by its pattern: what the loader's message names when a value breaks one."""


def charset_for(pattern: str) -> Charset | None:
    return CHARSETS.get(pattern)


DnsLabel = Annotated[
    str,
    StringConstraints(pattern=DNS_LABEL.pattern, max_length=63),
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


class Runtime(StrEnum):
    """What a service is written in: it sets the planning figure for CPU per request and
    the replica size until the service's own measurements replace them."""

    GO = "go"
    RUST = "rust"
    JAVA = "java"
    DOTNET = "dotnet"
    NODE = "node"
    PYTHON = "python"
    RUBY = "ruby"
    PHP = "php"


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


class S3AccessPattern(StrEnum):
    """How a bucket's objects are read as they age: it sets the lifecycle tiers."""

    FREQUENT = "frequent"  # read often whatever their age: S3 Standard only
    RECENT = "recent"  # read mostly while new: Standard-IA after 30 days
    ARCHIVE = "archive"  # then kept for records, read a few times a year: Glacier IR
    COLD = "cold"  # then restored in hours when needed: Glacier Flexible Retrieval


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
    description: Annotated[
        str,
        StringConstraints(pattern=TEXT.pattern, max_length=2000),
        Field(description="What the system does (free text; escaped in the documents)."),
    ] = ""
    owner: Annotated[
        str | None,
        StringConstraints(pattern=LINE.pattern, max_length=200),
        Field(description="Team or person accountable for it (one line of free text)."),
    ] = None


CALL_SPLIT_REASON = (
    "a caller's requests split evenly among the services it calls (1/N each; 1 for a single "
    "callee): state per_request where one request calls several services"
)


def _call_from_string(value: object) -> object:
    return {"service": value} if isinstance(value, str) else value


class Call(_Model):
    """One synchronous call edge: ``calls: [catalog]`` or ``calls: [{service: catalog, ...}]``."""

    service: DnsLabel
    per_request: Annotated[
        Float | None,
        Field(
            gt=0,
            le=1000,
            description="Calls made to this service per request the caller serves. Unset: "
            "1 when it is the caller's only callee, else the caller's requests split evenly "
            "among its callees (1/N each).",
        ),
        Assumed(CALL_SPLIT_REASON),
    ] = None


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
                    "description": "Calls made to this service per request the caller "
                    "serves. Unset: 1 for a caller's only callee, else 1/N of its requests.",
                },
            },
        },
    ]
}

CallEntry = Annotated[Call, BeforeValidator(_call_from_string), WithJsonSchema(_CALL_JSON_SCHEMA)]


class DataAccess(_Model):
    """Rows one request (a message, for a worker) reads and writes in each datastore the
    service uses. Unset figures come from the service type's default in the catalog."""

    reads_per_request: Float | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Rows read per request (or message), e.g. 3 for a page that loads a "
        "user, a cart and a product.",
    )
    writes_per_request: Float | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Rows written (inserted or updated) per request or message, e.g. 0.05 "
        "when one request in twenty writes.",
    )


def _long_running(service: object) -> bool:
    kind = getattr(service, "type", None)
    return isinstance(kind, ServiceType) and kind is not ServiceType.CRON


def _serves_requests(service: object) -> bool:
    kind = getattr(service, "type", None)
    return isinstance(kind, ServiceType) and kind.serves_requests


def _serves_http(service: object) -> bool:
    """Serves requests over HTTP: a gRPC service's health is the grpc.health.v1 service."""
    return _serves_requests(service) and getattr(service, "protocol", None) is not Protocol.GRPC


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
    schedule: Annotated[
        str | None,
        StringConstraints(pattern=CRON_SCHEDULE.pattern, max_length=100),
        Field(
            description="Cron schedule (5 fields or @hourly/@daily/...); cron services only.",
            examples=["*/15 * * * *"],
        ),
    ] = None
    runtime: Annotated[
        Runtime | None,
        Field(
            description="Language/runtime: go | rust | java | dotnet | node | python | ruby | "
            "php. Sets the planning figures for CPU per request and replica size."
        ),
        Assumed("the runtime is unknown: mid-range planning figures", applies=_long_running),
    ] = None
    cpu_ms_per_request: Annotated[
        Float | None,
        Field(
            # 1 µs: the fastest servers spend a few µs of CPU per request; below that the
            # figure is no measurement (and 1e-9 rounded to 0 divided the sizing by zero)
            ge=0.001,
            le=60000,
            description="CPU milliseconds per request (per message for workers), measured "
            "(APM, or CPU seconds / requests over an hour). It sizes everything.",
        ),
        Assumed("CPU per request taken from the runtime's planning figure"),
    ] = None
    cpu: Annotated[
        Float | None,
        Field(
            ge=0.05,
            le=64,
            description="vCPU per replica (the Kubernetes request; the Fargate task size). "
            "Default: the runtime's usual size.",
        ),
        Assumed("vCPU per replica taken from the runtime's usual size"),
    ] = None
    memory_mb: Annotated[
        Int | None,
        Field(ge=64, le=122880, description="Memory per replica in MiB."),
        Assumed("memory per replica taken from the runtime's usual size"),
    ] = None
    traffic_share: Float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of the system's incoming traffic that enters at this service "
        "(entry services only). Unset shares split the remainder equally.",
    )
    response_bytes: Annotated[
        Float | None,
        Field(
            ge=0,
            le=100_000_000,
            description="Bytes of one response on the wire (compressed): what leaves to the "
            "internet for a public service, what its callers receive for a call. Static "
            "assets served from a CDN do not count; an ingest API that acks sends a few "
            "hundred bytes. Default: by service type (web: an HTML page; api: a JSON body).",
        ),
        Assumed("response size taken from the service type's default", applies=_serves_requests),
    ] = None
    data_access: DataAccess | None = Field(
        default=None,
        description="Rows read and written per request (per message for workers) in the "
        "datastores the service uses; they size databases, IOPS and storage growth. "
        "Unset: the service type's default (an API mostly reads; a worker writes).",
    )
    health_check_path: Annotated[
        str,
        StringConstraints(pattern=URL_PATH.pattern, max_length=200),
        Field(
            description="HTTP path that answers 200 when the service can serve: '/' then "
            "letters, digits and - . _ ~ / (it reaches probes, the load balancer and the "
            "pipeline's smoke test)."
        ),
        Assumed("services expose their readiness at /healthz", applies=_serves_http),
    ] = "/healthz"

    def call_rates(self) -> list[tuple[str, float]]:
        """(callee, calls per request this service serves) for every call edge: the stated
        ``per_request``, else 1 for an only callee, else an even split (1/N each)."""
        split = 1.0 / len(self.calls) if self.calls else 1.0
        return [
            (call.service, call.per_request if call.per_request is not None else split)
            for call in self.calls
        ]


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
    aurora: Bool | None = Field(
        default=None,
        description="postgres and mysql only: pin Amazon Aurora on or off. Unset: the "
        "design chooses Aurora when its faster failover is what the SLO or RTO needs.",
    )
    row_bytes: Float | None = Field(
        default=None,
        gt=0,
        le=5_000_000_000_000,
        description="Bytes one written row adds with its indexes (for s3: one object). "
        "Unset: the engine's default in the catalog. It sizes storage growth.",
    )
    retention_days: Float | None = Field(
        default=None,
        gt=0,
        le=36_500,
        description="Days written data is kept before it is deleted or archived elsewhere. "
        "Unset: kept for good (storage grows with every write).",
    )
    access_pattern: S3AccessPattern | None = Field(
        default=None,
        description="s3 only: how objects are read as they age, which sets the lifecycle "
        "tiers: frequent (Standard only), recent (Standard-IA after 30 days), archive (then "
        "Glacier Instant Retrieval after 90), cold (then Glacier Flexible Retrieval after "
        "90). Unset: frequent (Standard-IA bills a retrieval fee on every read).",
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


MAX_SERVICES = 500
"""One spec designs one system, up to a large organisation's 500 services; an estate of
more is several systems (one spec each). The bound also bounds a design's time and memory
(benchmarks/design_scaling_bench.py measures them up to this size)."""
MAX_STORES = 100
"""Datastores, and queues, one spec may hold."""


class System(_Model):
    services: list[Service] = Field(
        min_length=1, max_length=MAX_SERVICES, description="Every deployable service."
    )
    datastores: list[Datastore] = Field(default_factory=list, max_length=MAX_STORES)
    queues: list[Queue] = Field(default_factory=list, max_length=MAX_STORES)


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
    spike_ramp_seconds: Annotated[
        Float,
        Field(
            ge=0,
            # a rise slower than an hour is the daily curve, which autoscaling follows anyway
            le=3600,
            description="How fast the spike arrives: seconds from the average to the full "
            "spike. 0 is an instant step, which the design then absorbs with standing "
            "capacity (a priced option); a ramp is followed by autoscaling.",
        ),
        Assumed(
            "the spike builds over 10 minutes (a campaign, a mention, a retry storm's ramp); "
            "an instant step is simulated as a risk, and absorbing it is priced as an option"
        ),
    ] = 600.0
    spikes_per_month: Annotated[
        Float,
        Field(
            gt=0,
            le=1000,
            description="How many such spikes a month; together they may spend the "
            "catalog's share of the error budget.",
        ),
        Assumed("one spike a month"),
    ] = 1.0
    growth: Growth | None = Field(default=None, description="Where traffic is heading.")


class Observability(_Model):
    """What the services log: it sizes CloudWatch Logs ingestion and storage."""

    log_bytes_per_request: Annotated[
        Float | None,
        Field(
            ge=0,
            le=10_000_000,
            description="Bytes of application and access logs written per request, before "
            "sampling. Default: the catalog's planning figure.",
        ),
        Assumed("log bytes per request taken from the catalog's planning figure"),
    ] = None
    log_sample_rate: Annotated[
        Float,
        Field(
            gt=0,
            le=1,
            description="Share of requests whose logs are kept, e.g. 0.1 to keep one access "
            "log in ten (keep errors whole in the application).",
        ),
        Assumed("every request's logs are kept (no sampling)"),
    ] = 1.0


def _rpo_stated(availability: object) -> bool:
    return getattr(availability, "rpo_minutes", None) is not None


class RpoScope(StrEnum):
    """The failure an RPO must hold through: the loss of an AZ, or of the whole region."""

    ZONE = "zone"
    REGION = "region"


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
    rpo_scope: Annotated[
        RpoScope,
        Field(
            description="The failure rpo_minutes must hold through: zone (an AZ is lost; "
            "synchronous Multi-AZ replication loses nothing) or region (the whole region is "
            "lost; replication across regions is asynchronous unless the store commits in "
            "several regions at once)."
        ),
        Assumed(
            "the RPO holds through the loss of an AZ; across regions the design loses what "
            "asynchronous replication has not yet shipped",
            applies=_rpo_stated,
        ),
    ] = RpoScope.ZONE


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
        StringConstraints(pattern=GIT_URL.pattern, max_length=300),
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
    StringConstraints(pattern=AWS_ACCOUNT_ID.pattern),
    Field(description="A 12-digit AWS account id (quoted in YAML: it is not a number)."),
]


class Accounts(_Model):
    """The AWS account of each environment: IRSA role ARNs and image registries name it."""

    staging: AccountId
    prod: AccountId


DomainName = Annotated[
    str,
    StringConstraints(pattern=DOMAIN_NAME.pattern, max_length=253),
    Field(description="A DNS name, lowercase, without the trailing dot: shop.example.com."),
]


class Domain(_Model):
    """The public name of one environment and the Route 53 hosted zone it lives in."""

    name: DomainName = Field(
        description="The name users reach the system by; the TLS certificate covers it."
    )
    hosted_zone: DomainName = Field(
        description="The public hosted zone, in this environment's AWS account, that holds the "
        "name (the name itself or a parent of it). Terraform validates the certificate there."
    )


class Domains(_Model):
    """The public domain of each environment (each account holds its own hosted zone)."""

    staging: Domain
    prod: Domain


EXAMPLE_ACCOUNTS = Accounts(staging="111122223333", prod="444455556666")
"""The AWS documentation's example account ids: visibly not a real account."""


class Cloud(_Model):
    provider: Literal["aws"] = "aws"
    region: Annotated[
        str,
        StringConstraints(pattern=AWS_REGION.pattern),
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
    domains: Domains | None = Field(
        default=None,
        description="Public DNS name and Route 53 hosted zone per environment: "
        "{staging: {name, hosted_zone}, prod: {name, hosted_zone}}. With it Terraform issues "
        "the TLS certificate and the DNS records; unset, each environment root asks for a "
        "certificate ARN and the records are yours to create.",
    )


class ComputeChoice(StrEnum):
    EKS = "eks"
    EKS_KARPENTER = "eks-karpenter"
    ECS_FARGATE = "ecs-fargate"
    LAMBDA = "lambda"

    @property
    def kubernetes(self) -> bool:
        """EKS, with managed node groups or Karpenter."""
        return self in {ComputeChoice.EKS, ComputeChoice.EKS_KARPENTER}


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


Evidence = Annotated[
    str,
    StringConstraints(max_length=300),
    Field(description="Where a fact was read: a repository-relative file:line."),
]


class ExistingService(_Model):
    """A service as it runs today, as read from its code by `infra-architect import`."""

    name: DnsLabel
    replicas: Int | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Replica floor in prod: the HPA's minReplicas, the Deployment's replicas "
        "or the ECS service's desired count.",
    )
    max_replicas: Int | None = Field(default=None, ge=0, le=10_000)
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class ExistingDatastore(_Model):
    """A data store as it runs today."""

    name: DnsLabel
    engine: DatastoreEngine
    instance_class: Annotated[str, StringConstraints(max_length=64)] | None = None
    storage_gb: Float | None = Field(
        default=None, gt=0, le=1_000_000, description="Provisioned (allocated) storage, in GB."
    )
    multi_az: Bool | None = Field(
        default=None, description="Runs a standby (or replicas) in a second AZ."
    )
    replicas: Int | None = Field(
        default=None, ge=0, le=100, description="Read replicas or cache replicas."
    )
    backup_retention_days: Int | None = Field(default=None, ge=0, le=35)
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class ExistingQueue(_Model):
    """A queue or stream as it runs today."""

    name: DnsLabel
    engine: QueueEngine
    dead_letter: Bool | None = Field(default=None, description="Has a dead-letter queue.")
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class ExistingAlarm(_Model):
    """An alarm or alerting rule as it exists today."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    target: DnsLabel | None = Field(
        default=None, description="The service, store or queue it watches, when known."
    )
    metric: Annotated[str, StringConstraints(max_length=256)] | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class Existing(_Model):
    """What runs today, read from a repository by `infra-architect import`; `design`
    plans the migration from it to the design (docs/migration.md). Unset: greenfield."""

    source: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description="The repository (path) this was read from."
    )
    compute: ComputeChoice | None = Field(
        default=None, description="The compute platform the services run on today."
    )
    region: Annotated[str, StringConstraints(pattern=AWS_REGION.pattern)] | None = None
    availability_zones: Int | None = Field(default=None, ge=1, le=6)
    services: list[ExistingService] = Field(default_factory=list, max_length=MAX_SERVICES)
    datastores: list[ExistingDatastore] = Field(default_factory=list, max_length=MAX_STORES)
    queues: list[ExistingQueue] = Field(default_factory=list, max_length=MAX_STORES)
    alarms: list[ExistingAlarm] = Field(default_factory=list, max_length=1_000)
    monthly_usd: Float | None = Field(
        default=None, ge=0, le=100_000_000, description="Today's monthly bill, when known."
    )
    monthly_usd_source: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        default=None, description="Where the bill came from: a cost export, or the code's prices."
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
    observability: Observability = Field(
        default_factory=Observability,
        description="Log volume per request and log sampling (they drive the logging bill).",
    )
    budget: Budget | None = None
    cloud: Annotated[Cloud, Assumed("the system runs on AWS in us-east-1")] = Field(
        default_factory=Cloud
    )
    decisions: Decisions = Field(
        default_factory=Decisions,
        description="Pin design decisions, e.g. {compute: ecs-fargate}; unset ones are chosen.",
    )
    existing: Existing | None = Field(
        default=None,
        description="What runs today (written by `infra-architect import`); with it, `design` "
        "writes a migration plan.",
    )

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        populate_by_name=False,
        title="infra-architect Requirements (v1)",
    )

    def service(self, name: str) -> Service:
        return named(self.system.services, name, "service", where="the spec")

    def queue(self, name: str) -> Queue:
        return named(self.system.queues, name, "queue", where="the spec")
