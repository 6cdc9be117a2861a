"""Rule metadata, findings and the context rules run in."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL].index(self)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Frozen):
    rule_id: str
    severity: Severity
    title: str
    message: str
    file: str
    line: int
    resources: tuple[str, ...]
    remediation: str


class RuleMeta(_Frozen):
    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    references: tuple[str, ...] = ()

    def finding(self, message: str, file: str, line: int, resources: tuple[str, ...]) -> Finding:
        """A finding of this rule: its id, severity, title and fix, with what was found."""
        return Finding(
            rule_id=self.id,
            severity=self.severity,
            title=self.title,
            message=message,
            file=file,
            line=line,
            resources=resources,
            remediation=self.remediation,
        )


class RuleContext(_Frozen):
    """What the rules know about the system: the SLO when a design states one (None: no
    availability target, so availability rules stay quiet)."""

    slo: float | None = None
