"""``cost explain``: a synthetic export with a planted jump names the planted cause first."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from infra_architect.cost import (
    Explanation,
    ExportError,
    ExportLimits,
    aggregate,
    explain,
    read_export,
)
from infra_architect.cost._export import cost_of, month_of

# (product, usage type, monthly USD in April) — a small but realistic account
BASELINE = [
    ("AmazonEC2", "USE1-BoxUsage:m6i.xlarge", 4200.0),
    ("AmazonEC2", "USE1-EBS:VolumeUsage.gp2", 610.0),
    ("AmazonEC2", "USE1-NatGateway-Hours", 98.55),
    ("AmazonEC2", "USE1-NatGateway-Bytes", 420.0),
    ("AmazonRDS", "USE1-Multi-AZUsage:db.r6g.xlarge", 1310.0),
    ("AmazonRDS", "USE1-RDS:Multi-AZ-GP3-Storage", 230.0),
    ("AmazonCloudWatch", "USE1-DataProcessing-Bytes", 380.0),
    ("AmazonCloudWatch", "USE1-TimedStorage-ByteHrs", 95.0),
    ("AWSELB", "USE1-LCUUsage", 240.0),
    ("AmazonS3", "USE1-TimedStorage-ByteHrs", 180.0),
    ("AWSDataTransfer", "USE1-DataTransfer-Out-Bytes", 520.0),
]
PLANTED = ("AmazonEC2", "USE1-NatGateway-Bytes")
HEADER = "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n"


def explain_text(text: str, source: str, **options: str | None) -> Explanation:
    """The pure core on an export held in memory (the CLI streams the file instead)."""
    return explain(aggregate(io.BytesIO(text.encode()), source), **options)


def _cur(jump_share_of_total: float, noise: float = 0.02, seed: int = 7) -> tuple[str, float]:
    """A legacy CUR with April and May; May = April × 1.4, 75% of the rise from NAT bytes,
    the rest spread as noise over the other lines. Rows are split per day, as in a CUR."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    april = {(p, u): v for p, u, v in BASELINE}
    total = sum(april.values())
    rise = total * 0.40
    may = dict(april)
    may[PLANTED] += rise * jump_share_of_total
    others = [k for k in april if k != PLANTED]
    weights = [rng.random() for _ in others]
    for key, w in zip(others, weights, strict=True):
        may[key] += rise * (1 - jump_share_of_total) * w / sum(weights)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "identity/LineItemId",
            "lineItem/UsageStartDate",
            "lineItem/ProductCode",
            "lineItem/UsageType",
            "lineItem/UnblendedCost",
            "lineItem/ResourceId",
        ]
    )
    for month, table in (("2025-04", april), ("2025-05", may)):
        for (product, usage), value in table.items():
            days = 30
            parts = [1 + rng.uniform(-noise, noise) for _ in range(days)]
            scale = value / sum(parts)
            for day, part in enumerate(parts, start=1):
                writer.writerow(
                    [
                        f"{month}-{day}-{usage}",
                        f"{month}-{day:02d}T00:00:00Z",
                        product,
                        usage,
                        f"{part * scale:.10f}",
                        "arn:aws:ec2:us-east-1:111122223333:x",
                    ]
                )
    return buffer.getvalue(), rise * jump_share_of_total / rise


def test_planted_40_percent_jump_is_named_first_with_its_share() -> None:
    text, share = _cur(0.75)
    result = explain_text(text, "cur.csv")
    assert result.format == "cur"
    assert (result.before_month, result.after_month) == ("2025-04", "2025-05")
    assert result.change_ratio == pytest.approx(0.40, abs=1e-6)
    first = result.movers[0]
    assert (first.service, first.usage_type) == PLANTED
    # every other line also rose a little, so the share is of the sum of the increases
    assert first.share_of_increase == pytest.approx(share, abs=1e-6)
    assert any("VPC endpoints" in lever for lever in first.levers)
    # by service, EC2 carries the rise
    assert result.services[0].service == "AmazonEC2"
    # no lever offered anywhere removes redundancy
    levers = " ".join(lv for m in result.movers for lv in m.levers).lower()
    assert "single-az" not in levers
    assert "remove multi-az" not in levers


def test_cost_explorer_export_by_service() -> None:
    text = (
        "Service,EC2-Instances($),RDS($),EC2-Other($),Total costs($)\n"
        "Service total,9000,2600,2400,14000\n"
        "2025-04-01,4000,1300,700,6000\n"
        "2025-05-01,5000,1300,1700,8000\n"
    )
    result = explain_text(text, "costs.csv")
    assert result.format == "cost-explorer"
    assert result.change_usd == pytest.approx(2000)
    assert [(m.service, m.share_of_increase) for m in result.movers[:2]] == [
        ("EC2-Instances", 0.5),
        ("EC2-Other", 0.5),
    ]


def test_cur2_columns_are_read() -> None:
    text = (
        "line_item_usage_start_date,line_item_product_code,line_item_usage_type,"
        "line_item_unblended_cost\n"
        "2025-04-03T00:00:00Z,AmazonEC2,EUC1-EBS:VolumeUsage.gp2,100\n"
        "2025-05-03T00:00:00Z,AmazonEC2,EUC1-EBS:VolumeUsage.gp2,180\n"
    )
    (mover,) = explain_text(text, "cur2.csv").movers
    assert mover.change_usd == 80
    assert any("gp3" in lever for lever in mover.levers)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("a,b,c\n1,2,3\n", "x.csv:1: not a known cost export header (found 3 columns"),
        (
            HEADER + "2025-04-01T00:00:00Z,AmazonEC2,BoxUsage,abc\n",
            "x.csv:2: lineItem/UnblendedCost (column 4): 'abc' is not a number",
        ),
        (
            HEADER + "2025-04-01T00:00:00Z,AmazonEC2,BoxUsage,1\n",
            "covers one month (2025-04): a change needs two",
        ),
    ],
)
def test_bad_exports_get_one_clear_message(text: str, message: str) -> None:
    with pytest.raises(ExportError, match=None) as caught:
        explain_text(text, "x.csv")
    assert message in str(caught.value)
    assert "fix:" in str(caught.value)


def test_cli_explains_and_fails_cleanly(tmp_path: Path) -> None:
    text, _ = _cur(0.75)
    export = tmp_path / "cur.csv"
    export.write_text(text, encoding="utf-8")
    exe = (
        shutil.which("infra-architect", path=str(Path(sys.executable).parent)) or "infra-architect"
    )
    run = [exe, "cost", "explain"]
    shown = subprocess.run([*run, str(export)], capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stderr
    assert "rose 40%" in shown.stdout
    assert "1. AmazonEC2 USE1-NatGateway-Bytes" in shown.stdout
    as_json = subprocess.run(
        [*run, str(export), "-f", "json"], capture_output=True, text=True, check=False
    )
    assert json.loads(as_json.stdout)["movers"][0]["usage_type"] == "USE1-NatGateway-Bytes"
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n", encoding="utf-8")
    failed = subprocess.run([*run, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert "bad.csv:1:" in failed.stderr


# --- the streaming core ----------------------------------------------------------------------


class _Recorded(io.RawIOBase):
    """A stream of ``data`` that records the largest read asked of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)
        self.largest = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.largest = max(self.largest, size if size >= 0 else 1 << 62)
        return self._data.read(size)


def test_the_core_reads_in_bounded_chunks_never_the_whole_text() -> None:
    header, body = _cur(0.75)[0].split("\n", 1)
    stream = _Recorded((header + "\n" + body * 4).encode())
    totals = aggregate(stream, "cur.csv")  # type: ignore[arg-type]
    assert totals.rows_read == 4 * 2 * 11 * 30
    assert 0 < stream.largest <= 1 << 16


def test_gzip_is_read_transparently() -> None:
    text, _ = _cur(0.75)
    plain = explain(aggregate(io.BytesIO(text.encode()), "cur.csv"))
    packed = explain(aggregate(io.BytesIO(gzip.compress(text.encode())), "cur.csv"))
    assert packed == plain


SMALL = ExportLimits(line_bytes=200, record_chars=300, name_chars=8, groups=3)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["2025-04-01,EC2," + "x" * 200 + ",1"], "x.csv:2: the line is longer than 200 bytes"),
        (['2025-04-01,EC2,"a', *(["b"] * 150), '",1'], "x.csv:2: the row that starts here runs"),
        (["2025-04-01,EC2,Box,1", "2025-04-01,EC2,123456789,1"], "x.csv:3: lineItem/UsageType"),
        ([f"2025-04-01,EC2,U{i},1" for i in range(4)], "x.csv:5: more than 3 distinct"),
        (
            [f"2025-04-01,S{i},U{i},1" for i in range(9)],
            "x.csv:9: lineItem/UsageType (column 3): names more than 30",
        ),
    ],
    ids=["line", "record", "name", "groups", "names-total"],
)
def test_every_limit_is_a_located_message(rows: list[str], message: str) -> None:
    export = "\n".join([HEADER.rstrip(), *rows]).encode()
    limits = SMALL if "names more" not in message else ExportLimits(names_total_chars=30)
    with pytest.raises(ExportError) as caught:
        aggregate(io.BytesIO(export), "x.csv", limits)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "thousands", "value"),
    [
        ("12.34", True, "12.34"),
        (" -0.5 ", True, "-0.5"),
        ("1.2E-05", True, "0.000012"),
        (".5", True, "0.5"),
        ("1,234.50", True, "1234.50"),
        ("", True, None),
        ("   ", True, None),
    ],
)
def test_cost_cells_that_are_numbers(raw: str, thousands: bool, value: str | None) -> None:
    expected = Decimal(value) if value is not None else None
    assert cost_of(raw, thousands=thousands) == expected


@pytest.mark.parametrize(
    ("raw", "thousands", "reason"),
    [
        ("nan", True, "is not a finite number"),
        ("-Infinity", True, "is not a finite number"),
        ("sNaN", True, "is not a finite number"),
        ("1e13", True, "is beyond"),
        ("1_000", True, "is not a number"),
        ("١٢", True, "is not a number"),
        ("$1", True, "is not a number"),
        ("(1.00)", True, "is not a number"),
        ("1,5", True, "is not a number"),
        ("1,5", False, "decimal comma"),
        ("1,234.50", False, "decimal comma"),
    ],
)
def test_cost_cells_that_are_not(raw: str, thousands: bool, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        cost_of(raw, thousands=thousands)


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("2025-05-01T00:00:00Z", "2025-05"),
        ("2025-05-01T00:00:00.000Z", "2025-05"),
        ("2025-05-31 00:00:00", "2025-05"),
        ("2025-05", "2025-05"),
        (" 2024-02-29 ", "2024-02"),
    ],
)
def test_dates_give_their_month(raw: str, month: str) -> None:
    assert month_of(raw) == month


@pytest.mark.parametrize(
    "raw", ["2025-00-01", "2025-13-01", "2025-02-29", "2025-04-31", "0000-01-01", "25-05-01", "x"]
)
def test_dates_that_do_not_exist(raw: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  (the reason is date()'s own words)
        month_of(raw)


def test_read_export_refuses_a_fifo_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "cur.csv"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match=r"a named pipe \(FIFO\), not a regular file"):
        read_export(fifo)  # opening it would block: no writer


def test_a_change_from_nothing_has_no_ratio() -> None:
    result = explain_text(HEADER + "2025-04-01,EC2,Box,0\n2025-05-01,EC2,Box,10\n", "x.csv")
    assert (result.before_usd, result.after_usd, result.change_ratio) == (0.0, 10.0, None)
