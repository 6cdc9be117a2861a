"""Recover a draft requirements spec from an existing repository (`infra-architect import`):
read it the way `review` does (never execute), and write what the code says, with its
evidence, leaving what an architect must not guess as questions."""

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

__all__ = [
    "Evidence",
    "Findings",
    "FoundAlarm",
    "FoundLink",
    "FoundQueue",
    "FoundService",
    "FoundStore",
    "Unread",
]
