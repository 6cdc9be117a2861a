"""The values of Terraform expressions, and how far evaluating them may go.

A value only known at plan or apply time is :data:`UNKNOWN`. So is a value past the
evaluation's bounds: a file of a few kilobytes can ask for a string of a terabyte
(locals that each double the one before), a list of a hundred million numbers
(``range(100000000)``) or a structure nested five hundred deep. Evaluation stops at
:class:`Bounds` (sizes, nesting, a deadline), the value is UNKNOWN, and the
:class:`Budget` keeps a note of which bound was reached where, so the report says what
was not evaluated instead of hanging, running out of memory or crashing.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal


class Unknown:
    """A value that depends on something only known at plan or apply time."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Bounds:
    """How large a value and how long an evaluation may get. Real configurations stay
    far below these (a policy document is kilobytes, a ``for_each`` hundreds of keys)."""

    max_string: int = 1 << 20
    """Characters in one string."""
    max_items: int = 50_000
    """Elements of one list or map."""
    max_depth: int = 32
    """Nesting: of a value, and of references followed from one expression."""
    max_cells: int = 1_000_000
    """Elements built by one graph's evaluation in all, a string counting one per
    :data:`STRING_CELL` characters: bounds time (an element is built by Python, a string
    by C) and memory when every value stays below the other bounds."""
    max_notes: int = 20
    """Notes kept; past that, a count."""


STRING_CELL = 64
"""Characters of a string that cost as much as one element of a list."""
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?")
_MAX_INT_DIGITS = 300
"""Past this an integer becomes a float: Terraform's numbers carry 512 bits of precision,
and an arbitrarily long integer costs time with every operation."""
_MAX_INT_BITS = 1100


def number(text: str) -> int | float | Unknown | None:
    """The value of an HCL numeric literal (``3``, ``0.5``, ``1e3``, ``1.5E-2``): an int
    when it is whole and not huge, else a float; UNKNOWN past what a float holds
    (``1e400`` is valid Terraform, and no infinity may reach a bill); None when ``text``
    is not a numeric literal at all."""
    if _NUMBER.fullmatch(text) is None:
        return None
    if len(text) > 1000:  # Decimal of a very long text costs more than it is worth
        return bounded_number(float(text))
    exact = Decimal(text)
    if exact == exact.to_integral_value() and exact.adjusted() < _MAX_INT_DIGITS:
        return int(exact)
    return bounded_number(float(exact))


def bounded_number(value: int | float) -> int | float | Unknown:
    """A number, or UNKNOWN when it has grown past any real figure: an integer squared
    again and again (its digits double each time), a float overflowed to infinity."""
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return UNKNOWN
    if isinstance(value, float) and not math.isfinite(value):
        return UNKNOWN
    return value


@dataclass
class Budget:
    """One graph's evaluation spending against its :class:`Bounds` and deadline.

    The evaluator asks it before building a value (:meth:`admit`) and at each step
    (:meth:`expired`); a refused value is UNKNOWN and noted with what was being
    evaluated (:meth:`subject`), so the note names the file and line."""

    bounds: Bounds = field(default_factory=Bounds)
    deadline: float | None = None
    """On ``clock``; None: no time limit."""
    clock: Callable[[], float] = time.monotonic
    cells: int = 0
    notes: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _dropped: int = 0
    _subjects: list[str] = field(default_factory=list)
    fallback: str = ""
    """What is being evaluated when no :meth:`subject` says (the module, at least)."""
    _ticks: int = 0
    _expired: bool = False

    @contextmanager
    def subject(self, where: str) -> Iterator[None]:
        """What is being evaluated (``main.tf:12 local.name``), for the notes."""
        self._subjects.append(where)
        try:
            yield
        finally:
            self._subjects.pop()

    def note(self, reason: str) -> None:
        where = self._subjects[-1] if self._subjects else self.fallback
        text = f"{where}: {reason}" if where else reason
        if text in self._seen:
            return
        self._seen.add(text)
        if len(self.notes) < self.bounds.max_notes:
            self.notes.append(text)
        else:
            self._dropped += 1

    def summary(self) -> list[str]:
        """The notes, with a count of those left out."""
        more = [f"and {self._dropped} more values not evaluated"] if self._dropped else []
        return [*self.notes, *more]

    def expired(self) -> bool:
        """Whether the deadline has passed (checked every few steps: the clock is the
        expensive part of a step)."""
        if self._expired:
            return True
        self._ticks += 1
        if self.deadline is None or self._ticks & 0xFF != 1:
            return False
        if self.clock() > self.deadline:
            self._expired = True
            self.note("time limit reached: this and every later value is unknown")
        return self._expired

    def admit(self, value: object) -> object:
        """``value`` when it is within the bounds, else UNKNOWN (noted)."""
        if isinstance(value, str):
            size = len(value)
            if size > self.bounds.max_string:
                self.note(f"a string of {size:,} characters, over {self.bounds.max_string:,}")
                return UNKNOWN
            size = size // STRING_CELL + 1
        elif isinstance(value, list | dict):
            size = len(value)
            if size > self.bounds.max_items:
                self.note(f"a collection of {size:,} elements, over {self.bounds.max_items:,}")
                return UNKNOWN
        else:
            return value
        return value if self.spend(size) else UNKNOWN

    def spend(self, cells: int) -> bool:
        """Charge ``cells`` about to be built; False (noted) when the graph's evaluation
        has built too much in all."""
        self.cells += cells
        if self.cells > self.bounds.max_cells:
            self.note(f"evaluation built over {self.bounds.max_cells:,} elements in all")
            return False
        return True

    def too_deep(self, depth: int) -> bool:
        if depth > self.bounds.max_depth:
            self.note(f"nested or referenced deeper than {self.bounds.max_depth} levels")
            return True
        return False


def nesting(value: object, limit: int) -> int:
    """How deeply ``value`` nests, counted up to ``limit + 1`` (without recursion: a
    value may come from a plan nested far deeper than Python's stack)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return deepest
