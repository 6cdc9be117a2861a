"""Recover a draft requirements spec from an existing repository (`infra-architect import`):
read it the way `review` does (never execute), and write what the code says, with its
evidence, leaving what an architect must not guess as questions."""

from pydantic import TypeAdapter

from infra_architect.importer._findings import (
    Evidence,
    Findings,
    FoundAlarm,
    FoundLink,
    FoundQueue,
    FoundService,
    FoundStore,
    Unread,
)
from infra_architect.importer._import import ImportResult, import_repository, merged
from infra_architect.importer._kubernetes import read_kubernetes
from infra_architect.importer._spec_writer import OPEN_QUESTIONS, draft_spec, draft_tree


def findings_json(findings: Findings) -> object:
    """The findings as JSON data (stable key order is the printer's)."""
    return _FINDINGS.dump_python(findings, mode="json")


_FINDINGS: TypeAdapter[Findings] = TypeAdapter(Findings)

__all__ = [
    "OPEN_QUESTIONS",
    "Evidence",
    "Findings",
    "FoundAlarm",
    "FoundLink",
    "FoundQueue",
    "FoundService",
    "FoundStore",
    "ImportResult",
    "Unread",
    "draft_spec",
    "draft_tree",
    "findings_json",
    "import_repository",
    "merged",
    "read_kubernetes",
]
