"""The cost model: usage priced at a dated catalog, commitments, levers, the growth curve
and the budget check; pricing an existing Terraform tree; explaining a bill's change."""

from infra_architect.cost._explain import (
    Explanation,
    Mover,
    explain,
    explanation_json,
    levers_for,
)
from infra_architect.cost._export import (
    ExportError,
    ExportLimits,
    ExportTotals,
    RowNote,
    aggregate,
    read_export,
)
from infra_architect.cost._model import (
    BudgetCheck,
    Category,
    Commitment,
    CommitmentOption,
    CostModel,
    EnvironmentCost,
    GrowthPoint,
    Lever,
    LineItem,
    Usage,
)
from infra_architect.cost._price import (
    build_cost_model,
    catalog_levers,
    check_budget,
    commitment_options,
    environment_cost,
    price_line,
    total,
)

__all__ = [
    "BudgetCheck",
    "Category",
    "Commitment",
    "CommitmentOption",
    "CostModel",
    "EnvironmentCost",
    "Explanation",
    "ExportError",
    "ExportLimits",
    "ExportTotals",
    "GrowthPoint",
    "Lever",
    "LineItem",
    "Mover",
    "RowNote",
    "Usage",
    "aggregate",
    "build_cost_model",
    "catalog_levers",
    "check_budget",
    "commitment_options",
    "environment_cost",
    "explain",
    "explanation_json",
    "levers_for",
    "price_line",
    "read_export",
    "total",
]
