"""The output of constraint derivation: what the requirements demand of any design."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._figures import Figure
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


MultiRegionMode = Literal["none", "evaluate", "active-passive", "active-active"]


class Topology(_Out):
    region: str
    availability_zones: Figure
    regions: int
    multi_region: MultiRegionMode
    why: str


class Recovery(_Out):
    rto_minutes: Figure
    rpo_minutes: Figure
    strategy: str
    strategy_rto_minutes: float
    strategy_rpo_minutes: float
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


class CostLine(_Out):
    component: str
    monthly_usd: Figure
    note: str = ""


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
        return next(s for s in self.services if s.name == name)
