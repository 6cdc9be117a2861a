"""``infra-architect design``: the design and every document, Terraform and manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra_architect._output import WriteReport, write_tree
from infra_architect.catalog import load_catalog
from infra_architect.cli._common import (
    DEFAULT_OUTPUT,
    EXIT_INFEASIBLE,
    InteractiveOption,
    SpecArgument,
    command_app,
    stderr,
    stdout,
    warn_if_prices_stale,
)
from infra_architect.cli._render import render_design_summary
from infra_architect.cli._spec_input import load_spec, pin_error
from infra_architect.cost import read_price_catalog
from infra_architect.engine import ImpossiblePinError, design_system
from infra_architect.render import render_all, seeded_paths

app = command_app()


@app.command()
def design(
    spec: SpecArgument = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Directory for the design (created if missing)."),
    ] = DEFAULT_OUTPUT,
    force: Annotated[
        bool,
        typer.Option(help="Overwrite generated files even where you edited them."),
    ] = False,
    interactive: InteractiveOption = None,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices", help="A price catalog from `prices refresh` instead of the shipped one."
        ),
    ] = None,
) -> None:
    """Design the infrastructure: decisions with alternatives, reasons and risks, failure
    scenarios with timings, and the documents (architecture, tech spec, runbooks,
    trade-offs, ADRs, Definition of Done, design.json). Exit 1 when the requirements
    conflict (the documents then say so loudly), 2 on bad input."""
    source, requirements = load_spec(spec, interactive)
    catalog = load_catalog()
    if prices is not None:
        catalog = catalog.model_copy(update={"price_catalog": read_price_catalog(prices)})
    warn_if_prices_stale(catalog.price_catalog.as_of)
    try:
        result = design_system(requirements, catalog)
    except ImpossiblePinError as exc:
        raise pin_error(spec, source, exc) from None
    files = render_all(result)
    report = write_tree(output, files, force=force, seeded=seeded_paths(files))
    render_design_summary(stdout, result, source, output, report)
    print_write_notes(report)
    if not result.feasible:
        raise typer.Exit(EXIT_INFEASIBLE)


def print_write_notes(report: WriteReport) -> None:
    """What the write ignored or recovered; on stderr, so --format json stays clean."""
    for note in report.notes:
        stderr.print(f"note: {note}", markup=False)
    if report.recovered:
        stderr.print(
            f"note: finished an interrupted run ({len(report.recovered)} files it had "
            "written were recognised by its journal)",
            markup=False,
        )
