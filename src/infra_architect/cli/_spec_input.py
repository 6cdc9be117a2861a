"""Reading a spec for a command: the bundled example when none is named, an interview for
what is missing (when allowed), and a pin that cannot hold reported at its line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from infra_architect._io import atomic_write_text
from infra_architect.catalog import load_catalog
from infra_architect.cli._common import interview, stderr
from infra_architect.cli._feasibility import conflict_check
from infra_architect.cli._interview import ask_missing
from infra_architect.errors import InterviewAbortedError, Problem, SpecError
from infra_architect.spec import (
    MissingInputsError,
    Requirements,
    SpecDocument,
    dump_document,
    locate,
    missing_inputs,
    parse_document,
    read_document,
    validate_document,
)

if TYPE_CHECKING:
    # only named in a signature: importing the engine here would load it for `init`
    from infra_architect.engine import ImpossiblePinError

BUNDLED_EXAMPLE = "ecommerce"


def load_spec(spec: Path | None, interactive: bool | None) -> tuple[str, Requirements]:
    """Read, complete (by asking, when allowed) and validate a spec."""
    regions = load_catalog().regions
    if spec is None:
        source = f"bundled example ({BUNDLED_EXAMPLE}.yaml)"
        document = parse_document(example_text(BUNDLED_EXAMPLE), source)
        return source, validate_document(document, regions)
    document = read_document(spec)
    questions = missing_inputs(document)
    try:
        return document.source, validate_document(document, regions, ignore=questions)
    except MissingInputsError:
        if not should_ask(interactive):
            raise
    with interview_guard():
        ask_missing(interview, document.tree, questions, conflict_check(document.source))
    _save_answers(spec, document)
    return document.source, validate_document(document, regions)


def spec_from_text(text: str, source: str) -> tuple[str, Requirements]:
    """A spec given as text (the MCP server's inline spec): read as ``load_spec`` reads a
    file without asking, so a missing input is the same one message."""
    document = parse_document(text, source)
    questions = missing_inputs(document)
    return source, validate_document(document, load_catalog().regions, ignore=questions)


def example_text(name: str) -> str:
    return resources.files("infra_architect.examples").joinpath(f"{name}.yaml").read_text("utf-8")


def _save_answers(path: Path, document: SpecDocument) -> None:
    atomic_write_text(path, dump_document(document.tree))
    stderr.print(f"[green]answers saved to {path}[/green]\n")


@contextlib.contextmanager
def interview_guard() -> Iterator[None]:
    """An interview cut short writes nothing and says so: end of input is exit 2, Ctrl-C
    goes on to the CLI's "interrupted" and exit 130 like anywhere else."""
    try:
        yield
    except EOFError:
        raise InterviewAbortedError from None


def should_ask(interactive: bool | None) -> bool:
    if interactive is not None:
        return interactive
    return sys.stdin.isatty() and sys.stdout.isatty()


def pin_error(spec: Path | None, source: str, exc: ImpossiblePinError) -> SpecError:
    tree: object = None
    if spec is not None:
        tree = read_document(spec).tree
    problems = []
    for pin in exc.problems:
        line, column = locate(tree, pin.field.split(".")) if tree is not None else (None, None)
        problems.append(
            Problem(
                field=pin.field,
                message=f"{pin.value!r} cannot hold: {pin.reason}",
                fix=pin.fix,
                line=line,
                column=column,
            )
        )
    return SpecError(source, problems)
