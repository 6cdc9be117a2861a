"""``infra-architect validate``: a generated tree checked with the real tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra_architect.cli._common import (
    DEFAULT_OUTPUT,
    EXIT_INFEASIBLE,
    OutputFormat,
    command_app,
    fail,
    print_json,
    stdout,
)
from infra_architect.cli._documents import ValidationDocument
from infra_architect.cli._progress import counted, next_step
from infra_architect.cli._render_reports import render_validation
from infra_architect.validate import Toolchain, validate_tree

app = command_app()


@app.command()
def validate(
    tree: Annotated[
        Path,
        typer.Argument(help="A tree written by `infra-architect design`.", show_default=False),
    ] = DEFAULT_OUTPUT,
    plugin_dir: Annotated[
        Path | None,
        typer.Option(
            "--plugin-dir",
            help="Local provider mirror for offline terraform init (default: "
            "$INFRA_ARCHITECT_PLUGIN_DIR or the usual plugin directories; TF_CLI_CONFIG_FILE "
            "is honoured when none is found).",
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people, json for machines")
    ] = OutputFormat.TABLE,
    require_tools: Annotated[
        bool,
        typer.Option(help="Treat a missing tool as a failure (CI)."),
    ] = False,
) -> None:
    """Check a generated tree with the real tools: terraform fmt -check, init
    -backend=false and validate per environment, checkov, and infra-architect's own
    rules. Exit 1 on any failure (or any skip with --require-tools)."""
    if not tree.is_dir():
        fail(f"{tree}: no such directory; run `infra-architect design -o {tree}` first")
    with counted("validate") as progress:
        report = validate_tree(tree, Toolchain.discover(plugin_dir), progress=progress)
    if output is OutputFormat.JSON:
        document = ValidationDocument(
            kind="ValidationReport",
            ok=report.ok,
            tree=report.tree,
            results=report.results,
        )
        print_json(document.model_dump(mode="json"))
    else:
        render_validation(stdout, report)
    if output is OutputFormat.TABLE:
        next_step(*_next_after_validate(tree, ok=report.ok))
    if not report.ok or (require_tools and report.skipped):
        raise typer.Exit(EXIT_INFEASIBLE)


def _next_after_validate(tree: Path, *, ok: bool) -> list[str]:
    """A tree `design` wrote carries its design.json; any other tree is reviewed."""
    if not (tree / "design.json").is_file():
        return [f"infra-architect review {tree}   # the rules over hand-written code"]
    if not ok:
        return [f"fix what failed above, or re-run `infra-architect design -o {tree}`"]
    return [f"infra-architect cost {tree}   # price the Terraform as written"]
