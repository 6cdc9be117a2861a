"""What ``design`` checks beyond the constraints, for the commands that stop at them:
``constraints`` must not call feasible what ``design`` then refuses without saying so."""

from __future__ import annotations

from infra_architect._figures import number
from infra_architect.catalog import Catalog
from infra_architect.engine._model import Constraints
from infra_architect.engine.choose._availability import check_topology_pin
from infra_architect.engine.choose._compute import check_compute_pin
from infra_architect.spec import Requirements


def check_pins(req: Requirements, constraints: Constraints, catalog: Catalog) -> None:
    """Raise :class:`ImpossiblePinError` when a pinned decision cannot hold: the checks
    ``design_system`` makes while choosing, in the same order."""
    check_topology_pin(req, constraints)
    check_compute_pin(req, constraints, catalog)


def design_only_checks(req: Requirements, constraints: Constraints) -> list[str]:
    """Checks only a design can make, that may still fail a spec these constraints
    call feasible (each one sentence, for the ``constraints`` report)."""
    checks: list[str] = []
    floor = constraints.cost_floor.total_monthly_usd.value
    if req.budget is not None and req.budget.monthly_usd >= floor:
        checks.append(
            f"budget: ${number(req.budget.monthly_usd)}/month covers the cost floor "
            f"(${number(floor)}/month, the cheapest topology); `design` prices the whole "
            "design (prod and staging, data transfer, observability) and exits 1 if that "
            "costs more"
        )
    return checks
