"""The migration plan's model (``Design.migration``), apart from the planner so the
Design can carry it without importing the planner (which reads the Design)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Stage = Literal["observability", "capacity", "data", "platform", "decommission"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathFigures(_Out):
    """The worst entry path's simulated month in one state of the migration."""

    path: str
    downtime_minutes: float = Field(description="Closed-form mean downtime per 30 days.")
    p90_minutes: float = Field(description="Monte Carlo: 90th percentile monthly downtime.")
    months_within_budget: float = Field(description="Monte Carlo: share within the budget.")
    budget_minutes: float


class StepRisk(_Out):
    level: Literal["low", "medium", "high"]
    what_can_go_wrong: str
    rollback: str


class MigrationStep(_Out):
    """One pull request: what changes, why, and its simulated effect, cost and risk."""

    number: int
    id: str
    stage: Stage
    title: str
    changes: list[str]
    files: list[str] = Field(description="Files of the generated tree this step applies.")
    why: str = Field(description="The design decision it implements.")
    evidence: list[str] = Field(description="Where today's fact was read (file:line).")
    depends_on: list[str] = Field(description="Steps that must be live first.")
    before: PathFigures
    after: PathFigures
    monthly_usd: float | None = Field(description="Added to prod's bill (None: not priced).")
    cost_worked: str
    risk: StepRisk


class KnownFact(_Out):
    """A fact of today's system: as designed, or unknown (to verify)."""

    subject: str
    fact: str
    evidence: list[str]


class MigrationPlan(_Out):
    """docs/migration.md: the steps from what runs today to the design."""

    source: str
    today_monthly_usd: float | None
    today_monthly_usd_source: str | None
    designed_monthly_usd: float = Field(description="The design's prod bill.")
    start: PathFigures = Field(description="Today, simulated.")
    end: PathFigures = Field(description="After every step, simulated.")
    steps: list[MigrationStep]
    as_designed: list[KnownFact]
    unknown: list[KnownFact]
    alarm_grouping: str
    unalarmed_detection_minutes: float = Field(
        description="Simulated: an outage of what the design alarms on and today does not "
        "lasts this much longer (nobody is paged)."
    )
