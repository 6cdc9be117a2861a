"""``infra-architect design``: the design and every document, Terraform and manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console

from infra_architect._io import atomic_write_text
from infra_architect._output import WriteReport, preview_tree, read_generated, write_tree
from infra_architect.catalog import Catalog, load_catalog
from infra_architect.cli._common import (
    DEFAULT_OUTPUT,
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    InteractiveOption,
    OutputFormat,
    SpecArgument,
    command_app,
    fail,
    print_json,
    stderr,
    stdout,
    warn_if_prices_stale,
)
from infra_architect.cli._design_diff import diff_designs
from infra_architect.cli._phases import on_terminal, walk_phases
from infra_architect.cli._progress import next_step, step
from infra_architect.cli._render import render_design_summary
from infra_architect.cli._spec_input import load_spec, pin_error
from infra_architect.cli._tree_changes import (
    DryRun,
    dry_run_document,
    file_diffs,
    render_dry_run,
)
from infra_architect.cost import read_price_catalog
from infra_architect.engine import Design, ImpossiblePinError, design_system
from infra_architect.render import render_all, seeded_paths
from infra_architect.spec import dump_document, read_document

app = command_app()

DESIGN_JSON = "design.json"


@app.command()
def design(
    spec: SpecArgument = None,
    *,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Directory for the design (created if missing)."),
    ] = DEFAULT_OUTPUT,
    force: Annotated[
        bool,
        typer.Option(help="Overwrite generated files even where you edited them."),
    ] = False,
    interactive: InteractiveOption = None,
    phases: Annotated[
        bool,
        typer.Option(
            "--phases",
            help="On a terminal, walk the design phase by phase (constraints, compute and "
            "topology, network and data, delivery), confirming or pinning each decision; "
            "the pins are saved into the spec.",
        ),
    ] = False,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices", help="A price catalog from `prices refresh` instead of the shipped one."
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Write nothing: list the files a run would add, change and remove, and "
            "the decisions and monthly cost that would change.",
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="With --dry-run: the full unified diff of each file.")
    ] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people, json for machines (the dry run's changes, or what was "
            "written: decisions, monthly cost per environment, files).",
        ),
    ] = OutputFormat.TABLE,
) -> None:
    """Design the infrastructure: decisions with alternatives, reasons and risks, failure
    scenarios with timings, and the documents (architecture, tech spec, runbooks,
    trade-offs, ADRs, Definition of Done, design.json). Exit 1 when the requirements
    conflict (the documents then say so loudly), 2 on bad input."""
    if phases:
        _check_phases(spec, dry_run=dry_run)
    # no status line while the spec loads: it may interview on the terminal
    with step("loading the spec", status=False):
        source, requirements = load_spec(spec, interactive)
    with step("loading the catalogs"):
        catalog = load_catalog()
        if prices is not None:
            catalog = catalog.model_copy(update={"price_catalog": read_price_catalog(prices)})
    warn_if_prices_stale(catalog.price_catalog.as_of)
    try:
        if phases and spec is not None:
            result = _design_in_phases(spec, catalog)  # asks: no status line
        else:
            with step("designing, simulating and pricing"):
                result = design_system(requirements, catalog)
    except ImpossiblePinError as exc:
        raise pin_error(spec, source, exc) from None
    with step("rendering the documents, Terraform and manifests"):
        files = render_all(result)
    if dry_run:
        _dry_run(
            output,
            files,
            force=force,
            diff=diff,
            output_format=output_format,
            feasible=result.feasible,
        )
    else:
        _write(
            output, files, force=force, result=result, source=source, output_format=output_format
        )
    if not result.feasible:
        if not dry_run:
            next_step(f"resolve the conflicts above in {source}, then design again")
        raise typer.Exit(EXIT_INFEASIBLE)
    if dry_run:
        if output_format is not OutputFormat.JSON:
            named = f" {spec}" if spec is not None else ""
            next_step(f"infra-architect design{named} -o {output}   # write these changes")
        return
    next_step(
        f"infra-architect validate {output}   # the real tools on what was written",
        f"infra-architect simulate {spec or ''}".rstrip() + "   # spikes and failures, plotted",
    )


def _write(
    output: Path,
    files: dict[str, str],
    *,
    force: bool,
    result: Design,
    source: str,
    output_format: OutputFormat,
) -> None:
    with step(f"writing {len(files)} files"):
        report = write_design(output, files, force=force)
    if output_format is OutputFormat.JSON:
        print_json(design_run_document(result, source, output, report))
    else:
        render_design_summary(stdout, result, source, output, report)
    print_write_notes(report)


def write_design(output: Path, files: dict[str, str], *, force: bool) -> WriteReport:
    """The rendered tree written under ``output``: files edited since they were generated
    are refused (OutputConflictError) unless ``force``. Shared with the MCP server."""
    return write_tree(output, files, force=force, seeded=seeded_paths(files))


class RunDecision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    selected: str
    pinned: bool


class RunFiles(BaseModel):
    """What the write did, as paths relative to the output directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    written: list[str]
    unchanged: list[str]
    removed: list[str]
    kept_edited: list[str] = Field(description="Edited since generated: left as they are.")
    forced: list[str] = Field(description="Edited since generated: overwritten (force).")
    seeded_kept: list[str] = Field(description="Owned by the deploy: never rewritten.")


class DesignRun(BaseModel):
    """``design -f json``'s document (and the MCP ``design`` tool's result): the verdict,
    the decisions, the monthly cost per environment and what the write did."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    api_version: Literal["infra-architect/v1"] = Field(
        default="infra-architect/v1", alias="apiVersion"
    )
    kind: Literal["DesignRun"] = "DesignRun"
    spec: str
    name: str
    feasible: bool
    output: str
    design_json: str = Field(description="The design.json written (the whole design).")
    decisions: list[RunDecision]
    monthly_cost_usd: dict[str, float] = Field(description="Environment -> prod-month bill.")
    conflicts: list[str] = Field(description="Requirement conflicts (feasible: false).")
    files: RunFiles


def design_run_schema() -> dict[str, object]:
    """The JSON Schema of :class:`DesignRun` (schemas/design-run-v1.schema.json)."""
    schema = DesignRun.model_json_schema(mode="serialization", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://infra-architect.dev/schemas/design-run-v1.schema.json",
        **schema,
    }


def design_run_document(
    result: Design, source: str, output: Path, report: WriteReport
) -> dict[str, object]:
    """The :class:`DesignRun` of a written design, as JSON data."""
    run = DesignRun(
        spec=source,
        name=result.name,
        feasible=result.feasible,
        output=str(output),
        design_json=str(output / DESIGN_JSON),
        decisions=[
            RunDecision(id=d.id, title=d.title, selected=d.selected, pinned=d.pinned)
            for d in result.decisions
        ],
        monthly_cost_usd={
            env.name: env.total_monthly_usd.value for env in result.cost.environments
        },
        conflicts=[c.title for c in result.conflicts],
        files=RunFiles(
            written=report.written,
            unchanged=report.unchanged,
            removed=report.removed,
            kept_edited=report.kept_edited,
            forced=report.forced,
            seeded_kept=report.seeded_kept,
        ),
    )
    return run.model_dump(mode="json", by_alias=True)


def _dry_run(
    output: Path,
    files: dict[str, str],
    *,
    force: bool,
    diff: bool,
    output_format: OutputFormat,
    feasible: bool,
) -> None:
    """What a run would do to ``output``, read from the same plan the write follows."""
    preview = preview_tree(output, files, seeded=seeded_paths(files))
    run = DryRun(
        output=output,
        files=preview,
        diffs=file_diffs(output, files, [*preview.changed, *preview.edited]),
        design=diff_designs(read_generated(output, DESIGN_JSON), files[DESIGN_JSON]),
        feasible=feasible,
        force=force,
    )
    if output_format is OutputFormat.JSON:
        print_json(dry_run_document(run, full_diffs=diff))
    else:
        render_dry_run(stdout, run, full_diffs=diff)


def _check_phases(spec: Path | None, *, dry_run: bool) -> None:
    if dry_run:
        fail(
            "--phases with --dry-run: the phases save your pins into the spec, and a dry run "
            "writes nothing\n  fix: drop one of them"
        )
    if not on_terminal():
        fail(
            "--phases: needs a terminal (it asks at each decision), and stdin or stdout is "
            "not one\n  fix: run it in a terminal, or drop --phases and pin decisions in the "
            "spec (decisions: {compute: ecs-fargate})"
        )
    if spec is None:
        fail(
            "--phases: saves your pins into the spec, and none was named\n  fix: name a spec "
            "file (`infra-architect init --example ecommerce` writes one)"
        )


def _design_in_phases(spec: Path, catalog: Catalog) -> Design:
    """Walk the phases; Ctrl-C ends the walk with nothing written (exit 130)."""
    console = Console(stderr=True, highlight=False, emoji=False)
    document = read_document(spec)
    try:
        walk = walk_phases(console, document, catalog)
    except (KeyboardInterrupt, EOFError):
        stderr.print("\ninterrupted: nothing was written (spec and output untouched)")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if walk.pins:
        atomic_write_text(spec, dump_document(walk.document.tree))
        pinned = ", ".join(f"{field}: {value}" for field, value in walk.pins)
        stderr.print(f"[green]pins saved to {spec}[/green] ({pinned})")
    return walk.design


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
