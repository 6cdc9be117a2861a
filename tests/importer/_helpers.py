"""Shared steps of the import tests: write a generated tree, import it, answer the draft's
questions, design it."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.importer import draft_tree, import_repository
from infra_architect.spec import (
    Requirements,
    dump_document,
    find_missing,
    parse_document,
    set_answer,
    validate_document,
)

OWN_RECORDS = ("design.json", "docs/", ".infra-architect/")


def write_tree(files: dict[str, str], root: Path) -> Path:
    """The generated tree on disk without what `design` writes about itself: import must
    recover the system from the code alone."""
    for rel, text in files.items():
        if any(rel == r or rel.startswith(r) for r in OWN_RECORDS):
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def draft(root: Path, name: str) -> CommentedMap:
    """The draft spec's tree as a user would read it back from the file."""
    tree = draft_tree(import_repository(root).findings, name=name, source=name)
    return parse_document(dump_document(tree), f"{name}.yaml").tree


def answer(tree: CommentedMap, answers: dict[tuple[str, ...], object]) -> None:
    for path, value in answers.items():
        set_answer(tree, path, value)


def validated(tree: CommentedMap, source: str) -> Requirements:
    document = parse_document(dump_document(tree), source)
    return validate_document(document, load_catalog().regions)


def designed(requirements: Requirements) -> Design:
    return design_system(requirements, load_catalog())


def questions(tree: CommentedMap) -> list[str]:
    return [q.key for q in find_missing(tree)]
