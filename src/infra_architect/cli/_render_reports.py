"""Reports over what already exists, as Rich tables: a review, a validation, a priced
Terraform tree, a bill's change. Apart from the design's renderers (``_render``) because
``review`` and ``cost explain`` must start without the engine: the types are imported
for annotations only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from infra_architect._display import printable
from infra_architect.cli._tables import titled_table as _table

if TYPE_CHECKING:
    from infra_architect.cost import Explanation, TerraformCost
    from infra_architect.review import Reviewed, ReviewReport
    from infra_architect.validate import ValidationReport


_REVIEW_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def render_review(console: Console, report: ReviewReport, fail_on: str) -> None:
    """The review as a table, then what was not read. Every name from the reviewed tree
    goes through ``printable`` into a ``Text`` (never markup, never a raw control)."""
    console.print(
        Panel(
            Group(
                Text(f"review: {printable(report.root)}", style="bold"),
                Text(
                    f"{report.files_read} files, {report.resources} Terraform resources in "
                    f"{len(report.terraform_roots)} root modules, {report.kubernetes_objects} "
                    f"Kubernetes objects, {report.seconds:g} s"
                ),
            ),
            expand=False,
        )
    )
    active = sorted(report.active, key=lambda r: (-r.finding.severity.rank, r.finding.file))
    if active:
        _print_findings(console, active, fail_on)
    elif report.checked_nothing:
        console.print(Text("no findings, because nothing was checked", style="yellow"))
    elif report.incomplete:
        console.print(Text("no findings in what was read", style="yellow"))
    else:
        console.print(Text("no findings", style="green"))
    quiet = [r for r in report.findings if not r.active]
    if quiet:
        console.print(
            f"{sum(1 for r in quiet if r.suppressed)} suppressed, "
            f"{sum(1 for r in quiet if r.baselined)} in the baseline",
            markup=False,
        )
    for text in report.invalid_suppressions:
        console.print(Text(f"suppression not applied: {printable(text)}", style="yellow"))
    for s in (s for s in report.skipped if s.by_design):
        console.print(Text(f"left out {printable(s.path)}: {printable(s.reason)}"))
    if report.stopped:
        console.print(Text(f"walk stopped: {printable(report.stopped)}", style="yellow"))
    for s in report.unread:
        console.print(Text(f"not read {printable(s.path)}: {printable(s.reason)}", style="yellow"))
    if report.nothing_checked:
        console.print(
            Text(
                f"NOT A PASS: {report.nothing_checked} (exit 3; --allow-incomplete to accept)",
                style="bold red",
            )
        )
    if report.incomplete:
        console.print(
            Text(
                f"INCOMPLETE: {len(report.unread)} files, modules or overlays not read or built"
                + (" and the walk stopped" if report.stopped else "")
                + ": the findings cover only what was read (exit 3; --allow-incomplete to "
                "accept)",
                style="bold red",
            )
        )


# What the table needs besides the location column: severity and rule unbroken, the
# finding and the fix at least 16 cells wide each, borders and padding.
_BESIDE_WHERE = 8 + 10 + 16 + 16 + 16


def _print_findings(console: Console, active: list[Reviewed], fail_on: str) -> None:
    """The findings as a table whose location column is never folded (a path split
    across lines cannot be copied, grepped or clicked). When the longest location leaves
    too little room for the rest, one block per finding instead: the location whole on
    its own line (longer than the terminal, it runs on rather than breaks), then the
    finding and the fix."""
    where = [printable(f"{r.finding.file}:{r.finding.line}") for r in active]
    longest = max(cell_len(w) for w in where)
    if longest + _BESIDE_WHERE > console.width:
        console.print(Text(f"{len(active)} findings (fails on {fail_on} and above)", style="bold"))
        for r, location in zip(active, where, strict=True):
            f = r.finding
            head = Text(f.severity.value, style=_REVIEW_STYLE[f.severity.value])
            head.append(f" {printable(f.rule_id)} {location}")
            console.print(head, soft_wrap=True)
            console.print(Padding(Text(printable(f.message)), (0, 0, 0, 2), expand=False))
            console.print(
                Padding(Text(f"fix: {printable(f.remediation)}"), (0, 0, 1, 2), expand=False)
            )
        return
    table = _table(f"{len(active)} findings", f"fails on {fail_on} and above")
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("where", no_wrap=True, min_width=longest)
    table.add_column("finding", overflow="fold", ratio=1)
    table.add_column("fix", overflow="fold", ratio=1)
    for r, location in zip(active, where, strict=True):
        f = r.finding
        table.add_row(
            Text(f.severity.value, style=_REVIEW_STYLE[f.severity.value]),
            Text(printable(f.rule_id)),
            Text(location),
            Text(printable(f.message)),
            Text(printable(f.remediation)),
        )
    console.print(table)


def render_validation(console: Console, report: ValidationReport) -> None:
    """One row per tool and target; the findings of failures under the table."""
    table = Table(title=f"Validation of {report.tree}", title_justify="left")
    table.add_column("tool")
    table.add_column("target")
    table.add_column("result")
    table.add_column("detail")
    style = {"passed": "green", "failed": "bold red", "skipped": "yellow"}
    for result in report.results:
        table.add_row(
            result.tool,
            result.target,
            f"[{style[result.status]}]{result.status.upper()}[/]",
            result.detail,
        )
    console.print(table)
    for result in report.results:
        if result.findings and result.status != "passed":
            console.print(f"[bold]{result.tool} {result.target}[/]")
            for line in result.findings:
                console.print(f"  {line}", markup=False)
    verdict = (
        "[green]all checks passed[/]"
        if report.ok
        else (f"[bold red]{len(report.failed)} check(s) failed[/]")
    )
    skipped = f"; {len(report.skipped)} skipped (tool absent)" if report.skipped else ""
    console.print(verdict + skipped)


def render_explanation(console: Console, e: Explanation) -> None:
    """The bill's change, its top movers (share of the increase) and their levers. Names
    from the export (services, usage types) and its path go through ``printable`` into a
    ``Text``: never markup, never emoji codes, never a raw terminal control."""
    if e.change_usd == 0:
        change = "did not change"
    else:
        direction = "rose" if e.change_usd > 0 else "fell"
        by = f" {abs(e.change_ratio):.0%}" if e.change_ratio is not None else ""
        change = f"{direction}{by}"
    console.print(
        Text(
            f"{printable(e.source)} ({e.format}): the bill {change} from "
            f"{e.before_month} ({_dollars(e.before_usd)}) to {e.after_month} "
            f"({_dollars(e.after_usd)}), "
            f"{e.change_usd:+,.2f} USD"
        )
    )
    table = _table("Top movers (service and usage type)")
    for column in ("Service", "Usage type", e.before_month, e.after_month, "Change", "Share"):
        table.add_column(
            Text(column),
            justify="right" if column[0].isdigit() or column in ("Change", "Share") else "left",
        )
    for m in e.movers:
        table.add_row(
            Text(printable(m.service)),
            Text(printable(m.usage_type)),
            f"{m.before_usd:,.2f}",
            f"{m.after_usd:,.2f}",
            f"{m.change_usd:+,.2f}",
            f"{m.share_of_increase:.0%}" if m.share_of_increase else "",
        )
    console.print(table)
    for rank, m in enumerate([m for m in e.movers if m.change_usd > 0][:3], start=1):
        console.print(
            Text(
                f"{rank}. {printable(m.service)} {printable(m.usage_type)}: "
                f"{m.change_usd:+,.2f} USD, {m.share_of_increase:.0%} of the increase"
            )
        )
        for lever in m.levers:
            console.print(Text(f"   - {lever}"))
    for note in e.notes:
        rows = f"{note.rows:,} row" + ("s" if note.rows != 1 else "")
        console.print(
            Text(f"{note.what}: {rows} (first at line {note.first_line})"), style="yellow"
        )


def _dollars(value: float) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def render_terraform_cost(console: Console, cost: TerraformCost) -> None:
    table = _table(
        f"{cost.root}: list prices in {cost.priced_region} as of {cost.prices_as_of}",
        caption=f"total {cost.total_monthly_usd:,.2f} USD/month for what is priced",
    )
    for column in ("Resource", "Component", "Quantity", "USD/month"):
        table.add_column(column, justify="right" if column == "USD/month" else "left")
    for resource in cost.resources:
        for line in resource.lines:
            table.add_row(
                f"{resource.address} ({resource.file}:{resource.line})",
                line.component,
                f"{line.quantity.worked} {line.quantity.unit}",
                f"{line.monthly_usd.value:,.2f}",
            )
    console.print(table)
    console.print(
        f"{cost.free} resources are free (configuration, identity, routing).", markup=False
    )
    for title, items in (
        ("Priced without usage (traffic decides the rest)", cost.usage_priced),
        ("Not priced (not static, or not in the model): never guessed", cost.unknown),
        ("Skipped", cost.skipped),
    ):
        if items:
            console.print(f"{title}:", markup=False)
            for item in items:
                console.print(f"  - {item}", markup=False)
