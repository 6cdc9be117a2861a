"""What `import` found in a repository, each fact with where it was read.

Readers (Kubernetes, Terraform, a cost export) each return `Findings`; `merged` joins
them; the spec writer turns the result into a draft `infra-architect/v1` document whose
inferred fields carry their evidence as comments. Nothing here guesses what the code
does not say: an unknown stays None.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: a repository-relative path and a 1-based line (0: the file)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class FoundLink:
    """A call or a use: the name it points at (a service, store or queue) and why."""

    target: str
    evidence: Evidence


@dataclass(frozen=True)
class FoundService:
    name: str
    type: str  # web | api | worker | cron (spec.ServiceType values)
    evidence: Evidence
    public: bool = False
    port: int | None = None
    protocol: str | None = None  # http | grpc
    schedule: str | None = None
    memory_mb: int | None = None
    cpu: float | None = None
    health_check_path: str | None = None
    replicas: int | None = None
    max_replicas: int | None = None
    calls: tuple[FoundLink, ...] = ()
    uses: tuple[FoundLink, ...] = ()
    platform: str | None = None  # spec.ComputeChoice value it runs on, when known
    exposure: Evidence | None = None  # what makes it web/public (an Ingress, a load balancer)
    replicas_evidence: Evidence | None = None  # where the floor was read (an HPA, replicas)
    # where else it was read (a workload and its task definition): merged keeps them all
    more_evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class FoundStore:
    name: str
    engine: str  # spec.DatastoreEngine value
    evidence: Evidence
    role: str | None = None
    storage_gb: float | None = None
    instance_class: str | None = None
    multi_az: bool | None = None
    replicas: int | None = None
    backup_retention_days: int | None = None


@dataclass(frozen=True)
class FoundQueue:
    name: str
    engine: str  # spec.QueueEngine value
    evidence: Evidence
    dead_letter: bool | None = None


@dataclass(frozen=True)
class FoundAlarm:
    name: str
    evidence: Evidence
    target: str | None = None
    metric: str | None = None


@dataclass(frozen=True)
class Unread:
    """A file or directory import could not read, and why: never silently "nothing"."""

    path: str
    reason: str


@dataclass(frozen=True)
class Findings:
    services: tuple[FoundService, ...] = ()
    datastores: tuple[FoundStore, ...] = ()
    queues: tuple[FoundQueue, ...] = ()
    alarms: tuple[FoundAlarm, ...] = ()
    region: tuple[str, Evidence] | None = None
    availability_zones: tuple[int, Evidence] | None = None
    monthly_usd: tuple[float, str] | None = None  # the bill and where it came from
    unread: tuple[Unread, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what was seen but not mapped, and why
    # left out on purpose with nothing lost: a kustomize patch is read through the overlay
    # that builds it, a chart's template through the chart, a directory reached twice once
    read_elsewhere: tuple[str, ...] = field(default=())
