"""``infra-architect simulate``: availability, the spike, faults and deploys, plotted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra_architect.catalog import Catalog, load_catalog
from infra_architect.cli._common import (
    InteractiveOption,
    SpecArgument,
    command_app,
    fail,
    print_json,
    stdout,
)
from infra_architect.cli._documents import SimulationDocument
from infra_architect.cli._progress import next_step, step
from infra_architect.cli._render import render_simulation
from infra_architect.cli._spec_input import load_spec, pin_error
from infra_architect.engine import Design, ImpossiblePinError, design_system, spike_run
from infra_architect.simulate import plot as spike_plot
from infra_architect.spec import Requirements

app = command_app()

DEFAULT_SIMULATION = Path("infra-architect-simulation")


@app.command()
def simulate(  # noqa: PLR0917  (Typer: arguments and options)
    spec: SpecArgument = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Directory for the spike plot (spike.png, spike.svg)."),
    ] = DEFAULT_SIMULATION,
    trials: Annotated[
        int | None,
        typer.Option("--trials", min=100, help="Monte Carlo months (default: the catalog's)."),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Monte Carlo seed.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    interactive: InteractiveOption = None,
) -> None:
    """Simulate the design: availability of every request path (closed form and Monte
    Carlo, under the chosen topology and the other one), the 10x spike against the
    autoscaling (step and ramp, 1 s steps; the settings it raised), a lost node and AZ
    at peak, a bad deploy under each strategy, an emergency rollback. Plots the spike
    (load, capacity, replicas) as PNG and SVG. Exit 2 on bad input."""
    if output_format not in ("table", "json"):
        fail(f"--format {output_format!r}: use table or json")
    source, requirements = load_spec(spec, interactive)
    result, plots = run_simulation(spec, source, requirements, output, trials=trials, seed=seed)
    if output_format == "json":
        print_json(simulation_document(source, plots, result))
        return
    render_simulation(stdout, result, source, plots)
    next_step(f"infra-architect design {spec or ''}".rstrip() + " -o infra-architect-out")


def run_simulation(
    spec: Path | None,
    source: str,
    requirements: Requirements,
    output: Path,
    *,
    trials: int | None,
    seed: int | None,
) -> tuple[Design, list[str]]:
    """The design simulated and its spike plotted into ``output``: what ``simulate``
    reports, shared with the MCP server's ``simulate`` tool."""
    catalog = load_catalog()
    overrides = {k: v for k, v in (("monte_carlo_trials", trials), ("seed", seed)) if v is not None}
    if overrides:
        simulation = catalog.design.simulation.model_copy(update=overrides)
        catalog = catalog.model_copy(
            update={"design": catalog.design.model_copy(update={"simulation": simulation})}
        )
    with step("designing and simulating"):
        try:
            result = design_system(requirements, catalog)
        except ImpossiblePinError as exc:
            raise pin_error(spec, source, exc) from None
    with step("plotting the spike"):
        plots = [str(p) for p in _write_spike_plot(requirements, result, catalog, output)]
    return result, plots


def simulation_document(source: str, plots: list[str], result: Design) -> dict[str, object]:
    """``simulate -f json``'s document (and the MCP ``simulate`` tool's result)."""
    document = SimulationDocument(
        kind="Simulation", spec=source, plots=plots, simulation=result.simulation
    )
    return document.model_dump(mode="json")


def _write_spike_plot(
    requirements: Requirements, result: Design, catalog: Catalog, out: Path
) -> list[Path]:
    found = spike_run(requirements, result, catalog)
    if found is None:
        return []
    run, names, _ = found
    study = result.simulation.spike
    assert study is not None  # noqa: S101  (a run means a study)
    title = (
        f"{result.name}: a {study.multiplier:g}x step at {study.start_seconds} s, "
        "every service (simulated, 1 s steps)"
    )
    panels = [
        spike_plot.plot_data(
            run, index, name, result.constraints.service(name).load_unit, f"{name}: load"
        )
        for index, name in enumerate(names)
    ]
    return spike_plot.save(panels, title, out)
