"""Decisions the user pinned in the spec, and the error when a pin cannot hold."""

from __future__ import annotations

from dataclasses import dataclass

from infra_architect.errors import InfraArchitectError


@dataclass(frozen=True, slots=True)
class PinProblem:
    """Why a pinned decision cannot be honoured, and what to change."""

    field: str
    value: str
    reason: str
    fix: str


class ImpossiblePinError(InfraArchitectError):
    """Raised by a chooser; the CLI turns it into a located spec error (exit code 2)."""

    def __init__(self, problems: list[PinProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "\n".join(f"{p.field}={p.value}: {p.reason}\n  fix: {p.fix}" for p in problems)
        )
