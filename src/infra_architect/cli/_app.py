"""``infra-architect`` commands. Exit codes: 0 ok, 1 infeasible requirements (review: a new
finding at --fail-on), 2 bad input, 3 review incomplete (something could not be read), 70
a bug (an internal error, reported without a traceback).

Each command lives in ``cli/commands/<name>.py`` with its own imports, and the root app
imports a command's module only when that command runs (or the root --help lists it):
``--version``, ``review`` in a pre-commit hook and ``cost explain`` then start without
the engine, numpy, the simulators or the renderers."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from infra_architect import __version__
from infra_architect.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    stderr,
    stdout,
)
from infra_architect.cli._progress import Verbosity, configure
from infra_architect.errors import InfraArchitectError, InternalError

COMMANDS = {
    "constraints": "constraints",
    "design": "design",
    "add-service": "add_service",
    "validate": "validate",
    "schema": "schema",
    "cost": "cost",
    "review": "review",
    "simulate": "simulate",
    "init": "init",
    "prices": "prices",
    "import": "import_",
    "mcp": "mcp",
}
"""Command name -> its module in ``infra_architect.cli.commands``, in the order --help
lists them (the order they were declared in when they shared one module)."""


class _CommandModules(MutableMapping[str, Any]):
    """Command name -> its click command, built from its module on first lookup. Names
    are known without importing anything, so a typo still gets "Did you mean ...?".

    The values are typed ``Any``: recent Typer vendors its own click, whose ``Command``
    type is private to Typer."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:  # noqa: ANN401  (see the class docstring)
        if name not in self._built:
            module = importlib.import_module(f"{__package__}.commands.{self._modules[name]}")
            self._built[name] = typer.main.get_command(module.app)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:  # noqa: ANN401
        raise TypeError(f"{name}: add a command to COMMANDS, not to the group")

    def __delitem__(self, name: str) -> None:
        raise TypeError(f"{name}: commands are removed from COMMANDS")

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


class LazyCommands(TyperGroup):
    """The root group: its subcommands come from ``COMMANDS``, each imported when it runs.
    Only --help (and shell completion) lists them all, and so imports them all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401  (Typer's own)
        super().__init__(*args, **kwargs)
        self.commands = _CommandModules(COMMANDS)

    def invoke(self, ctx: Any) -> Any:  # noqa: ANN401  (Typer's vendored click context)
        """Ctrl-C in any command: one line and exit 130 (Typer alone exits 130 silently).
        Every cleanup on the way out has run by then: staged files are discarded, and
        the write journal lets the next run finish a tree the interrupt cut short."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _interrupted()


def _interrupted() -> NoReturn:
    stderr.print("interrupted", markup=False)
    raise typer.Exit(EXIT_INTERRUPTED)


app = typer.Typer(
    name="infra-architect",
    cls=LazyCommands,
    help="Turn a system's requirements into a validated infrastructure design, and prove it.\n\n"
    "Start with `infra-architect design -o out` (the bundled example) or `infra-architect init`.",
    no_args_is_help=False,
    # --install-completion / --show-completion: Typer's, for bash, zsh, fish and PowerShell
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        stdout.print(f"infra-architect {__version__}", highlight=False)
        raise typer.Exit


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Only errors and the result: no status line, step timings or `next:` line.",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Print each step with its duration (on stderr)."),
    ] = False,
) -> None:
    """Progress is drawn on stderr only when it is a terminal; stdout is the same with
    or without --quiet/--verbose (put them before the command: `infra-architect -q
    design`)."""
    configure(Verbosity(quiet=quiet, verbose=verbose))
    if ctx.invoked_subcommand is None:
        stdout.print(ctx.get_help())


def main() -> None:
    """Console entry point: every expected error is a message and an exit code, never a
    traceback. Typer itself handles usage errors (exit 2), --help and --version."""
    try:
        app()
    except KeyboardInterrupt:  # before a command runs (while importing it)
        stderr.print("interrupted", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except InfraArchitectError as exc:
        if not isinstance(exc, InternalError):
            stderr.print(str(exc), markup=False)
            sys.exit(EXIT_BAD_INPUT)
        _internal(exc)
    except Exception as exc:  # noqa: BLE001  (any other exception is a bug, reported as one)
        _internal(exc)


def _internal(exc: Exception) -> NoReturn:
    if os.environ.get("INFRA_ARCHITECT_DEBUG"):
        raise exc
    stderr.print(
        f"internal error: {type(exc).__name__}: {exc}\n"
        "  this is a bug in infra-architect; rerun with INFRA_ARCHITECT_DEBUG=1 for the "
        "traceback and report it",
        markup=False,
    )
    sys.exit(EXIT_INTERNAL)
