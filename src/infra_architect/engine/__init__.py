"""The engine: pure functions from requirements to constraints, then to one Design.

``choose/`` holds the choosers (one Decision per concern, with its alternatives);
``assess/`` the assessments of the chosen design (its bill of materials, the spike,
fault and availability studies, the failure paths). Other packages enter here.
"""

from infra_architect._figures import Figure, capital, figure, given, number
from infra_architect.engine._accounts import (
    GITHUB_OIDC_HOST,
    AccountBootstrap,
    CiRole,
    PolicyStatement,
    ServiceLinkedRole,
    state_key,
)
from infra_architect.engine._addresses import (
    AUDIT_MODULE,
    SEPARATORS,
    queue_module,
    snake,
    store_module,
)
from infra_architect.engine._constraints import derive_constraints, derive_error_budget
from infra_architect.engine._design import design_system
from infra_architect.engine._design_checks import check_pins, design_only_checks
from infra_architect.engine._design_model import (
    AssumptionCost,
    CauseAlarm,
    Decision,
    Design,
    DodAnswer,
    EnvironmentSizing,
    FailureScenario,
    FaultStudy,
    ManifestSettings,
    Permission,
    Probes,
    QueuePlan,
    Scenario,
    ServicePlan,
    StandbySizing,
    StorePlan,
    StoreSize,
)
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
from infra_architect.engine._sensitivity import price_assumptions
from infra_architect.engine.assess import (
    BillInputs,
    bill_of_materials,
    environment_sizes,
    spike_run,
)
from infra_architect.engine.choose._compliance import COPIED_RECOVERY
from infra_architect.engine.choose._pins import ImpossiblePinError, PinProblem

__all__ = [
    "AUDIT_MODULE",
    "COPIED_RECOVERY",
    "GITHUB_OIDC_HOST",
    "SEPARATORS",
    "AccountBootstrap",
    "AssumptionCost",
    "BillInputs",
    "CapabilityFit",
    "CapacityTotals",
    "CauseAlarm",
    "CiRole",
    "Complexity",
    "Conflict",
    "Constraints",
    "CostFloor",
    "CostLine",
    "Decision",
    "Design",
    "DodAnswer",
    "EnvironmentSizing",
    "ErrorBudget",
    "FailureScenario",
    "FaultStudy",
    "Figure",
    "ImpossiblePinError",
    "ManifestSettings",
    "Permission",
    "PinProblem",
    "PolicyStatement",
    "Probes",
    "QueuePlan",
    "Recovery",
    "Scenario",
    "ServiceCapacity",
    "ServiceLinkedRole",
    "ServicePlan",
    "Severity",
    "StandbySizing",
    "StorePlan",
    "StoreSize",
    "Topology",
    "TrafficFigures",
    "bill_of_materials",
    "capital",
    "check_pins",
    "derive_constraints",
    "derive_error_budget",
    "design_only_checks",
    "design_system",
    "environment_sizes",
    "figure",
    "given",
    "number",
    "price_assumptions",
    "queue_module",
    "snake",
    "spike_run",
    "state_key",
    "store_module",
]
