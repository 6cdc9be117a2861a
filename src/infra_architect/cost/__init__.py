"""The cost model: usage priced at a dated catalog, commitments, levers, the growth curve
and the budget check; pricing an existing Terraform tree; explaining a bill's change."""

from infra_architect.cost._explain import (
    Explanation,
    ExplanationDocument,
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
from infra_architect.cost._refresh import (
    RefreshResult,
    dump_price_catalog,
    read_price_catalog,
    refresh_catalog,
)
from infra_architect.cost._terraform import TerraformCost, TreeFiles, price_graph, price_terraform

__all__ = [
    "BudgetCheck",
    "Category",
    "Commitment",
    "CommitmentOption",
    "CostModel",
    "EnvironmentCost",
    "Explanation",
    "ExplanationDocument",
    "ExportError",
    "ExportLimits",
    "ExportTotals",
    "GrowthPoint",
    "Lever",
    "LineItem",
    "Mover",
    "RefreshResult",
    "RowNote",
    "TerraformCost",
    "TreeFiles",
    "Usage",
    "aggregate",
    "build_cost_model",
    "catalog_levers",
    "check_budget",
    "commitment_options",
    "dump_price_catalog",
    "environment_cost",
    "explain",
    "explanation_json",
    "levers_for",
    "price_graph",
    "price_line",
    "price_terraform",
    "read_export",
    "read_price_catalog",
    "refresh_catalog",
    "total",
]
