"""The output of constraint derivation: what the requirements demand of any design."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._figures import Figure
from infra_architect.errors import named
from infra_architect.spec import Assumption, ServiceType


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Conflict(_Out):
    """Requirements that cannot all hold, or hold only at a price the user must see."""

    id: str
    severity: Severity
    title: str
    detail: str
    fix: str
    fields: list[str]


class ErrorBudget(_Out):
    slo: float
    per_30_days: Figure
    per_year: Figure
    per_deploy: Figure | None = Field(
        description="Budget each deploy may spend if deploys were the only failures."
    )


class TrafficFigures(_Out):
    average_rps: Figure
    peak_rps: Figure
    spike_rps: Figure
    growth_average_rps: Figure
    growth_peak_rps: Figure
    growth_months: int | None
    monthly_growth_rate: Figure | None


LoadUnit = Literal["requests/s", "messages/s", "runs"]


class ServiceCapacity(_Out):
    """What one service needs: its load, its replica bounds and why each bound."""

    name: str
    type: ServiceType
    load_unit: LoadUnit
    load_factor: Figure
    average_load: Figure
    peak_load: Figure
    spike_load: Figure
    growth_peak_load: Figure
    cpu_ms_per_request: Figure
    vcpu_per_replica: Figure
    memory_mb_per_replica: Figure
    load_per_replica: Figure
    replicas_average: Figure
    replicas_peak: Figure
    replicas_spike: Figure
    replicas_growth_peak: Figure
    availability_floor: Figure
    min_replicas: Figure
    max_replicas: Figure
    replicas_to_survive_az_loss: Figure | None
    spike_headroom: Figure | None
    vcpu_min: Figure
    vcpu_max: Figure
    memory_gb_min: Figure
    memory_gb_max: Figure


class CapacityTotals(_Out):
    vcpu_min: Figure
    vcpu_max: Figure
    memory_gb_min: Figure
    memory_gb_max: Figure


MultiRegionMode = Literal["none", "active-passive", "active-active"]
TopologyName = Literal["single-region", "active-passive", "active-active"]


class CostLine(_Out):
    component: str
    monthly_usd: Figure
    note: str = ""


class DowntimeContributor(_Out):
    """One part of a request path, by the downtime it adds to a month on average."""

    component: str
    minutes_per_month: float = Field(description="(1 - its availability) × a month's minutes.")
    fix: str = Field(description="What takes its outages off the request path (catalog).")


class TopologyCandidate(_Out):
    """One topology the availability Monte Carlo ran: its recovery region, its price at
    the cost floor's list prices, and its share of simulated months within the budget."""

    name: TopologyName
    standby_compute: str
    data_replication: str
    label: str
    region_outage_minutes: float = Field(
        description="A region-wide outage ends after at most this long (its recovery)."
    )
    monthly_usd: Figure = Field(description="The recovery region at floor prices.")
    months_within_budget: float = Field(
        description="Share of simulated months within the error budget (worst entry path)."
    )
    mean_availability: float = Field(description="Mean simulated availability (worst path).")
    available: bool
    why_unavailable: str = ""
    within_team: bool
    meets: bool
    contributors: list[DowntimeContributor]


class Topology(_Out):
    region: str
    availability_zones: Figure
    regions: int
    multi_region: MultiRegionMode
    why: str
    name: TopologyName
    standby_compute: str = Field(description="The recovery region's compute (see Recovery).")
    months_within_budget: float = Field(
        description="Share of simulated months a topology must keep within the error "
        "budget to meet the SLO (catalog: policy.months_within_budget)."
    )
    candidates: list[TopologyCandidate]
    meets_threshold: bool
    pinned: bool

    @property
    def chosen(self) -> TopologyCandidate:
        return next(
            c
            for c in self.candidates
            if c.name == self.name and c.standby_compute == self.standby_compute
        )


class RecoveryOption(_Out):
    """One combination of data replication and standby compute, priced."""

    data_replication: str
    standby_compute: str
    rpo_minutes: float
    rto_minutes: float
    monthly_usd: Figure
    meets: bool
    why_unavailable: str | None = Field(
        default=None,
        description="Why the generator cannot build this combination for the design "
        "(never chosen); null when it can.",
    )


class Recovery(_Out):
    rto_minutes: Figure
    rpo_minutes: Figure
    rpo_scope: Literal["zone", "region"]
    data_replication: str = Field(description="backup-copy | async-replica (sets the RPO).")
    standby_compute: str = Field(
        description="none | pilot-light | warm-standby | hot-standby (sets the RTO)."
    )
    standby_share: float = Field(
        description="Share of the primary's compute running in the recovery region."
    )
    standby_network: bool = Field(
        description="Whether the recovery region's network and load balancer run."
    )
    strategy: str = Field(description="The two choices in words.")
    strategy_rto_minutes: float
    strategy_rpo_minutes: float
    lines: list[CostLine] = Field(description="The recovery region at floor prices.")
    monthly_usd: Figure
    options: list[RecoveryOption] = Field(
        description="Every combination, priced: the table the choice was made from."
    )
    why: str
    meets_stated: bool
    needs_second_region: bool
    in_region_failover_minutes: Figure


class CapabilityFit(_Out):
    name: str
    title: str
    kind: Literal["compute", "topology", "data", "network"]
    within_reach: bool
    shortfalls: list[str]


class Complexity(_Out):
    """What this team can realistically operate."""

    compute_ceiling: str
    capabilities: list[CapabilityFit]
    on_call_people: int
    on_call_minimum: int
    sustainable_on_call: bool
    why: str

    def allows(self, capability: str) -> bool:
        return any(c.name == capability and c.within_reach for c in self.capabilities)

    def capability(self, name: str) -> CapabilityFit:
        return named(self.capabilities, name, "capability fit", where="the complexity study")


class CostFloor(_Out):
    """The cheapest monthly bill of any topology that meets the SLO: a lower bound."""

    lines: list[CostLine]
    total_monthly_usd: Figure
    prices_as_of: str
    price_region: str
    note: str


class Constraints(_Out):
    """Everything the requirements demand, each figure with its arithmetic."""

    name: str
    error_budget: ErrorBudget
    traffic: TrafficFigures
    services: list[ServiceCapacity]
    totals: CapacityTotals
    topology: Topology
    recovery: Recovery
    complexity: Complexity
    cost_floor: CostFloor
    conflicts: list[Conflict]
    assumptions: list[Assumption]

    @property
    def feasible(self) -> bool:
        return not any(c.severity is Severity.ERROR for c in self.conflicts)

    def service(self, name: str) -> ServiceCapacity:
        return named(self.services, name, "service capacity", where="the constraints")
