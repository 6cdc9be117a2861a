"""``cost explain``: why a bill changed month over month, and what to do about it.

Reads an AWS cost export — a Cost and Usage Report (legacy ``lineItem/...`` columns or
CUR 2.0 ``line_item_...`` columns) or a Cost Explorer CSV grouped by service (a row per
month, a column per service) — sums cost by month, service and usage type, and ranks
the changes between two months by how much of the increase each explains. Each mover
gets the levers that fit its usage type; none of them removes redundancy (Multi-AZ,
replicas, backups): savings that cost reliability are not offered.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict

from infra_architect.errors import InfraArchitectError

NO_USAGE_TYPE = "(all usage types)"


class ExportError(InfraArchitectError):
    """The export cannot be read: names the file, the line and the fix."""

    def __init__(self, source: str, message: str, fix: str, line: int | None = None) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}\n  fix: {fix}")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mover(_Out):
    service: str
    usage_type: str
    before_usd: float
    after_usd: float
    change_usd: float
    share_of_increase: float
    levers: list[str]


class Explanation(_Out):
    source: str
    format: str
    months: list[str]
    before_month: str
    after_month: str
    before_usd: float
    after_usd: float
    change_usd: float
    change_ratio: float
    movers: list[Mover]
    services: list[Mover]


# --- levers by usage type (first match wins; none touches redundancy) ---------------

LEVERS: tuple[tuple[str, list[str]], ...] = (
    (
        r"NatGateway-Bytes",
        [
            (
                "NAT traffic → VPC endpoints: gateway endpoints for S3 and DynamoDB are free, "
                "interface endpoints ($0.01/GB) for ECR, CloudWatch Logs, STS and other AWS APIs"
            ),
            (
                "find the top talkers in VPC Flow Logs (pkt-dstaddr outside the VPC) before "
                "adding endpoints"
            ),
        ],
    ),
    (
        r"DataTransfer-Regional-Bytes|DataTransfer-xAZ",
        [
            (
                "cross-AZ traffic: keep chatty calls in-zone (topology-aware routing), without "
                "giving up the spread across AZs"
            ),
        ],
    ),
    (
        r"DataTransfer-Out-Bytes|CloudFront",
        [
            (
                "data transfer out: serve static content through CloudFront (cached, cheaper per "
                "GB), compress responses"
            ),
        ],
    ),
    (
        r"EBS:VolumeUsage(\.gp2)?$",
        ["gp2 → gp3: 20% cheaper per GB with baseline IOPS included; an online change"],
    ),
    (
        r"EBS:SnapshotUsage",
        ["idle resources: expire old snapshots with a Data Lifecycle Manager policy"],
    ),
    (
        r"IdleAddress|ElasticIP",
        ["idle resources: release unattached Elastic IPs and public IPv4 addresses"],
    ),
    (
        r"BoxUsage|SpotUsage|DedicatedUsage",
        [
            (
                "rightsizing: compare instance CPU and memory (CloudWatch, Compute Optimizer) "
                "with their size"
            ),
            (
                "commitments: a Compute Savings Plan for the steady baseline (about 30% off for "
                "1 year)"
            ),
            "non-prod schedules: stop staging and dev instances outside working hours",
            "Spot for stateless and queue workers; Graviton at the same size (about 15-20% off)",
        ],
    ),
    (
        r"Fargate",
        [
            "rightsizing: match task CPU and memory to measured use",
            "commitments: Compute Savings Plans cover Fargate",
            "Fargate Spot for queue workers; non-prod services scaled to zero at night",
        ],
    ),
    (
        r"InstanceUsage|Multi-AZUsage|NodeUsage|ESInstance",
        [
            (
                "commitments: Reserved Instances once the size is stable (about 35% off for "
                "1 year); keep Multi-AZ and replicas"
            ),
            (
                "rightsizing: resize from measured CPU and memory, not from the peak of a "
                "one-off migration"
            ),
        ],
    ),
    (
        r"TimedStorage-ByteHrs",
        ["log retention: set a retention on every log group; archive to S3 what must be kept"],
    ),
    (
        r"DataProcessing-Bytes|DataProcessingIA",
        [
            (
                "log volume: drop debug and health-check logs at the source, sample access logs, "
                "use the Infrequent Access class for logs no alarm reads"
            ),
        ],
    ),
    (
        r"NatGateway-Hours",
        [
            "non-prod schedules: one shared NAT gateway in staging and dev; prod keeps one per AZ",
        ],
    ),
    (
        r"RDS:.*Storage|Aurora:Storage",
        [
            (
                "database storage: find the largest tables and retention; RDS storage does not "
                "shrink, so archive cold rows before it grows further"
            ),
        ],
    ),
    (
        r"LoadBalancerUsage|LCUUsage",
        ["consolidate load balancers with host- and path-based rules"],
    ),
    (
        r"TimedStorage|StorageUsage|GB-Mo",
        ["storage classes: lifecycle rules to Intelligent-Tiering or Glacier for cold data"],
    ),
    (
        r"Requests|API",
        ["request volume: batch API calls; cache what is read repeatedly"],
    ),
)
GENERIC = ["review the resources behind it; the export's resource ids name them"]


def levers_for(usage_type: str) -> list[str]:
    for pattern, levers in LEVERS:
        if re.search(pattern, usage_type):
            return levers
    return GENERIC


# --- reading exports ------------------------------------------------------------------

_CUR_V1 = ("lineItem/UsageStartDate", "lineItem/ProductCode", "lineItem/UsageType")
_CUR_V2 = ("line_item_usage_start_date", "line_item_product_code", "line_item_usage_type")
_COST_V1 = ("lineItem/UnblendedCost", "lineItem/BlendedCost", "lineItem/NetUnblendedCost")
_COST_V2 = ("line_item_unblended_cost", "line_item_blended_cost", "line_item_net_unblended_cost")
_MONTH = re.compile(r"^(\d{4}-\d{2})")

Totals = dict[tuple[str, str, str], float]  # (month, service, usage type) -> USD


def read_export(text: str, source: str) -> tuple[str, Totals]:
    """The export's format and its cost by (month, service, usage type)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ExportError(source, "the file is empty", "export a CSV from Cost Explorer or CUR")
    header = [cell.strip() for cell in rows[0]]
    if all(c in header for c in _CUR_V1):
        return "cur", _read_cur(rows, header, source, _CUR_V1, _COST_V1)
    if all(c in header for c in _CUR_V2):
        return "cur2", _read_cur(rows, header, source, _CUR_V2, _COST_V2)
    if header[0].lower() == "service" and any(h.endswith("($)") for h in header[1:]):
        return "cost-explorer", _read_cost_explorer(rows, header, source)
    raise ExportError(
        source,
        f"line 1 is not a known cost export header (starts {', '.join(header[:3])!r})",
        "export a Cost and Usage Report (lineItem/... or line_item_... columns) or a Cost "
        "Explorer CSV grouped by service (a row per month)",
        line=1,
    )


def _read_cur(
    rows: list[list[str]],
    header: list[str],
    source: str,
    names: tuple[str, str, str],
    costs: tuple[str, ...],
) -> Totals:
    cost_column = next((c for c in costs if c in header), None)
    if cost_column is None:
        raise ExportError(
            source, f"no cost column (one of {', '.join(costs)})", "include unblended cost", 1
        )
    start, product, usage = (header.index(n) for n in names)
    cost = header.index(cost_column)
    totals: Totals = defaultdict(float)
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise ExportError(
                source,
                f"has {len(row)} columns, the header has {len(header)}",
                "re-export the file",
                number,
            )
        month = _MONTH.match(row[start].strip())
        if month is None:
            raise ExportError(
                source,
                f"{names[0]} {row[start]!r} is not a date",
                "dates look like 2025-05-01T00:00:00Z",
                number,
            )
        totals[(month.group(1), row[product].strip(), row[usage].strip())] += _usd(
            row[cost], source, number, cost_column
        )
    return dict(totals)


def _read_cost_explorer(rows: list[list[str]], header: list[str], source: str) -> Totals:
    totals: Totals = defaultdict(float)
    services = [(i, h[: -len("($)")].strip()) for i, h in enumerate(header) if h.endswith("($)")]
    for number, row in enumerate(rows[1:], start=2):
        month = _MONTH.match(row[0].strip()) if row else None
        if month is None:
            continue  # "Service total" and blank rows
        for index, service in services:
            if service.lower().startswith("total") or index >= len(row) or not row[index].strip():
                continue
            totals[(month.group(1), service, NO_USAGE_TYPE)] += _usd(
                row[index], source, number, header[index]
            )
    return dict(totals)


def _usd(raw: str, source: str, line: int, column: str) -> float:
    try:
        return float(raw.strip().replace(",", "") or 0)
    except ValueError:
        raise ExportError(
            source, f"{column} {raw!r} is not a number", "costs are decimals", line
        ) from None


# --- explaining -------------------------------------------------------------------------


def explain(
    text: str, source: str, before: str | None = None, after: str | None = None, top: int = 10
) -> Explanation:
    kind, totals = read_export(text, source)
    months = sorted({m for m, _, _ in totals})
    if len(months) < 2:
        raise ExportError(
            source,
            f"covers {len(months)} month(s); a change needs two",
            "export at least the two months to compare",
        )
    after = after or months[-1]
    if before is None and after in months:
        before = months[max(0, months.index(after) - 1)]
    for label, month in (("--before", before), ("--after", after)):
        if month not in months:
            raise ExportError(
                source, f"{label} {month} is not in the export", f"use one of {', '.join(months)}"
            )
    assert before is not None  # noqa: S101  (checked above)
    by_type = _compare(totals, before, after, key=lambda s, u: (s, u))
    by_service = _compare(totals, before, after, key=lambda s, u: (s, NO_USAGE_TYPE))
    old = sum(v for (m, _, _), v in totals.items() if m == before)
    new = sum(v for (m, _, _), v in totals.items() if m == after)
    return Explanation(
        source=source,
        format=kind,
        months=months,
        before_month=before,
        after_month=after,
        before_usd=round(old, 6),
        after_usd=round(new, 6),
        change_usd=round(new - old, 6),
        change_ratio=round((new - old) / old, 6) if old else 0.0,
        movers=by_type[:top],
        services=by_service[:top],
    )


def _compare(
    totals: Totals, before: str, after: str, key: Callable[[str, str], tuple[str, str]]
) -> list[Mover]:
    grouped: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (month, service, usage), value in totals.items():
        if month in (before, after):
            slot = key(service, usage)
            grouped[slot][0 if month == before else 1] += value
    increase = sum(max(0.0, b - a) for a, b in grouped.values())
    movers = [
        Mover(
            service=service,
            usage_type=usage,
            before_usd=round(a, 6),
            after_usd=round(b, 6),
            change_usd=round(b - a, 6),
            share_of_increase=round((b - a) / increase, 6) if increase > 0 and b > a else 0.0,
            levers=levers_for(usage if usage != NO_USAGE_TYPE else service),
        )
        for (service, usage), (a, b) in grouped.items()
        if abs(b - a) > 0.005
    ]
    return sorted(movers, key=lambda m: (-m.change_usd, m.service, m.usage_type))


def rows_for(explanation: Explanation) -> Iterable[tuple[str, str, str, str, str, str]]:
    for m in explanation.movers:
        yield (
            m.service,
            m.usage_type,
            f"{m.before_usd:,.2f}",
            f"{m.after_usd:,.2f}",
            f"{m.change_usd:+,.2f}",
            f"{m.share_of_increase:.0%}" if m.share_of_increase else "",
        )
