"""Defaults the user did not state, recorded as named assumptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from infra_architect.spec._locate import Loc, format_path
from infra_architect.spec._models import Assumed


class Assumption(BaseModel):
    """A default that was applied: which field, what value, why, and where it applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    value: str
    reason: str
    applies_to: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class AppliedDefault:
    loc: Loc
    value: str
    reason: str
    owner: str


def assumed_marker(model: type[BaseModel], field: str) -> Assumed | None:
    info = model.model_fields[field]
    return next((m for m in info.metadata if isinstance(m, Assumed)), None)


def assumed_reason(model: type[BaseModel], field: str) -> str | None:
    """The reason attached to a field's default, if its default is an assumption."""
    marker = assumed_marker(model, field)
    return marker.reason if marker else None


def spec_assumptions(model: BaseModel) -> list[Assumption]:
    """Every static default in ``model`` the user left unset, grouped, in field order.

    Defaults of ``None`` are resolved (and recorded) by the engine, which knows the value
    that replaces them; a defaulted sub-model is one assumption, not many. The same
    default on many list items (every service's protocol) is one assumption naming them.
    """
    return group_assumptions(spec_defaults(model))


def spec_defaults(model: BaseModel) -> list[AppliedDefault]:
    """The static defaults applied to ``model``, ungrouped (see :func:`spec_assumptions`)."""
    return _walk(model, (), "")


def group_assumptions(found: list[AppliedDefault]) -> list[Assumption]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for item in found:
        key = (_pattern(item.loc), item.value, item.reason)
        owners = groups.setdefault(key, [])
        if item.owner:
            owners.append(item.owner)
    return [
        Assumption(field=field, value=value, reason=reason, applies_to=owners)
        for (field, value, reason), owners in groups.items()
    ]


def found(loc: Loc, value: object, reason: str, owner: str = "") -> AppliedDefault:
    """One applied default, for the engine to add to the same grouping."""
    return AppliedDefault(loc=loc, value=display(value), reason=reason, owner=owner)


def _walk(model: BaseModel, loc: Loc, owner: str) -> list[AppliedDefault]:
    out: list[AppliedDefault] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        key = info.alias or name
        if name not in model.model_fields_set:
            marker = assumed_marker(type(model), name)
            relevant = marker is not None and (marker.applies is None or marker.applies(model))
            if marker is not None and relevant and value is not None:
                out.append(found((*loc, key), value, marker.reason, owner))
            continue
        if isinstance(value, BaseModel):
            out.extend(_walk(value, (*loc, key), owner))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = _label(item)
                    child_owner = f"{owner} -> {label}" if owner and label else label or owner
                    out.extend(_walk(item, (*loc, key, index), child_owner))
    return out


def _label(item: BaseModel) -> str:
    for attribute in ("name", "service"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return ""


def _pattern(loc: Loc) -> str:
    return re.sub(r"\[\d+\]", "[*]", format_path(loc))


def display(value: object) -> str:
    """A value as a user would write it in the spec."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, BaseModel):
        parts = [
            f"{(info.alias or name)}: {display(getattr(value, name))}"
            for name, info in type(value).model_fields.items()
            if getattr(value, name) is not None
        ]
        return "{" + ", ".join(parts) + "}"
    return str(value)
