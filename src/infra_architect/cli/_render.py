"""The design's results as Rich tables for people: constraints, the design summary, the
simulation (the JSON forms are for machines). Reports over existing code and bills are in
``_render_reports``, which does not load the engine."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from infra_architect._figures import share
from infra_architect._output import WriteReport
from infra_architect.cli._tables import FieldPath, add_path_column
from infra_architect.cli._tables import titled_table as _table
from infra_architect.engine import (
    AssumptionCost,
    Constraints,
    Design,
    FaultStudy,
    Figure,
    Severity,
    number,
)

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_constraints(
    console: Console,
    c: Constraints,
    source: str,
    *,
    explain: bool,
    design_checks: list[str] | None = None,
    assumption_costs: list[AssumptionCost] | None = None,
) -> None:
    verdict = (
        Text("feasible: no conflicting requirements", style="green")
        if c.feasible
        else Text("INFEASIBLE: the requirements conflict (see Conflicts)", style="bold red")
    )
    later = [
        Text(f"checked only by `design`: {check}", style="yellow") for check in design_checks or []
    ]
    console.print(
        Panel(
            Group(Text(f"{c.name}: constraints", style="bold"), Text(source), verdict, *later),
            expand=False,
        )
    )
    console.print(_budget(c))
    console.print(_traffic(c))
    console.print(_services(c))
    if explain:
        console.print(_service_arithmetic(c))
    console.print(_topology(c))
    console.print(_team(c))
    console.print(_floor(c))
    console.print(_conflicts(c))
    console.print(_assumptions(c, console.width))
    if assumption_costs is not None:
        console.print(_assumption_costs(assumption_costs, console.width))


def _assumption_costs(costs: list[AssumptionCost], width: int) -> Table | Text:
    """The defaults the bill rests on, priced, largest effect first."""
    if not costs:
        return Text("The bill rests on no default: CPU, call and message rates are stated")
    table = _table(
        "What the bill rests on (defaults re-priced at other values; measure the top one first)"
    )
    table.add_column("assumption", overflow="fold")
    table.add_column("applies to", overflow="fold")
    table.add_column("if instead: prod USD/month", overflow="fold")
    add_path_column(
        table, "state it", [", ".join(cost.fields) for cost in costs], width, style="dim"
    )
    for cost in costs:
        table.add_row(
            cost.assumption,
            ", ".join(cost.applies_to),
            cost.said(),
            FieldPath(", ".join(cost.fields)),
        )
    return table


def _figures_table(title: str, rows: list[tuple[str, Figure | None]]) -> Table:
    table = _table(title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("arithmetic", style="dim")
    for label, fig in rows:
        if fig is not None:
            table.add_row(label, fig.show(), fig.worked)
    return table


def _budget(c: Constraints) -> Table:
    b = c.error_budget
    return _figures_table(
        f"Error budget at {b.slo:g}%",
        [("per 30 days", b.per_30_days), ("per year", b.per_year), ("per deploy", b.per_deploy)],
    )


def _traffic(c: Constraints) -> Table:
    t = c.traffic
    months = f" (month {t.growth_months})" if t.growth_months else ""
    return _figures_table(
        "Traffic",
        [
            ("average today", t.average_rps),
            ("peak today", t.peak_rps),
            ("sudden spike", t.spike_rps),
            (f"average at growth target{months}", t.growth_average_rps),
            (f"peak at growth target{months}", t.growth_peak_rps),
            ("growth rate", t.monthly_growth_rate),
        ],
    )


def _services(c: Constraints) -> Table:
    table = _table("Capacity per service")
    for heading in (
        "service",
        "type",
        "avg load",
        "peak load",
        "per replica",
        "min",
        "max",
        "AZ-loss safe",
        "vCPU min-max",
        "GiB min-max",
    ):
        table.add_column(heading, justify="left" if heading in ("service", "type") else "right")
    for s in c.services:
        az = s.replicas_to_survive_az_loss
        table.add_row(
            s.name,
            s.type.value,
            number(s.average_load.value),
            number(s.peak_load.value),
            number(s.load_per_replica.value),
            number(s.min_replicas.value),
            number(s.max_replicas.value),
            number(az.value) if az else "-",
            f"{number(s.vcpu_min.value)}-{number(s.vcpu_max.value)}",
            f"{number(s.memory_gb_min.value)}-{number(s.memory_gb_max.value)}",
        )
    t = c.totals
    table.add_section()
    table.add_row(
        "total",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        f"{number(t.vcpu_min.value)}-{number(t.vcpu_max.value)}",
        f"{number(t.memory_gb_min.value)}-{number(t.memory_gb_max.value)}",
        style="bold",
    )
    table.caption = (
        "load in requests/s (workers: messages/s); min = max(availability floor, "
        "replicas at average load); max covers the spike and the growth peak"
    )
    return table


def _service_arithmetic(c: Constraints) -> Table:
    table = _table("How each service was sized")
    table.add_column("service")
    table.add_column("figure")
    table.add_column("arithmetic", style="dim")
    for s in c.services:
        rows = [
            ("load factor", s.load_factor),
            ("average load", s.average_load),
            ("per replica", s.load_per_replica),
            ("replicas at peak", s.replicas_peak),
            ("availability floor", s.availability_floor),
            ("min replicas", s.min_replicas),
            ("max replicas", s.max_replicas),
            ("AZ-loss safe", s.replicas_to_survive_az_loss),
            ("spike headroom", s.spike_headroom),
        ]
        for index, (label, fig) in enumerate(rows):
            if fig is not None:
                table.add_row(s.name if index == 0 else "", label, fig.worked)
        table.add_section()
    return table


def _topology(c: Constraints) -> Table:
    table = _table("Topology and recovery")
    table.add_column("figure")
    table.add_column("value")
    table.add_column("why", style="dim")
    top, rec = c.topology, c.recovery
    table.add_row(
        "availability zones", top.availability_zones.show(), top.availability_zones.worked
    )
    table.add_row("regions", f"{top.regions} ({top.multi_region})", top.why)
    table.add_row(
        "RTO / RPO",
        f"{rec.rto_minutes.show()} / {rec.rpo_minutes.show()}",
        f"{rec.rto_minutes.formula}; {rec.rpo_minutes.formula}",
    )
    table.add_row("disaster recovery", rec.strategy, rec.why)
    table.add_row(
        "in-region DB failover",
        rec.in_region_failover_minutes.show(),
        rec.in_region_failover_minutes.formula,
    )
    return table


def _team(c: Constraints) -> Table:
    x = c.complexity
    table = _table("What the team can operate", caption=x.why)
    table.add_column("capability")
    table.add_column("", justify="center")
    table.add_column("shortfall", style="dim")
    for fit in x.capabilities:
        mark = Text("yes", style="green") if fit.within_reach else Text("no", style="red")
        table.add_row(fit.title, mark, "; ".join(fit.shortfalls))
    on_call = "sustainable" if x.sustainable_on_call else f"needs {x.on_call_minimum}+ people"
    table.add_row("24x7 on-call rotation", Text(on_call), f"{x.on_call_people} people")
    return table


def _floor(c: Constraints) -> Table:
    f = c.cost_floor
    table = _table(
        f"Cost floor: ${number(f.total_monthly_usd.value)}/month (a lower bound)",
        caption=f"{f.note} Prices: {f.price_region}, as of {f.prices_as_of}.",
    )
    table.add_column("component")
    table.add_column("USD/month", justify="right")
    table.add_column("arithmetic", style="dim")
    table.add_column("note", style="dim")
    for line in f.lines:
        table.add_row(
            line.component, number(line.monthly_usd.value), line.monthly_usd.worked, line.note
        )
    return table


def _conflicts(c: Constraints) -> Table | Text:
    if not c.conflicts:
        return Text("Conflicts: none", style="green")
    table = _table("Conflicts")
    table.add_column("severity")
    table.add_column("conflict")
    table.add_column("fix")
    for conflict in c.conflicts:
        table.add_row(
            Text(conflict.severity.value, style=_SEVERITY_STYLE[conflict.severity]),
            Text.assemble(
                (conflict.title, "bold"), f"\n{conflict.detail}\n", (f"[{conflict.id}]", "dim")
            ),
            conflict.fix,
        )
    return table


def _assumptions(c: Constraints, width: int) -> Table | Text:
    if not c.assumptions:
        return Text("Assumptions: none; every input was stated")
    table = _table("Assumptions (defaults applied; state them in the spec to change)")
    add_path_column(table, "field", [a.field for a in c.assumptions], width)
    table.add_column("value")
    table.add_column("applies to")
    table.add_column("why", style="dim")
    for a in c.assumptions:
        table.add_row(FieldPath(a.field), a.value, ", ".join(a.applies_to), a.reason)
    return table


def render_design_summary(
    console: Console, design: Design, source: str, output: Path, report: WriteReport
) -> None:
    verdict = (
        Text("feasible: every requirement is met by this design", style="green")
        if design.feasible
        else Text(
            "INFEASIBLE: the requirements conflict; the documents say so (see Conflicts)",
            style="bold red",
        )
    )
    console.print(
        Panel(
            Group(Text(f"{design.name}: design", style="bold"), Text(source), verdict),
            expand=False,
        )
    )
    decisions = _table("Decisions (failure paths first)")
    decisions.add_column("decision")
    decisions.add_column("selected")
    decisions.add_column("why", style="dim", overflow="fold")
    for d in design.decisions:
        decisions.add_row(d.title, d.selected + (" (pinned)" if d.pinned else ""), d.why)
    console.print(decisions)
    dod = _table("Definition of Done")
    dod.add_column("question")
    dod.add_column("status")
    for answer in design.definition_of_done:
        dod.add_row(
            answer.question,
            Text("DONE", style="green") if answer.done else Text("NOT DONE", style="bold red"),
        )
    console.print(dod)
    if design.conflicts:
        table = _table("Conflicts")
        table.add_column("severity")
        table.add_column("conflict", overflow="fold")
        table.add_column("fix", overflow="fold")
        for c in design.conflicts:
            table.add_row(
                Text(c.severity.value.upper(), style=_SEVERITY_STYLE[c.severity]), c.title, c.fix
            )
        console.print(table)
    console.print(_assumption_costs(design.assumption_costs, console.width))
    parts = [f"{len(report.written)} written", f"{len(report.unchanged)} unchanged"]
    if report.removed:
        parts.append(f"{len(report.removed)} stale removed")
    if report.forced:
        parts.append(f"{len(report.forced)} edited file(s) overwritten (--force)")
    if report.seeded_kept:
        parts.append(f"{len(report.seeded_kept)} owned by the deploy, left as they are")
    console.print(f"{output}: " + ", ".join(parts), highlight=False)
    for rel in report.kept_edited:
        console.print(
            f"  kept {output / rel}: you edited it, so it was left as it is", highlight=False
        )
    console.print(f"start with {output / 'docs' / 'architecture.md'}", highlight=False)


def render_simulation(console: Console, design: Design, source: str, plots: list[str]) -> None:
    """The simulations of ``design`` as tables."""
    sim = design.simulation
    console.print(
        Panel(Group(Text(f"{design.name}: simulation", style="bold"), Text(source)), expand=False)
    )
    for path in sim.availability:
        table = _table(
            f"Availability of {path.path}'s path",
            f"{number(path.monte_carlo.trials)} simulated months, seed {path.monte_carlo.seed}; "
            "closed form = steady state of the same structure",
        )
        for column in (
            "topology",
            "closed form",
            "Monte Carlo (95% CI)",
            "downtime p50 / p99",
            "months within budget",
        ):
            table.add_column(column)
        for label, mc in (
            (path.topology, path.monte_carlo),
            (path.alternative_topology, path.alternative),
        ):
            table.add_row(
                label,
                f"{mc.closed_form * 100:.4f}%",
                f"{mc.mean * 100:.4f}% ({mc.ci_low * 100:.4f}-{mc.ci_high * 100:.4f})",
                f"{mc.downtime_p50_minutes:.1f} / {mc.downtime_p99_minutes:.1f} min",
                f"{mc.meets_slo:.1%} (≤ {number(mc.budget_minutes)} min)",
            )
        console.print(table)
    study = sim.spike
    if study is not None:
        table = _table(
            f"{study.shape} from {study.start_seconds} s, held {study.hold_seconds} s (1 s steps)",
            f"limit: {share(study.budget_share_limit)} of each service's monthly error budget "
            "a spike",
        )
        for column in (
            "service",
            "min replicas",
            "to capacity",
            "shed",
            "budget spent",
            "first sizing",
            "instant step",
        ):
            table.add_column(column)
        for first, tuned, step in zip(study.designed, study.tuned, study.step, strict=True):
            reached = (
                "never" if tuned.seconds_to_capacity is None else f"{tuned.seconds_to_capacity} s"
            )
            shed = (
                f"{number(round(tuned.shed))}"
                if tuned.max_backlog == 0
                else f"0 (queue ≤ {number(round(tuned.max_backlog))})"
            )
            table.add_row(
                tuned.service,
                f"{first.min_replicas} → {tuned.min_replicas}"
                if first.min_replicas != tuned.min_replicas
                else str(tuned.min_replicas),
                reached,
                shed,
                share(tuned.budget_share),
                share(first.budget_share),
                share(step.budget_share),
            )
        console.print(table)
        if study.changes:
            console.print("settings raised: " + "; ".join(study.changes), markup=False)
        if study.absorb_step is not None:
            price = number(round(study.absorb_step.monthly_usd.value))
            console.print(
                f"absorbing an instant step instead: +${price}/month ("
                + "; ".join(study.absorb_step.changes)
                + "); declare it with traffic.spike_ramp_seconds: 0",
                markup=False,
            )
    if sim.faults is not None:
        console.print(_faults_table(sim.faults, design.delivery.strategy))
    for plot in plots:
        console.print(f"wrote {plot}", markup=False)


def _faults_table(faults: FaultStudy, strategy: str) -> Table:
    table = _table("Faults at peak")
    for column in ("fault", "lost", "failed + shed", "budget spent", "restored"):
        table.add_column(column)
    for loss in (faults.node, faults.zone):
        if loss is None:
            continue
        table.add_row(
            loss.what_fails,
            f"{loss.replicas_lost} {loss.replica}"
            + ("" if loss.replicas_lost == 1 else "s")
            + f" ({loss.capacity_lost_share:.0%})",
            number(round(loss.failed_before_detection + loss.shed_after_detection)),
            share(loss.budget_share),
            f"{loss.seconds_to_restore} s",
        )
    for r in faults.rollouts:
        chosen = " (chosen)" if r.strategy == strategy else ""
        table.add_row(
            f"bad deploy, {r.strategy}{chosen}",
            f"{r.exposure_peak:.0%} of requests",
            number(round(r.failed)),
            share(r.budget_share),
            f"{number(r.seconds_to_recover)} s",
        )
    e = faults.emergency
    table.add_row(
        "emergency rollback",
        f"{e.replicas} replicas, batches of {e.surge_pods}",
        "-",
        "-",
        f"{number(e.seconds)} s" + (" (waits for a node)" if e.waits_for_nodes else ""),
    )
    return table
