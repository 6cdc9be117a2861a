"""``infra-architect constraints``: what the requirements demand, before any design."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from infra_architect.catalog import load_catalog
from infra_architect.cli._common import (
    DEFAULT_OUTPUT,
    EXIT_INFEASIBLE,
    InteractiveOption,
    OutputFormat,
    SpecArgument,
    command_app,
    stdout,
)
from infra_architect.cli._documents import ConstraintsDocument
from infra_architect.cli._progress import next_step
from infra_architect.cli._render import render_constraints
from infra_architect.cli._spec_input import load_spec, pin_error
from infra_architect.engine import (
    AssumptionCost,
    Constraints,
    ImpossiblePinError,
    check_pins,
    derive_constraints,
    design_only_checks,
    price_assumptions,
)
from infra_architect.spec import Requirements

app = command_app()


@app.command()
def constraints(
    spec: SpecArgument = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people, json for machines")
    ] = OutputFormat.TABLE,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how every service was sized.")
    ] = False,
    interactive: InteractiveOption = None,
) -> None:
    """Derive what the requirements demand: error budget, traffic, capacity per service,
    AZs and regions, recovery, what the team can run, the cost floor, conflicts and
    assumptions. Exit 1 when requirements conflict, 2 on bad input."""
    source, requirements = load_spec(spec, interactive)
    result, design_checks, costs = derive_report(spec, source, requirements)
    if output is OutputFormat.JSON:
        sys.stdout.write(constraints_json(result, source, design_checks, costs) + "\n")
    else:
        render_constraints(
            stdout,
            result,
            source,
            explain=explain,
            design_checks=design_checks,
            assumption_costs=costs,
        )
        if result.feasible:
            next_step(f"infra-architect design {spec or ''}".rstrip() + f" -o {DEFAULT_OUTPUT}")
    if not result.feasible:
        raise typer.Exit(EXIT_INFEASIBLE)


def derive_report(
    spec: Path | None, source: str, requirements: Requirements
) -> tuple[Constraints, list[str], list[AssumptionCost]]:
    """What ``constraints`` reports, shared with the MCP server's ``constraints`` tool."""
    catalog = load_catalog()
    result = derive_constraints(requirements, catalog)
    try:
        # design refuses a pinned decision that cannot hold (exit 2); so does this
        check_pins(requirements, result, catalog)
    except ImpossiblePinError as exc:
        raise pin_error(spec, source, exc) from None
    design_checks = design_only_checks(requirements, result)
    # what the bill rests on needs the design's choosers: only for a spec they can design
    costs = price_assumptions(requirements, catalog, result) if result.feasible else []
    return result, design_checks, costs


def constraints_json(
    result: Constraints,
    source: str,
    design_checks: list[str],
    assumption_costs: list[AssumptionCost] | None = None,
) -> str:
    document = ConstraintsDocument(
        kind="Constraints",
        spec=source,
        feasible=result.feasible,
        checked_only_by_design=design_checks,
        constraints=result,
        assumption_costs=assumption_costs or [],
    ).model_dump(mode="json")
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
