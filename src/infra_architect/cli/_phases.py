"""``design --phases``: the design presented one phase at a time, as an architect walks a
team through it (constraints, compute and topology, network and data, delivery), each
pinnable decision confirmed or pinned before the next phase is shown.

The engine decides everything: each phase prints the Design's decisions and the engine's
priced pin options (``pin_choice``), and a pin is a spec edit after which the design is
recomputed, so later phases show what earlier pins changed. Pins are kept in the spec's
round-trip tree (comments and layout survive) and written with the design at the end,
so an interrupted walk writes nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from rich.console import Console
from rich.prompt import Prompt
from rich.table import Table

from infra_architect.catalog import Catalog
from infra_architect.cli._render import render_constraints
from infra_architect.engine import (
    Decision,
    Design,
    PinChoice,
    Severity,
    design_only_checks,
    design_system,
    pin_choice,
)
from infra_architect.spec import (
    Requirements,
    SpecDocument,
    set_answer,
    validate_document,
)

PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Compute and topology", ("topology", "compute")),
    ("Network and data", ("nat",)),
    ("Delivery", ("deployment",)),
)
"""Each phase and the ``decisions`` fields it may pin, in the order they are decided."""


@dataclass
class Walk:
    """Where the walk stands: the spec as edited so far and the design it gives."""

    document: SpecDocument
    requirements: Requirements
    design: Design
    pins: list[tuple[str, str]]


def on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def walk_phases(console: Console, document: SpecDocument, catalog: Catalog) -> Walk:
    """Present every phase, asking at each pinnable decision; return the final state."""
    requirements = validate_document(document, catalog.regions)
    walk = Walk(document, requirements, design_system(requirements, catalog), [])
    _constraints_phase(console, walk)
    for number, (title, fields) in enumerate(PHASES, start=2):
        console.rule(f"[bold]Phase {number}: {title}[/bold]")
        if title == "Network and data":
            _show(console, walk.design.network.decision)
            for decision in walk.design.data.decisions:
                _show(console, decision)
        for field in fields:
            _ask_pin(console, walk, catalog, field)
    return walk


def _constraints_phase(console: Console, walk: Walk) -> None:
    console.rule("[bold]Phase 1: Constraints[/bold] (what any design must satisfy)")
    render_constraints(
        console,
        walk.design.constraints,
        walk.document.source,
        explain=False,
        design_checks=design_only_checks(walk.requirements, walk.design.constraints),
        assumption_costs=walk.design.assumption_costs,
    )
    Prompt.ask("Press Enter to go on to the decisions", default="", console=console)


def _show(console: Console, decision: Decision) -> None:
    console.print(f"\n[bold]{decision.title}[/bold]: {decision.selected}", soft_wrap=False)
    console.print(f"  why: {decision.why}", style="dim", markup=False)


def _ask_pin(console: Console, walk: Walk, catalog: Catalog, field: str) -> None:
    choice = pin_choice(walk.requirements, catalog, walk.design, field)
    _show(console, choice.decision)
    console.print(_options_table(choice))
    allowed = [o.value for o in choice.options if not o.cannot]
    answer = Prompt.ask(
        f"Keep {choice.chosen}, or pin {choice.field} to",
        choices=allowed,
        default=choice.chosen,
        console=console,
    )
    if answer == choice.chosen:
        return
    set_answer(walk.document.tree, ("decisions", field), answer)
    walk.requirements = validate_document(walk.document, catalog.regions)
    before = {c.id for c in walk.design.conflicts}
    walk.design = design_system(walk.requirements, catalog)
    walk.pins.append((choice.field, answer))
    bill = walk.design.cost.environment("prod").total_monthly_usd.value
    console.print(
        f"[green]pinned {choice.field}: {answer}[/green] (saved to the spec when the design "
        f"is written); the design is recomputed: prod ${bill:,.0f}/month"
    )
    for conflict in walk.design.conflicts:
        if conflict.id not in before and conflict.severity is Severity.ERROR:
            console.print(f"[bold red]conflict:[/bold red] {conflict.title}", markup=True)
            console.print(f"  fix: {conflict.fix}", markup=False)


def _options_table(choice: PinChoice) -> Table:
    base = next(o.prod_monthly_usd for o in choice.options if o.chosen) or 0.0
    table = Table(title=f"{choice.field}: the options, prod bill each", title_justify="left")
    table.add_column("option")
    table.add_column("prod $/month", justify="right")
    table.add_column("vs chosen", justify="right")
    table.add_column("note", overflow="fold")
    for option in choice.options:
        if option.prod_monthly_usd is None:
            table.add_row(option.value, "-", "-", f"cannot hold: {option.cannot}")
            continue
        delta = option.prod_monthly_usd - base
        note = "chosen" + (" (pinned)" if choice.pinned else "") if option.chosen else ""
        if not note:
            note = next(
                (
                    a.why_not
                    for a in choice.decision.alternatives
                    if a.name.startswith(option.value)
                ),
                "",
            )
        table.add_row(
            option.value,
            f"{option.prod_monthly_usd:,.0f}",
            "" if option.chosen else f"{delta:+,.0f}",
            note,
        )
    return table
