"""``infra-architect cost DIR | explain EXPORT``: price a Terraform tree, or explain a
bill's change. ``explain`` runs in pre-commit hooks and notebooks, so only ``cost DIR``
loads the Terraform reader (``_cost_tree``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from infra_architect.cli._common import command_app, fail, print_json, stderr, stdout
from infra_architect.cli._render_reports import render_explanation, render_terraform_cost
from infra_architect.cost import explain as explain_bill
from infra_architect.cost import explanation_json, read_export

app = command_app()


@app.command("cost")
def cost(  # noqa: PLR0917  (Typer: arguments and options)
    target: Annotated[
        str,
        typer.Argument(
            metavar="DIR | explain",
            help="A Terraform root module to price, or `explain` followed by a cost export.",
        ),
    ],
    export: Annotated[
        Path | None,
        typer.Argument(metavar="[EXPORT.csv]", help="With `explain`: a CUR or Cost Explorer CSV."),
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="DIR: the region whose list prices apply.")
    ] = "us-east-1",
    before: Annotated[
        str | None, typer.Option("--before", help="explain: month to compare from (YYYY-MM).")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", help="explain: month to compare to (default: last).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="explain: movers to list.")] = 10,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    tree: Annotated[
        Path | None,
        typer.Option(
            "--tree",
            help="DIR: the repository its modules may come from (default: DIR itself); "
            "nothing outside it is read.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="DIR: seconds for reading and evaluating.")
    ] = 120.0,
) -> None:
    """Price an existing Terraform tree (`cost DIR`), or explain a bill's change
    (`cost explain EXPORT.csv`).

    DIR: the resources the model knows, with the counts and sizes in the code; what
    depends on traffic, is not static or is not known is listed, never guessed (parsed,
    never executed). It reads DIR (or --tree, for modules in `../`) as review reads a
    tree: regular files, no symlink out, bounded; what it could not read is listed.
    explain: month-over-month change by service and usage type, the top
    movers with their share of the increase, and the levers for each (none removes
    redundancy)."""
    if output_format not in ("table", "json"):
        fail(f"--format {output_format!r}: use table or json")
    if target == "explain":
        if export is None:
            fail("cost explain: name the export\n  fix: infra-architect cost explain cur.csv")
        # streamed: the export is summed as it is read, never held whole
        result = explain_bill(read_export(export), before, after, top)
        if output_format == "json":
            sys.stdout.write(explanation_json(result))
            return
        render_explanation(stdout, result)
        return
    directory = Path(target)
    if export is not None:
        fail(f"cost {target} {export}: one directory at a time\n  fix: infra-architect cost DIR")
    if not directory.is_dir() or not any(directory.glob("*.tf")):
        fail(f"{directory}: not a directory with .tf files\n  fix: pass a Terraform root module")
    # the Terraform reader and the rules' evaluator load here, not for `cost explain`
    from infra_architect.cli.commands._cost_tree import price_directory  # noqa: PLC0415

    priced = price_directory(directory, tree or directory, region, timeout)
    if tree is None and any(
        s.endswith("leaves the reviewed tree (not read)") for s in priced.skipped
    ):
        stderr.print(
            f"note: modules outside {directory} were not read; to price them, name the "
            "repository that holds them: --tree REPO",
            markup=False,
        )
    if output_format == "json":
        print_json(priced.model_dump(mode="json"))
        return
    render_terraform_cost(stdout, priced)
