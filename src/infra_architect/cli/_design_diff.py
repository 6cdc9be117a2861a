"""What changed between the design a tree holds (its design.json) and a new one: the
decisions whose choice moved, and the monthly cost, in total and per line item.

Both sides are read from design.json text, so the previous design is judged by what it
says, not by today's model: a tree written by an older version still compares. Only the
parts compared are read, through lenient models (anything else in the document is
ignored); a document that is not a design at all gives no comparison and says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, ValidationError

from infra_architect.engine import Decision

DECISION_KEYS = frozenset(Decision.model_fields)
"""An object in design.json with exactly these keys is a Decision (they sit in several
places: availability, compute, network, data, delivery, ...)."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Value(_Lenient):
    value: float


class _Line(_Lenient):
    component: str
    price_key: str
    monthly_usd: _Value


class _Environment(_Lenient):
    name: str
    lines: list[_Line]
    total_monthly_usd: _Value


class _Cost(_Lenient):
    environments: list[_Environment]
    total_monthly_usd: _Value


class _Design(_Lenient):
    cost: _Cost


class _Document(_Lenient):
    kind: str
    design: _Design


class DecisionChange(BaseModel):
    """A decision whose choice moved; ``before`` None: new, ``after`` None: gone."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    before: str | None
    after: str | None
    why: str


class CostChange(BaseModel):
    """A monthly figure (USD) that moved: an environment's line item, or its total
    (``component`` "total")."""

    model_config = ConfigDict(frozen=True)

    environment: str
    component: str
    price_key: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)


class DesignDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    previous: bool
    """False when there is no previous design to compare (``note`` says why)."""
    note: str = ""
    decisions: list[DecisionChange] = []
    total_before: float | None = None
    total_after: float | None = None
    costs: list[CostChange] = []

    @property
    def changes(self) -> bool:
        return bool(self.decisions or self.costs)


def diff_designs(before: bytes | None, after: str) -> DesignDiff:
    """Compare the design.json a tree holds (None: there is none) with a new one."""
    if before is None:
        return DesignDiff(previous=False, note="no design.json: there is no previous design")
    new_tree = json.loads(after)
    new = _Document.model_validate(new_tree)
    try:
        old_tree = json.loads(before)
        old = _Document.model_validate(old_tree)
    except (ValueError, ValidationError):
        return DesignDiff(
            previous=False, note="design.json is not a design this tool wrote; not compared"
        )
    return DesignDiff(
        previous=True,
        decisions=_decision_changes(_decisions(old_tree), _decisions(new_tree)),
        total_before=old.design.cost.total_monthly_usd.value,
        total_after=new.design.cost.total_monthly_usd.value,
        costs=_cost_changes(old.design.cost, new.design.cost),
    )


def _decisions(tree: object) -> dict[str, Decision]:
    """Every Decision in a design.json document by id, in document order."""
    found: dict[str, Decision] = {}
    for node in _objects(tree):
        if frozenset(node) == DECISION_KEYS:
            try:
                decision = Decision.model_validate(node)
            except ValidationError:
                continue
            found.setdefault(decision.id, decision)
    return found


def _objects(tree: object) -> Iterator[dict[str, object]]:
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _objects(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _objects(item)


def _decision_changes(
    before: dict[str, Decision], after: dict[str, Decision]
) -> list[DecisionChange]:
    changes: list[DecisionChange] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if new is None and old is not None:
            changes.append(
                DecisionChange(
                    id=key,
                    title=old.title,
                    before=old.selected,
                    after=None,
                    why="no longer decided by this design",
                )
            )
        elif new is not None and (old is None or old.selected != new.selected):
            changes.append(
                DecisionChange(
                    id=key,
                    title=new.title,
                    before=old.selected if old else None,
                    after=new.selected,
                    why=new.why,
                )
            )
    return changes


def _figures(cost: _Cost) -> dict[tuple[str, str, str], float]:
    """Each environment's total and line items, USD/month (items of one key summed)."""
    figures: dict[tuple[str, str, str], float] = {}
    for environment in cost.environments:
        figures[(environment.name, TOTAL, "")] = environment.total_monthly_usd.value
        for line in environment.lines:
            key = (environment.name, line.component, line.price_key)
            figures[key] = figures.get(key, 0.0) + line.monthly_usd.value
    return figures


TOTAL = "total"
"""The component name a :class:`CostChange` of an environment's total carries."""
CENT = 0.005
"""Moves under half a cent are rounding, not a change."""


def _totals_first(key: tuple[str, str, str]) -> tuple[str, bool, str, str]:
    """Each environment's total, then its line items by name."""
    environment, component, price_key = key
    return (environment, component != TOTAL, component, price_key)


def _cost_changes(before: _Cost, after: _Cost) -> list[CostChange]:
    old, new = _figures(before), _figures(after)
    return [
        CostChange(
            environment=key[0],
            component=key[1],
            price_key=key[2],
            before=old.get(key),
            after=new.get(key),
        )
        for key in sorted(old.keys() | new.keys(), key=_totals_first)
        if key not in old or key not in new or abs(old[key] - new[key]) >= CENT
    ]
