"""What the cost model reads (usage) and what it reports (priced lines, levers, curve)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._figures import Figure
from infra_architect.errors import named

Category = Literal[
    "compute",
    "control-plane",
    "database",
    "cache",
    "search",
    "messaging",
    "network",
    "storage",
    "observability",
    "security",
    "recovery",
]

Commitment = Literal["steady", "variable", "interruptible", "usage"]
"""How a quantity is consumed, which decides how it should be bought:
``steady`` runs all month at this size (commit to it); ``variable`` is autoscaled above
the steady part (on-demand); ``interruptible`` tolerates losing capacity at two minutes'
notice (Spot); ``usage`` is billed per request or GB (nothing to commit)."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Usage(_Out):
    """One billable quantity a month, in the unit of its price item."""

    component: str
    category: Category
    price_key: str
    quantity: Figure
    commitment: Commitment
    traffic_scaled: bool = Field(description="Grows with traffic along the growth curve.")
    workload: str = Field(
        default="",
        description="The service or store it serves (levers: Spot for workers, schedules).",
    )
    note: str = ""


class LineItem(_Out):
    component: str
    category: Category
    price_key: str
    quantity: Figure
    unit: str
    unit_usd: float
    monthly_usd: Figure
    commitment: Commitment
    workload: str = ""
    note: str = ""


class EnvironmentCost(_Out):
    name: str
    lines: list[LineItem]
    total_monthly_usd: Figure


class CommitmentOption(_Out):
    """How a steady (or interruptible) line should be bought, and what that saves."""

    environment: str
    component: str
    on_demand_usd: float
    recommended: str
    recommended_usd: float
    saving_usd: Figure
    risk: str


LeverKind = Literal["right-size", "commercial"]
"""Right-sizing changes what runs (shape, schedule); a commercial lever changes how the
same thing is bought (commitments, Spot, a cheaper storage class). Levers that rest on
the spec's assumptions come before both, from the design (engine: assumption costs)."""


class Lever(_Out):
    """A change that lowers the bill, what it saves, and what it does to reliability."""

    id: str
    environment: str
    component: str
    action: str
    saving_usd: Figure
    reliability: str = Field(description="'none', or what the change costs in resilience.")
    kind: LeverKind = "commercial"


class GrowthPoint(_Out):
    month: int
    average_rps: float
    prod_monthly_usd: float
    total_monthly_usd: float
    within_budget: bool | None


class BudgetCheck(_Out):
    budget_monthly_usd: float
    total_monthly_usd: float
    within_budget: bool
    gap_usd: float = Field(description="Over the budget by (0 when within it).")
    closing_levers: list[str] = Field(
        description="Lever ids, largest saving first, that together close the gap."
    )
    closed_usd: float = Field(description="What those levers save together.")
    closes_gap: bool
    first_month_over: int | None = Field(
        description="The first month on the growth curve over budget (None: never)."
    )


class CostModel(_Out):
    """The design's monthly bill: per environment and component, along the growth curve."""

    region: str
    priced_region: str
    catalog_version: int
    prices_as_of: str
    environments: list[EnvironmentCost]
    total_monthly_usd: Figure
    largest: LineItem
    largest_share: float = Field(description="Of prod's monthly total, 0-1.")
    commitments: list[CommitmentOption]
    levers: list[Lever]
    growth: list[GrowthPoint]
    budget: BudgetCheck | None
    assumptions: list[str]

    def environment(self, name: str) -> EnvironmentCost:
        return named(self.environments, name, "priced environment", where="the cost model")
