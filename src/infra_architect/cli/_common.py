"""What every command shares: the consoles, the exit codes, the output formats and the
way a bad input ends a command. Light on purpose: every command module imports it, so it
must not reach the engine, numpy or the renderers."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2
EXIT_INCOMPLETE = 3
"""review: something could not be read, so the findings cover only part of the tree."""
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as shells report a command the interrupt ended."""

PIPE_WIDTH = 120
"""Columns used when output is not a terminal (files, CI logs): wide enough for tables."""

stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else PIPE_WIDTH)
stderr = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)
"""Messages, errors and interview prompts: stdout stays clean for --format json."""
interview = Console(stderr=True, soft_wrap=False, highlight=False, emoji=False)
"""Interview questions and their reasons, word-wrapped at the terminal's width: a
soft-wrapped line is cut by the terminal wherever the column ends, mid-word."""

DEFAULT_OUTPUT = Path("infra-architect-out")


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


SpecArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Requirements spec (YAML). Omit it to use the bundled e-commerce example.",
        show_default=False,
    ),
]
InteractiveOption = Annotated[
    bool | None,
    typer.Option(
        "--interactive/--no-interactive",
        help="Ask for missing required inputs. Default: ask when on a terminal.",
        show_default=False,
    ),
]


def command_app() -> typer.Typer:
    """The Typer app of one command module, set as the root app is, so the command reads
    and helps the same whether it was loaded lazily or not."""
    return typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="rich"
    )


def print_json(document: object) -> None:
    # strict JSON: a NaN or an infinity is a bug upstream, never printed as non-JSON
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n")


def fail(message: str) -> NoReturn:
    stderr.print(message, markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def warn_if_prices_stale(as_of: str) -> None:
    """Once per command that prices: a warning on stderr when the catalog is old
    (not under --quiet: only errors and the result)."""
    from infra_architect.catalog import stale_prices_warning  # noqa: PLC0415  (kept light)
    from infra_architect.cli._progress import current  # noqa: PLC0415  (it imports this module)

    if current().quiet:
        return
    warning = stale_prices_warning(as_of, datetime.now(UTC).date())
    if warning is not None:
        stderr.print(warning, markup=False)
