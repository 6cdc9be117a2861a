"""The engine: pure functions from requirements to constraints (and, later, designs)."""

from infra_architect.engine._constraints import derive_constraints, derive_error_budget
from infra_architect.engine._figures import Figure, figure, given, number
from infra_architect.engine._model import (
    CapabilityFit,
    CapacityTotals,
    Complexity,
    Conflict,
    Constraints,
    CostFloor,
    CostLine,
    ErrorBudget,
    Recovery,
    ServiceCapacity,
    Severity,
    Topology,
    TrafficFigures,
)

__all__ = [
    "CapabilityFit",
    "CapacityTotals",
    "Complexity",
    "Conflict",
    "Constraints",
    "CostFloor",
    "CostLine",
    "ErrorBudget",
    "Figure",
    "Recovery",
    "ServiceCapacity",
    "Severity",
    "Topology",
    "TrafficFigures",
    "derive_constraints",
    "derive_error_budget",
    "figure",
    "given",
    "number",
]
