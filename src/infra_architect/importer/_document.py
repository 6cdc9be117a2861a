"""``import -f json``: what import found, the draft's questions and what it could not
read, as one typed document (the CLI and the MCP server build it through
`import_document`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._documents import OutputDocument
from infra_architect.importer._findings import Findings, Unread
from infra_architect.importer._spec_writer import OPEN_QUESTIONS, draft_tree
from infra_architect.spec import find_missing


class ImportQuestion(BaseModel):
    """A field the draft leaves for a human: the code cannot say it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="The spec field, dotted (e.g. availability.slo).")
    prompt: str = Field(description="What to ask.")
    required: bool = Field(
        description="The spec does not load without it (otherwise: a default is assumed)."
    )


class ImportDocument(OutputDocument):
    """``infra-architect import PATH -f json``: what the repository's code says runs
    (services, calls, stores, queues, alarms, region, bill; each fact with its evidence),
    the questions the draft spec leaves for a human, and what could not be read."""

    kind: Literal["ImportFindings"]
    path: str = Field(description="The repository read, as given.")
    questions: list[ImportQuestion] = Field(
        description="Must-not-guess fields the draft leaves open, required ones first."
    )
    unread: list[Unread] = Field(
        description="Files, charts or overlays not read: never 'nothing found'."
    )
    findings: Findings


def import_document(findings: Findings, *, name: str, source: str) -> ImportDocument:
    """The document of one import: ``name`` is the draft's metadata.name, ``source`` the
    repository as given."""
    tree = draft_tree(findings, name=name, source=source)
    required = [
        ImportQuestion(key=q.key, prompt=q.prompt, required=True) for q in find_missing(tree)
    ]
    open_ = [
        ImportQuestion(key=key.strip(), prompt=prompt.strip(), required=False)
        for key, _, prompt in (q.partition(":") for q in OPEN_QUESTIONS)
    ]
    return ImportDocument(
        kind="ImportFindings",
        path=source,
        questions=required + open_,
        unread=list(findings.unread),
        findings=findings,
    )


def import_json(document: ImportDocument) -> object:
    """The document as JSON data."""
    return document.model_dump(mode="json")


__all__ = ["ImportDocument", "ImportQuestion", "import_document", "import_json"]
