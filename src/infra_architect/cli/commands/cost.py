"""``infra-architect cost price DIR`` (or ``cost DIR``) and ``cost explain EXPORT``: price a
Terraform tree, or explain a bill's change. ``explain`` runs in pre-commit hooks and
notebooks, so only ``price`` loads the Terraform reader (``_cost_tree``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from infra_architect.cli._common import fail, stderr, stdout
from infra_architect.cli._render_reports import render_explanation, render_terraform_cost
from infra_architect.cost import TerraformCost, explanation_json, read_export
from infra_architect.cost import explain as explain_bill


class _PriceByDefault(TyperGroup):
    """`cost DIR` is `cost price DIR`: the first argument, when it names no subcommand
    (and is not --help), is taken as price's, so the short form the README shows keeps
    working while `explain` and `price` are real subcommands with their own --help."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # noqa: ANN401  (click's)
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["price", *args]
        return list(super().parse_args(ctx, args))


app = typer.Typer(
    name="cost",
    cls=_PriceByDefault,
    help="Price an existing Terraform tree (`cost DIR`, short for `cost price DIR`), or "
    "explain a bill's change (`cost explain EXPORT.csv`).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

FormatOption = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


@app.command("price")
def cost_price(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="A Terraform root module to price.")
    ],
    region: Annotated[
        str, typer.Option("--region", help="The region whose list prices apply.")
    ] = "us-east-1",
    output_format: FormatOption = "table",
    tree: Annotated[
        Path | None,
        typer.Option(
            "--tree",
            help="The repository its modules may come from (default: DIR itself); "
            "nothing outside it is read.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds for reading and evaluating.")
    ] = 120.0,
) -> None:
    """Price an existing Terraform tree at list prices (`cost DIR` is short for it).

    The resources the model knows, with the counts and sizes in the code; what depends
    on traffic, is not static or is not known is listed, never guessed (parsed, never
    executed). It reads DIR (or --tree, for modules in `../`) as review reads a tree:
    regular files, no symlink out, bounded; what it could not read is listed."""
    if output_format not in ("table", "json"):
        fail(f"--format {output_format!r}: use table or json")
    priced = price_tree(directory, region, tree, timeout)
    if output_format == "json":
        sys.stdout.write(price_json(priced))
        return
    render_terraform_cost(stdout, priced)


def price_json(priced: TerraformCost) -> str:
    """``cost DIR -f json``'s text (and the MCP ``cost`` tool's result)."""
    from infra_architect.cli._documents import TerraformCostDocument  # noqa: PLC0415

    document = TerraformCostDocument(kind="TerraformCost", **dict(priced)).model_dump(mode="json")
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def price_tree(directory: Path, region: str, tree: Path | None, timeout: float) -> TerraformCost:
    """``directory`` checked and priced, reading modules only from ``tree`` (default: it)."""
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
    return priced


@app.command("explain")
def cost_explain(
    export: Annotated[
        Path, typer.Argument(metavar="EXPORT.csv", help="A CUR or Cost Explorer CSV.")
    ],
    before: Annotated[
        str | None, typer.Option("--before", help="Month to compare from (YYYY-MM).")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", help="Month to compare to (default: last).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Movers to list.")] = 10,
    output_format: FormatOption = "table",
) -> None:
    """Explain a bill's change between two months of a cost export.

    Month-over-month change by service and usage type, the top movers with their share
    of the increase, and the levers for each (none removes redundancy)."""
    if output_format not in ("table", "json"):
        fail(f"--format {output_format!r}: use table or json")
    # streamed: the export is summed as it is read, never held whole
    result = explain_bill(read_export(export), before, after, top)
    if output_format == "json":
        sys.stdout.write(explanation_json(result))
        return
    render_explanation(stdout, result)
