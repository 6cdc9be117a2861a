"""A number with the arithmetic that produced it.

Every figure the engine derives carries its formula and inputs, so documents can show
the working ("(100 - 99.9) / 100 x 30 x 1440 = 43.2 min") and tests can check it.
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel, ConfigDict

PRECISION = 6
"""Decimal places kept; hides binary float noise (43.20000000000004) from outputs."""


class Figure(BaseModel):
    """A derived value, its unit, the formula, its inputs and the worked arithmetic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: str
    formula: str
    inputs: dict[str, float]
    worked: str

    @property
    def whole(self) -> int:
        """The value as a count (replicas, AZs); only meaningful for integral figures."""
        return round(self.value)

    def show(self) -> str:
        return f"{number(self.value)} {self.unit}".rstrip()


def figure(value: float, unit: str, template: str, **inputs: float) -> Figure:
    """Build a figure from ``template``, a formula with ``{name}`` for each input."""
    rounded = round(value, PRECISION)
    symbolic = template.format(**{name: name for name in inputs})
    arithmetic = template.format(**{name: number(v) for name, v in inputs.items()})
    return Figure(
        value=rounded,
        unit=unit,
        formula=symbolic,
        inputs={name: round(v, PRECISION) for name, v in inputs.items()},
        worked=f"{arithmetic} = {number(rounded)}",
    )


def product(left: float, left_name: str, right: float, right_name: str, unit: str) -> Figure:
    """The product of two named inputs; its working reads like ``1,000 × 3 = 3,000``."""
    return figure(
        left * right,
        unit,
        "{%s} × {%s}" % (left_name, right_name),  # noqa: UP031  (braces are the template)
        **{left_name: left, right_name: right},
    )


def given(value: float, unit: str, source: str) -> Figure:
    """A figure taken as stated (from the spec or a catalog), not computed."""
    rounded = round(value, PRECISION)
    return Figure(
        value=rounded, unit=unit, formula=source, inputs={}, worked=f"{number(rounded)} ({source})"
    )


def ceil_count(value: float) -> int:
    """Round a required count up, ignoring float noise just above an integer."""
    return math.ceil(round(value, PRECISION))


def share(fraction: float) -> str:
    """A share as a percentage: two decimals below 10 % (0.10%), whole above (24%)."""
    return f"{fraction * 100:.2f}%" if fraction < 0.1 else f"{fraction * 100:.0f}%"


def table_cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, for file names and ids."""
    return _SLUG.sub("-", text.lower()).strip("-")


def capital(text: str) -> str:
    """Start a sentence: the first letter upper-cased, names and figures inside kept."""
    return text[:1].upper() + text[1:]


def number(value: float) -> str:
    """Format a number for people: no trailing zeros, thousands separated."""
    rounded = round(value, PRECISION)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return f"{int(rounded):,}"
    if abs(rounded) >= 100:
        return f"{rounded:,.1f}"
    return f"{rounded:.6g}"
