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
)
from infra_architect.cli._progress import next_step, step
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
    # no status line while the spec loads: it may interview on the terminal
    with step("loading the spec", status=False):
        source, requirements = load_spec(spec, interactive)
    with step("loading the catalogs"):
        catalog = load_catalog()
        if prices is not None:
            catalog = catalog.model_copy(update={"price_catalog": read_price_catalog(prices)})
    with step("designing, simulating and pricing"):
        try:
            result = design_system(requirements, catalog)
        except ImpossiblePinError as exc:
            raise pin_error(spec, source, exc) from None
    with step("rendering the documents, Terraform and manifests"):
        files = render_all(result)
    with step(f"writing {len(files)} files"):
        report = write_tree(output, files, force=force, seeded=seeded_paths(files))
    render_design_summary(stdout, result, source, output, report)
    print_write_notes(report)
    if not result.feasible:
        next_step(f"resolve the conflicts above in {source}, then design again")
        raise typer.Exit(EXIT_INFEASIBLE)
    next_step(
        f"infra-architect validate {output}   # the real tools on what was written",
        f"infra-architect simulate {spec or ''}".rstrip() + "   # spikes and failures, plotted",
    )


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
