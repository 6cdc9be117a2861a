"""A number with the arithmetic that produced it.

Every figure the engine derives carries its formula and inputs, so documents can show
the working ("(100 - 99.9) / 100 x 30 x 1440 = 43.2 min") and tests can check it.
"""

from __future__ import annotations

import functools
import math
import re

from pydantic import BaseModel, ConfigDict

PRECISION = 6
"""Decimal places a count is rounded to before it is rounded up (:func:`ceil_count`)."""
SIGNIFICANT = 12
"""Significant digits a figure keeps: hides binary float noise (43.20000000000004) and,
unlike rounding to a fixed number of decimals, keeps the figures built from it exact to
what a document shows (0.216667 x 18 printed 3.90001; 0.216666666667 x 18 is 3.9)."""
SHOWN = 6
"""Significant digits a document shows at most (a whole number shows all of its own)."""


def exact(value: float) -> float:
    """``value`` to :data:`SIGNIFICANT` digits: what a figure stores."""
    return float(f"{value:.{SIGNIFICANT}g}") if math.isfinite(value) else value


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
    rounded = exact(value)
    symbolic = template.format(**{name: name for name in inputs})
    arithmetic = template.format(**{name: number(v) for name, v in inputs.items()})
    return Figure(
        value=rounded,
        unit=unit,
        formula=symbolic,
        inputs={name: exact(v) for name, v in inputs.items()},
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
    rounded = exact(value)
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


@functools.lru_cache(maxsize=1 << 16)
def number(value: float) -> str:
    """Format a number for people: at most :data:`SHOWN` significant digits (a whole
    number keeps its own), no trailing zeros, thousands separated. Pure, and the same
    figures recur through a design (a 500-service design formats ~100,000 numbers):
    remembered. Values that compare equal (1 and 1.0, 0.0 and -0.0) print alike."""
    whole = exact(value)
    if whole == int(whole) and abs(whole) < 1e15:
        return f"{int(whole):,}"
    shown = float(f"{whole:.{SHOWN}g}")
    if shown == int(shown) and abs(shown) < 1e15:
        return f"{int(shown):,}"
    if abs(shown) >= 100:
        # one decimal at most (money, GB): 22,425.6, but 2,628,000 rather than 2,628,000.4
        decimals = min(1, max(0, SHOWN - len(str(int(abs(shown))))))
        return f"{shown:,.{decimals}f}"
    return f"{shown:.{SHOWN}g}"


def duration(minutes: float) -> str:
    """Minutes as people say them: seconds below a minute (an async replica's RPO)."""
    return f"{number(round(minutes * 60))} s" if 0 < minutes < 1 else f"{number(minutes)} min"
