"""What each pinnable decision could be instead, priced: the choices a phase-by-phase
design offers the user, read from the engine rather than decided by the CLI.

Every value of a pinnable field (``decisions.compute`` and the others) is tried as a pin
on the spec: one that cannot hold says why (the choosers' own pin checks), one that can
is priced as prod's monthly bill from the design's choosers (``prod_bill``, the same
pipeline the assumption scenarios use), so the options compare like with like.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from infra_architect.catalog import Catalog
from infra_architect.engine._constraints import derive_constraints
from infra_architect.engine._design_checks import check_pins
from infra_architect.engine._design_model import Decision, Design
from infra_architect.engine._sensitivity import prod_bill
from infra_architect.engine.choose._pins import ImpossiblePinError
from infra_architect.spec import (
    ComputeChoice,
    DeploymentChoice,
    NatChoice,
    Requirements,
    TopologyChoice,
)

PINNABLE: dict[str, type[StrEnum]] = {
    "topology": TopologyChoice,
    "compute": ComputeChoice,
    "nat": NatChoice,
    "deployment": DeploymentChoice,
}
"""The ``decisions`` fields a spec may pin, with the values each accepts."""


class PinOption(BaseModel):
    """One value a pinnable decision may take."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str
    chosen: bool
    prod_monthly_usd: float | None = None
    """Prod's bill with this value pinned; ``None`` when it cannot hold."""
    cannot: str = ""
    """Why the pin cannot hold ("" when it can)."""


class PinChoice(BaseModel):
    """A pinnable decision as designed, and every value it could be pinned to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    decision: Decision
    pinned: bool
    options: list[PinOption]

    @property
    def chosen(self) -> str:
        return next(o.value for o in self.options if o.chosen)


def chosen_value(design: Design, field: str) -> str:
    """The value ``field`` has in ``design`` (the pin, or what the design chose)."""
    if field == "topology":
        return design.constraints.topology.name
    if field == "compute":
        return design.compute.platform.value
    if field == "nat":
        return design.network.nat_decision.selected
    if field == "deployment":
        return design.delivery.strategy
    raise KeyError(field)


def _decision(design: Design, field: str) -> Decision:
    return {
        "topology": design.availability.decision,
        "compute": design.compute.decision,
        "nat": design.network.nat_decision,
        "deployment": design.delivery.decision,
    }[field]


def with_pin(req: Requirements, field: str, value: str) -> Requirements:
    """``req`` with ``decisions.<field>`` pinned to ``value``."""
    choice = PINNABLE[field](value)
    return req.model_copy(update={"decisions": req.decisions.model_copy(update={field: choice})})


def pin_choice(req: Requirements, catalog: Catalog, design: Design, field: str) -> PinChoice:
    """``field``'s decision in ``design`` and every value it could be pinned to, priced."""
    chosen = chosen_value(design, field)
    options: list[PinOption] = []
    for value in PINNABLE[field]:
        pinned = with_pin(req, field, value.value)
        constraints = derive_constraints(pinned, catalog)
        try:
            check_pins(pinned, constraints, catalog)
        except ImpossiblePinError as exc:
            reason = "; ".join(p.reason for p in exc.problems)
            options.append(PinOption(value=value.value, chosen=False, cannot=reason))
            continue
        options.append(
            PinOption(
                value=value.value,
                chosen=value.value == chosen,
                prod_monthly_usd=prod_bill(pinned, catalog, constraints),
            )
        )
    return PinChoice(
        field=f"decisions.{field}",
        decision=_decision(design, field),
        pinned=getattr(req.decisions, field) is not None,
        options=options,
    )
