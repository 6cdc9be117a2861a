"""The ``--format json`` documents the CLI assembles from several models: constraints,
simulate, validate and ``design --dry-run``. Each is built here through a frozen model,
so the JSON Schema shipped in ``schemas/`` is generated from the code that writes it.

The commands that must start light (``review``, ``cost explain``) keep their documents in
their own packages; :mod:`infra_architect.cli._outputs` lists every one."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._documents import OutputDocument
from infra_architect.cli._design_diff import DecisionChange
from infra_architect.cost import TerraformCost
from infra_architect.engine import AssumptionCost, Constraints, Simulation
from infra_architect.validate import ToolResult


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConstraintsDocument(OutputDocument):
    """``infra-architect constraints -f json``: everything the requirements demand, each
    figure with its arithmetic, and what the bill rests on."""

    kind: Literal["Constraints"]
    spec: str = Field(description="The spec read (a path, or '-' for stdin).")
    feasible: bool
    checked_only_by_design: list[str] = Field(
        description="Requirements only `design` can check (it chooses the components)."
    )
    constraints: Constraints
    assumption_costs: list[AssumptionCost] = Field(
        description="Assumptions the bill rests on, priced at other plausible values."
    )


class SimulationDocument(OutputDocument):
    """``infra-architect simulate -f json``: availability of every request path, the
    spike against the autoscaling, faults, and the spike plots written."""

    kind: Literal["Simulation"]
    spec: str = Field(description="The spec read (a path, or '-' for stdin).")
    plots: list[str] = Field(description="The spike plots written (PNG and SVG).")
    simulation: Simulation


class ValidationDocument(OutputDocument):
    """``infra-architect validate -f json``: each real tool's result on a generated tree."""

    kind: Literal["ValidationReport"]
    ok: bool = Field(description="No tool failed (a skipped tool is not a failure).")
    tree: str
    results: list[ToolResult]


class TerraformCostDocument(OutputDocument, TerraformCost):
    """``infra-architect cost price DIR -f json`` (``cost DIR``): the Terraform root at
    DIR priced at list prices; what depends on traffic or is not known is listed."""

    kind: Literal["TerraformCost"]


class DryRunFile(_Frozen):
    """A file a real run would replace."""

    path: str
    lines_added: int
    lines_removed: int
    diff: str | None = Field(
        default=None,
        exclude_if=lambda text: text is None,
        description="Unified diff, tree's file to new file; only with --diff.",
    )


class DryRunFiles(_Frozen):
    """What a real run would do to each file of the tree."""

    added: list[str]
    changed: list[DryRunFile]
    edited: list[DryRunFile] = Field(description="Replaced although edited since written.")
    removed: list[str]
    kept: list[str] = Field(description="No longer generated but edited: left as they are.")
    blocked: list[str] = Field(description="Something other than a file stands there.")
    unchanged: int


class DryRunCostChange(_Frozen):
    """A monthly figure (USD) that would move; component "total": an environment's total."""

    environment: str
    component: str
    price_key: str
    before: float | None
    after: float | None
    delta_usd: float


class DryRunCost(_Frozen):
    total_before_usd: float | None
    total_after_usd: float | None
    changes: list[DryRunCostChange]


class DryRunDesign(_Frozen):
    """How the new design differs from the design.json the tree holds."""

    previous: bool = Field(description="False: no previous design to compare (see note).")
    note: str
    decisions: list[DecisionChange]
    cost: DryRunCost


class DryRunDocument(OutputDocument):
    """``infra-architect design --dry-run -f json``: what a run would change in the
    output tree, nothing written."""

    kind: Literal["DryRun"]
    output: str
    changes: bool
    feasible: bool
    files: DryRunFiles
    design: DryRunDesign


__all__ = [
    "ConstraintsDocument",
    "DryRunDocument",
    "SimulationDocument",
    "TerraformCostDocument",
    "ValidationDocument",
]
