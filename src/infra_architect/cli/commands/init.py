"""``infra-architect init``: a new spec, from a bundled example or an interview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.prompt import Prompt
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from infra_architect._io import atomic_write_text
from infra_architect.catalog import load_catalog
from infra_architect.cli._common import (
    DEFAULT_OUTPUT,
    InteractiveOption,
    command_app,
    fail,
    interview,
    stderr,
)
from infra_architect.cli._feasibility import Check, conflict_check
from infra_architect.cli._interview import (
    ask_missing,
    ask_name,
    ask_optional_number,
    ask_stores,
    warn_conflicts,
)
from infra_architect.cli._progress import next_step
from infra_architect.cli._spec_input import example_text, interview_guard, should_ask
from infra_architect.spec import (
    API_VERSION,
    KIND,
    SCHEMA_FILENAME,
    Compliance,
    KubernetesExperience,
    MissingInputsError,
    Question,
    dump_document,
    find_missing,
    parse_document,
    set_answer,
    validate_document,
)

app = command_app()

EXAMPLES = (
    "ecommerce",
    "saas-team",
    "internal-tool",
    "online-boutique",
    "shop-1000rps",
    "internal-50-users",
)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the spec.")] = Path(
        "infra-architect.yaml"
    ),
    example: Annotated[
        str | None,
        typer.Option(help=f"Start from a bundled example: {', '.join(EXAMPLES)}."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    interactive: InteractiveOption = None,
) -> None:
    """Write a new requirements spec: from a bundled example, or by interviewing you
    (one question per input, saying why it matters)."""
    if path.exists() and not force:
        fail(f"{path}: already exists\n  fix: choose another path, or pass --force to replace it")
    if path.is_dir():
        fail(
            f"{path}: is a directory\n  fix: give a file path, e.g. {path / 'infra-architect.yaml'}"
        )
    if example is not None:
        if example not in EXAMPLES:
            fail(
                f"--example: {example!r} is not a bundled example\n  fix: use one of "
                f"{', '.join(EXAMPLES)}"
            )
        atomic_write_text(path, _with_schema_hint(example_text(example)))
        stderr.print(f"wrote {path} (from the {example} example)")
        next_step(f"infra-architect design {path} -o {DEFAULT_OUTPUT}")
        return
    tree = CommentedMap()
    tree["apiVersion"] = API_VERSION
    tree["kind"] = KIND
    questions = [_NAME_QUESTION, *find_missing(tree)]
    if not should_ask(interactive):
        fail(str(MissingInputsError(str(path), questions)))
    with interview_guard():
        _interview_new(tree, path)
    text = _SCHEMA_HINT + dump_document(tree)
    document = parse_document(text, str(path))
    atomic_write_text(path, text)
    stderr.print(f"wrote {path}")
    validate_document(document, load_catalog().regions)
    next_step(f"infra-architect design {path} -o {DEFAULT_OUTPUT}")


_NAME_QUESTION = Question(
    path=("metadata", "name"),
    prompt="What is the system called (a DNS label, e.g. shopfront)?",
    why="The name prefixes every resource, DNS record and dashboard the design creates.",
    example="metadata:\n  name: shopfront",
    kind="choice",
)

_SCHEMA_HINT = (
    f"# Requirements for infra-architect ({API_VERSION}).\n"
    f"# Editor completion: `infra-architect schema -o {SCHEMA_FILENAME}`, then add\n"
    f"#   # yaml-language-server: $schema={SCHEMA_FILENAME}\n"
)


def _interview_new(tree: CommentedMap, path: Path) -> None:
    interview.print(f"Writing a new spec to {path}. Each question says why it matters.")
    name = ask_name(interview, "System name (a DNS label, e.g. shopfront)", [], allow_empty=False)
    set_answer(tree, ("metadata", "name"), name)
    ask_stores(interview, tree)
    conflicts = conflict_check(str(path))
    warned: set[str] = set()
    ask_missing(interview, tree, find_missing(tree), conflicts)
    _ask_design_drivers(tree, conflicts, warned)
    for field_path, prompt, check in _OPTIONAL_QUESTIONS:
        answer = ask_optional_number(interview, prompt, check)
        if answer is not None:
            set_answer(tree, field_path, answer)
            warn_conflicts(interview, tree, conflicts, warned)


def _ask_design_drivers(tree: CommentedMap, conflicts: Check, warned: set[str]) -> None:
    """What decides the design beyond services and traffic; each answer checked at once."""
    kubernetes = Prompt.ask(
        "Kubernetes experience of the team (none keeps the design off EKS)",
        choices=[k.value for k in KubernetesExperience],
        default=KubernetesExperience.NONE.value,
        console=interview,
    )
    set_answer(tree, ("team", "kubernetes_experience"), kubernetes)
    warn_conflicts(interview, tree, conflicts, warned)
    regions = sorted(load_catalog().regions)
    while True:
        region = Prompt.ask("AWS region", default="us-east-1", console=interview).strip()
        if region in regions:
            break
        interview.print(f"[red]unknown region; one of: {', '.join(regions)}[/red]")
    set_answer(tree, ("cloud", "region"), region)
    warn_conflicts(interview, tree, conflicts, warned)
    options = [c.value for c in Compliance]
    while True:
        raw = Prompt.ask(
            f"Compliance regimes (comma-separated: {', '.join(options)}; empty for none)",
            default="",
            show_default=False,
            console=interview,
        )
        chosen = [item.strip() for item in raw.split(",") if item.strip()]
        unknown = [item for item in chosen if item not in options]
        if not unknown:
            break
        interview.print(f"[red]unknown: {', '.join(unknown)}[/red]")
    if chosen:
        set_answer(tree, ("compliance",), CommentedSeq(dict.fromkeys(chosen)))
        warn_conflicts(interview, tree, conflicts, warned)


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _not_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


_OPTIONAL_QUESTIONS: tuple[tuple[tuple[str, ...], str, Callable[[float], str | None]], ...] = (
    (("availability", "rto_minutes"), "Recovery time objective in minutes (RTO)", _positive),
    (("availability", "rpo_minutes"), "Data loss tolerated in minutes (RPO)", _not_negative),
    (("budget", "monthly_usd"), "Monthly infrastructure budget in USD", _positive),
)
"""Inputs init offers but does not require; skipped ones become assumptions or stay unset."""


def _with_schema_hint(text: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
    return _SCHEMA_HINT + "".join(lines)
