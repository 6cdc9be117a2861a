"""Recover a draft requirements spec from an existing repository (`infra-architect import`):
read it the way `review` does (never execute), and write what the code says, with its
evidence, leaving what an architect must not guess as questions."""

from infra_architect.importer._document import (
    ImportDocument,
    ImportQuestion,
    import_document,
    import_json,
)
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

__all__ = [
    "OPEN_QUESTIONS",
    "Evidence",
    "Findings",
    "FoundAlarm",
    "FoundLink",
    "FoundQueue",
    "FoundService",
    "FoundStore",
    "ImportDocument",
    "ImportQuestion",
    "ImportResult",
    "Unread",
    "draft_spec",
    "draft_tree",
    "import_document",
    "import_json",
    "import_repository",
    "merged",
    "read_kubernetes",
]
