"""Today's monthly bill: from a cost export when given, else the code's static prices.

Owned by the i24-tf track; the orchestrator calls `read_bill` and merges its Findings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from infra_architect.catalog import load_catalog
from infra_architect.cost import ExportError, price_graph, read_export
from infra_architect.importer._findings import Findings, Unread
from infra_architect.importer._terraform import chosen_roots, load_root, root_region
from infra_architect.review import Walk, terraform_roots

STATIC_SOURCE = "static prices of the code (usage-driven items excluded)"


def read_bill(
    root: Path, walked: Walk, cost_export: Path | None, *, today: date | None = None
) -> Findings:
    """Findings with ``monthly_usd`` set (and ``unread`` when a source failed).
    ``today``: what "the latest full month" is measured against (default: the date)."""
    if cost_export is not None:
        return _from_export(cost_export, today or datetime.now(UTC).date())
    return _from_code(root, walked)


def _from_export(export: Path, today: date) -> Findings:
    """The latest full month's total: the current month, still being billed, is left out.
    A bad export is unread with its reason, never a bill of 0."""
    try:
        totals = read_export(export)
    except ExportError as exc:
        return Findings(unread=(Unread(path=str(export), reason=str(exc)),))
    current = f"{today.year:04d}-{today.month:02d}"
    by_month: dict[str, Decimal] = {}
    for (month, _, _), amount in totals.totals.items():
        by_month[month] = by_month.get(month, Decimal(0)) + amount
    full = sorted(m for m in by_month if m < current)
    if not full:
        why = f"no full month before {current} in it (months: {', '.join(sorted(by_month))})"
        return Findings(unread=(Unread(path=str(export), reason=why),))
    latest = full[-1]
    total = float(by_month[latest].quantize(Decimal("0.01")))
    return Findings(monthly_usd=(total, f"cost export {export} ({latest})"))


def _from_code(root: Path, walked: Walk) -> Findings:
    """What `cost price DIR` computes, summed over the prod root (or every root)."""
    chosen = chosen_roots(terraform_roots(walked))
    if not chosen:
        return Findings()
    prices = load_catalog().price_catalog
    total = 0.0
    priced = missing = 0
    unread: list[Unread] = []
    for directory in chosen:
        graph = load_root(root.resolve(), walked, directory)
        found = root_region(graph)
        region = found[0] if found is not None else "us-east-1"
        if region not in prices.regions:
            why = f"region {region} has no prices in the catalog: the bill is not priced"
            unread.append(Unread(path=directory, reason=why))
            continue
        cost = price_graph(graph, prices, region, directory)
        total += cost.total_monthly_usd
        priced += len(cost.resources)
        missing += len(cost.unknown) + len(cost.skipped)
    if unread:
        return Findings(unread=tuple(unread))
    if not priced:
        # nothing with a static price (usage-driven, sizes not static, modules not read):
        # the bill is unknown, not $0
        why = "no resource in the code has a static price: today's bill is not known"
        return Findings(notes=(why,))
    if missing:  # what the model could not price makes the figure a floor, and says so
        source = f"{STATIC_SOURCE}; at least: {missing} resource(s) or module(s) not priced"
        return Findings(monthly_usd=(round(total, 2), source))
    return Findings(monthly_usd=(round(total, 2), STATIC_SOURCE))
