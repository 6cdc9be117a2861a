"""``cost explain``: why a bill changed month over month, and what to do about it.

Compares two months of an export's totals (read by ``_export``), ranks the changes by
service and usage type by how much of the increase each explains, and gives each mover
the levers that fit its usage type; none of them removes redundancy (Multi-AZ, replicas,
backups): savings that cost reliability are not offered.

::

    read_export(path) -> ExportTotals        (_export: streamed, bounded, located errors)
    explain(totals, before, after, top) -> Explanation
    explanation_json(explanation) -> str     strict JSON: finite numbers only
"""

from __future__ import annotations

import decimal
import json
import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from infra_architect._documents import OutputDocument
from infra_architect.cost._export import (
    DECIMALS,
    NO_USAGE_TYPE,
    ExportError,
    ExportTotals,
    RowNote,
    quoted,
)

_MICRO = Decimal("0.000001")


class _Out(BaseModel):
    # a NaN or an infinity can never reach the JSON or the table
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    change_ratio: float | None
    """None when the earlier month's total is zero or a net credit: no ratio means anything."""
    movers: list[Mover]
    services: list[Mover]
    rows_read: int
    notes: list[RowNote]


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


# --- explaining -------------------------------------------------------------------------------

_MONTH_ARGUMENT = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_NOISE = Decimal("0.005")
"""Changes under half a cent are rounding, not movers."""


def explain(
    export: ExportTotals, before: str | None = None, after: str | None = None, top: int = 10
) -> Explanation:
    """The change from ``before`` to ``after`` (default: the last month and the one before
    it), ranked by how much of the increase each line explains."""
    with decimal.localcontext(DECIMALS):
        return _explain(export, before, after, top)


def _explain(export: ExportTotals, before: str | None, after: str | None, top: int) -> Explanation:
    months = sorted({m for m, _, _ in export.totals})
    _check_months(export, months)
    after = _month_argument("--after", after, export.source, months) or months[-1]
    if before is None:
        position = months.index(after)
        if position == 0:
            raise ExportError(
                export.source,
                f"--after {after} is the export's first month: nothing comes before it",
                f"pass --before, or compare later months ({_listing(months)})",
            )
        before = months[position - 1]
    before = _month_argument("--before", before, export.source, months)
    assert before is not None  # noqa: S101  (set above when not given)
    if before == after:
        raise ExportError(
            export.source, f"--before and --after are both {after}", "compare two different months"
        )
    old = sum((v for (m, _, _), v in export.totals.items() if m == before), Decimal(0))
    new = sum((v for (m, _, _), v in export.totals.items() if m == after), Decimal(0))
    return Explanation(
        source=export.source,
        format=export.format,
        months=months,
        before_month=before,
        after_month=after,
        before_usd=_money(old),
        after_usd=_money(new),
        change_usd=_money(new - old),
        # a ratio to a zero or net-credit month would read as a fall or as nothing at all
        change_ratio=_money((new - old) / old) if old > 0 else None,
        movers=_compare(export.totals, before, after, top, by_usage=True),
        services=_compare(export.totals, before, after, top, by_usage=False),
        rows_read=export.rows_read,
        notes=list(export.notes),
    )


def _check_months(export: ExportTotals, months: list[str]) -> None:
    if not months and export.rows_read == 0:
        skipped = "; ".join(f"{n.what}: {n.rows:,}" for n in export.notes)
        raise ExportError(
            export.source,
            f"has no row with a cost ({skipped})" if skipped else "has a header but no rows",
            "export a period with costs in it",
        )
    if len(months) < 2:
        raise ExportError(
            export.source,
            f"covers one month ({months[0]}): a change needs two",
            "export at least the two months to compare",
        )


def _month_argument(option: str, value: str | None, source: str, months: list[str]) -> str | None:
    if value is None:
        return None
    if not _MONTH_ARGUMENT.fullmatch(value):
        raise ExportError(
            source, f"{option} {quoted(value)} is not a month", f"use YYYY-MM: {_listing(months)}"
        )
    if value not in months:
        raise ExportError(
            source, f"{option} {value} is not in the export", f"use one of {_listing(months)}"
        )
    return value


def _listing(months: list[str]) -> str:
    if len(months) <= 12:
        return ", ".join(months)
    return f"{', '.join(months[:3])}, ..., {', '.join(months[-3:])} ({len(months)} months)"


def _money(value: Decimal) -> float:
    # + 0.0 turns -0.0 into 0.0: the JSON says 0.0 for a change that rounds to nothing
    return float(value.quantize(_MICRO)) + 0.0


def _compare(
    totals: dict[tuple[str, str, str], Decimal],
    before: str,
    after: str,
    top: int,
    *,
    by_usage: bool,
) -> list[Mover]:
    grouped: dict[tuple[str, str], list[Decimal]] = {}
    for (month, service, usage), value in totals.items():
        if month in (before, after):
            slot = grouped.setdefault(
                (service, usage if by_usage else NO_USAGE_TYPE), [Decimal(0), Decimal(0)]
            )
            slot[0 if month == before else 1] += value
    increase = sum((max(Decimal(0), b - a) for a, b in grouped.values()), Decimal(0))
    ranked = sorted(
        ((b - a, service, usage, a, b) for (service, usage), (a, b) in grouped.items()),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    return [
        Mover(
            service=service,
            usage_type=usage,
            before_usd=_money(a),
            after_usd=_money(b),
            change_usd=_money(change),
            share_of_increase=_money(change / increase) if increase > 0 and change > 0 else 0.0,
            levers=levers_for(usage if usage != NO_USAGE_TYPE else service),
        )
        for change, service, usage, a, b in ranked
        if abs(change) > _NOISE
    ][:top]


class ExplanationDocument(OutputDocument, Explanation):
    """``infra-architect cost explain EXPORT.csv -f json``: a bill's change between two
    months of a cost export, by service and usage type, its top movers and their levers."""

    kind: Literal["CostExplanation"]


def explanation_json(explanation: Explanation) -> str:
    """The explanation as strict JSON: a number that is not finite is an error, not NaN."""
    document = ExplanationDocument(kind="CostExplanation", **dict(explanation))
    return (
        json.dumps(document.model_dump(mode="json"), indent=2, sort_keys=True, allow_nan=False)
        + "\n"
    )
