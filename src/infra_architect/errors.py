"""Exceptions raised by infra-architect.

::

    InfraArchitectError            anything the tool reports instead of a traceback
     +-- SpecError                 the spec cannot be read or is invalid (exit code 2)
     |    +-- MissingInputsError   inputs an architect must not guess are absent
     |    +-- ReviewInputError     a review's suppressions file or baseline is invalid
     +-- ImpossiblePinError        a decision pinned in the spec cannot hold (engine;
     |                             reported as a SpecError at the pin's line)
     +-- InterviewAbortedError     the user's answers ended before every question
     +-- OutputConflictError       a write would overwrite a file the user edited
     +-- UnsafeOutputError, OutputBusyError, OutputWriteError   the output directory
     +-- ExportError               a cost export cannot be read
     +-- InternalError             the tool broke its own invariant: a bug (exit code 70)
          +-- DesignLookupError    a name looked up in a design is not there
          +-- UnbuildableDesignError   a design no generated module builds

Every input error renders to a message that names the file, the line, the field, the
bad value and the fix; the CLI prints it and exits with code 2. An InternalError is
printed as a bug to report, with exit code 70.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


class InfraArchitectError(Exception):
    """Base class: an error the CLI turns into a clear message, never a traceback."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    field: str
    message: str
    fix: str
    line: int | None = None
    column: int | None = None

    def render(self, source: str) -> str:
        where = source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return f"{head}\n  fix: {self.fix}"


class SpecError(InfraArchitectError):
    """The spec cannot be used as given; carries every problem found, in file order."""

    what = "the requirements spec"

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = tuple(sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.field)))
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        body = "\n".join(p.render(self.source) for p in self.problems)
        return f"{self.source}: {count} {noun} in {self.what}\n{body}"


class ReviewInputError(SpecError):
    """A review's own input (suppressions file, baseline) cannot be used as given."""

    what = "the review input"


class OutputConflictError(InfraArchitectError):
    """Refused to overwrite files the user edited since they were generated."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = tuple(sorted(paths))
        listed = "\n".join(f"  {p}" for p in self.paths)
        super().__init__(
            "refusing to overwrite files edited since they were generated:\n"
            f"{listed}\n  fix: keep your edits elsewhere, or re-run with --force to replace them"
        )


class InterviewAbortedError(InfraArchitectError):
    """Input ended (or was interrupted) before every question was answered."""

    def __init__(self) -> None:
        super().__init__(
            "the interview ended before every question was answered; nothing was written\n"
            "  fix: answer every question, or add the inputs to the spec file yourself"
        )


class InternalError(InfraArchitectError):
    """The tool broke one of its own invariants: a bug to report, never bad input."""


class DesignLookupError(InternalError, LookupError):
    """A name looked up in a design (a service, a store) is not there: the engine or a
    renderer asked for what the design (or the spec, the catalog) never had, a bug."""

    def __init__(
        self, kind: str, name: str, known: Iterable[str] = (), *, where: str = "the design"
    ) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        message = f"{where} has no {kind} named {name!r}"
        if self.known:
            message += f" (it has {', '.join(repr(k) for k in self.known)})"
        super().__init__(message)


class UnbuildableDesignError(InternalError):
    """The design holds a component no generated module builds, or a part Terraform
    needs is missing from it: a bug in the engine or its catalog data (the engine
    refuses such pins and never chooses such components), never bad input."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"cannot generate Terraform for this design: {what}")


_BY_NAME = attrgetter("name")
_INDEXED_FROM = 16
_INDEX_LIMIT = 64
_indexes: dict[int, tuple[list[Any], dict[object, int]]] = {}
"""Name → position of the long lists looked up by name, keyed by the list's id and kept
with the list itself (so the id is not reused while indexed): a 500-service design looks
services up by name some 100,000 times, and a scan each time made that quadratic."""


def named(
    items: Iterable[T],
    name: str,
    kind: str,
    *,
    where: str = "the design",
    key: Callable[[T], object] = _BY_NAME,
) -> T:
    """The item of ``items`` whose ``key`` (its name) is ``name``, else a
    :class:`DesignLookupError` that lists the names there are."""
    if key is _BY_NAME and isinstance(items, list) and len(items) >= _INDEXED_FROM:
        found: T | None = _indexed(items, name)
        if found is not None:
            return found
    listed = list(items)
    for item in listed:
        if key(item) == name:
            return item
    raise DesignLookupError(kind, name, [str(key(i)) for i in listed], where=where)


def _indexed(items: list[T], name: str) -> T | None:
    """The first item named ``name`` through the list's index; None sends the caller to
    the scan (a name not there, or a list changed since it was indexed)."""
    entry = _indexes.get(id(items))
    if entry is None or entry[0] is not items:
        if len(_indexes) >= _INDEX_LIMIT:
            _indexes.clear()
        index: dict[object, int] = {}
        for position, item in enumerate(items):
            index.setdefault(_BY_NAME(item), position)
        entry = (items, index)
        _indexes[id(items)] = entry
    at = entry[1].get(name)
    if at is None or at >= len(items):
        return None
    item = items[at]
    return item if _BY_NAME(item) == name else None
