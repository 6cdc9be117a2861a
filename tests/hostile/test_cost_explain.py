"""Hostile cost exports (issue 16, item 9): ``cost explain`` under the audited harness.

Each export is built here as a fixture. A bad one ends with exit 2 and one message that
names the file, the line, the column, the value and the fix; a legitimate one (a BOM,
CRLF, semicolons, credits, gzip) gives the right figures. Never exit 70, never a hang,
never a silent wrong total, nothing from a cell reaching the terminal raw, and memory
that does not grow with the size of the export."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.conftest import Run, Sandbox

EXIT_BAD_INPUT = 2
BOUND = 30.0
"""Seconds any one export may take, whatever it holds."""

COLUMNS = [
    "lineItem/UsageStartDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/UnblendedCost",
]
HEADER = ",".join(COLUMNS)
COST = "lineItem/UnblendedCost (column 4)"


def cur(*rows: str, header: str = HEADER, end: str = "\n") -> bytes:
    return end.join([header, *rows, ""]).encode()


def two_months(april: str = "100", may: str = "150") -> list[str]:
    return [
        f"2025-04-01T00:00:00Z,AmazonEC2,USE1-BoxUsage:m6i.xlarge,{april}",
        f"2025-05-01T00:00:00Z,AmazonEC2,USE1-BoxUsage:m6i.xlarge,{may}",
    ]


def explain(sandbox: Sandbox, name: str, *options: str, env: dict[str, str] | None = None) -> Run:
    """``cost explain NAME`` run from the tree (messages then name the file as given)."""
    result = sandbox.run(
        "cost", "explain", name, *options, cwd=sandbox.tree, timeout=BOUND * 2, env=env
    )
    assert result.seconds < BOUND, f"{name}: {result.seconds:.1f} s"
    return result


def strict_json(text: str) -> dict[str, object]:
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    document = json.loads(text, parse_constant=refuse)
    assert isinstance(document, dict)
    return document


# --- bad exports: exit 2, one located message -----------------------------------------------


@dataclass(frozen=True)
class Bad:
    """An export that must be refused, and what its message must name."""

    data: bytes
    says: tuple[str, ...]
    options: tuple[str, ...] = ()


_BIG_CELL = "x" * (128 * 1024 + 1)
BAD = {
    "nan-cost": Bad(
        cur(*two_months(may="nan")), ("x.csv:3:", COST, "'nan'", "not a finite number")
    ),
    "inf-cost": Bad(cur(*two_months(april="inf")), ("x.csv:2:", COST, "'inf'", "not a finite")),
    "minus-infinity": Bad(cur(*two_months(may="-Infinity")), ("x.csv:3:", "'-Infinity'")),
    "overflowing-exponent": Bad(
        cur(*two_months(may="1e400")), ("x.csv:3:", COST, "'1e400'", "is beyond")
    ),
    "huge-finite": Bad(cur(*two_months(april="1e300")), ("x.csv:2:", "'1e300'", "is beyond")),
    "underscored-number": Bad(cur(*two_months(may="1_000")), ("x.csv:3:", "'1_000'", "not a")),
    "other-script-digits": Bad(cur(*two_months(may="١٢")), ("x.csv:3:", "not a number")),
    "dollar-sign": Bad(cur(*two_months(may="$12")), ("x.csv:3:", "'$12'", "not a number")),
    "emoji-code-as-cost": Bad(cur(*two_months(may=":smile:")), ("':smile:' is not a number",)),
    "text-cost": Bad(cur(*two_months(april="abc")), ("x.csv:2:", COST, "'abc'", "not a number")),
    "month-00": Bad(
        cur("2025-00-01T00:00:00Z,AmazonEC2,BoxUsage,1", two_months()[1]),
        (
            "x.csv:2:",
            "lineItem/UsageStartDate (column 1)",
            "'2025-00-01T00:00:00Z'",
            "month must be in 1..12",
        ),
    ),
    "month-13": Bad(
        cur(two_months()[0], "2025-13-01T00:00:00Z,AmazonEC2,BoxUsage,1"),
        ("x.csv:3:", "'2025-13-01T00:00:00Z'", "not a date"),
    ),
    "february-30": Bad(
        cur(two_months()[0], "2025-02-30,AmazonEC2,BoxUsage,1"), ("x.csv:3:", "day is out of")
    ),
    "not-a-date": Bad(cur(two_months()[0], "yesterday,AmazonEC2,BoxUsage,1"), ("'yesterday'",)),
    "mixed-currencies": Bad(
        cur(
            "2025-04-01T00:00:00Z,AmazonEC2,BoxUsage,100,USD",
            "2025-05-01T00:00:00Z,AmazonEC2,BoxUsage,90,EUR",
            header=HEADER + ",lineItem/CurrencyCode",
        ),
        ("x.csv:3:", "lineItem/CurrencyCode (column 5)", "'EUR'", "USD"),
    ),
    "one-other-currency": Bad(
        cur(
            "2025-04-01T00:00:00Z,AmazonEC2,BoxUsage,100,CNY",
            "2025-05-01T00:00:00Z,AmazonEC2,BoxUsage,90,CNY",
            header=HEADER + ",lineItem/CurrencyCode",
        ),
        ("x.csv:2:", "'CNY'"),
    ),
    "cell-of-128-KiB": Bad(
        cur(*two_months(), f"2025-05-02,AmazonEC2,{_BIG_CELL},1"),
        ("x.csv:4:", "a cell is longer than 131,072 characters"),
    ),
    "usage-type-of-100-KiB": Bad(
        cur(*two_months(), f"2025-05-02,AmazonEC2,{_BIG_CELL[:100_000]},1"),
        ("x.csv:4:", "lineItem/UsageType (column 3)", "100,000 characters", "longer than 256"),
    ),
    "line-of-2-MiB": Bad(
        cur(*two_months(), "2025-05-02,AmazonEC2,BoxUsage," + "1" * (2 << 20)),
        ("x.csv:4:", "longer than 1,048,576 bytes"),
    ),
    "unclosed-quote-swallowing-the-file": Bad(
        cur(two_months()[0], '2025-05-01,AmazonEC2,"BoxUsage,1', *(["2025-05-02,a,b,1"] * 80_000)),
        ("x.csv:3:", "a cell is longer than 131,072 characters", "quote left open"),
    ),
    "a-row-of-quoted-line-breaks": Bad(
        cur(*two_months(), "2025-05-01,AmazonEC2," + '"\n",' * 300_000 + "1"),
        ("x.csv:4:", "the row that starts here runs past 1,048,576 characters"),
    ),
    "unclosed-quote-at-the-end": Bad(
        cur(*two_months(), '2025-05-01,AmazonEC2,"BoxUsage,1'), ("x.csv:4:", "never closed")
    ),
    "stray-quote": Bad(cur(*two_months(), '2025-05-01,"Amazon"EC2,a,1'), ("x.csv:4:", "quote")),
    "latin-1-bytes": Bad(
        HEADER.encode() + b"\n2025-04-01,AmazonEC2,Box\xe9Usage,1\n",
        ("x.csv:2:", "b'\\xe9'", "offset 111", "not UTF-8", "UTF-8"),
    ),
    "utf-16": Bad(("\ufeff" + HEADER + "\n").encode("utf-16-le"), ("x.csv:1:", "UTF-16")),
    "nul-bytes-only": Bad(b"\0" * 4096, ("x.csv:1:", "not a known cost export header")),
    "empty": Bad(b"", ("x.csv: the file is empty",)),
    "blank-lines-only": Bad(b"\n\r\n  \n", ("x.csv: the file is empty",)),
    "header-only": Bad(cur(), ("x.csv: has a header but no rows",)),
    "every-cost-blank": Bad(
        cur(*two_months(april="", may=" ")), ("has no row with a cost", "blank")
    ),
    "one-month": Bad(cur(two_months()[0]), ("covers one month (2025-04): a change needs two",)),
    "unknown-header": Bad(b"a,b,c\n1,2,3\n", ("x.csv:1:", "found 3 columns: 'a', 'b', 'c'")),
    "missing-usage-type": Bad(
        cur(header="lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost"),
        ("x.csv:1:", "without lineItem/UsageType", "found 'lineItem/UsageStartDate'", "fix:"),
    ),
    "no-cost-column": Bad(
        cur(header="lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType"),
        ("x.csv:1:", "no cost column", "lineItem/UnblendedCost"),
    ),
    "duplicate-cost-column": Bad(
        cur("2025-04-01,AmazonEC2,Box,1,2", header=HEADER + ",lineItem/UnblendedCost"),
        ("x.csv:1:", "names lineItem/UnblendedCost 2 times (columns 4, 5)"),
    ),
    "duplicate-cost-explorer-service": Bad(
        b"Service,EC2($),EC2($)\n2025-04-01,1,2\n2025-05-01,1,2\n",
        ("x.csv:1:", "'EC2' twice (columns 2 and 3)"),
    ),
    "short-row": Bad(cur(*two_months(), "2025-05-02,AmazonEC2,Box"), ("x.csv:4:", "3 columns")),
    "cells-past-the-header": Bad(
        cur(*two_months(), "2025-05-02,AmazonEC2,Box,1,200"), ("x.csv:4:", "5 columns")
    ),
    "decimal-comma-with-semicolons": Bad(
        cur("2025-04-01;EC2;Box;1,5", "2025-05-01;EC2;Box;2,5", header=HEADER.replace(",", ";")),
        ("x.csv:2:", COST, "'1,5'", "decimal comma"),
    ),
    "carriage-returns-only": Bad(cur(*two_months(), end="\r"), ("x.csv:1:", "carriage return")),
    "zip-archive": Bad(b"PK\x03\x04" + b"\0" * 100, ("x.csv: is a zip archive", "unzip")),
    "parquet": Bad(b"PAR1" + b"\0" * 100, ("x.csv: is a Parquet file",)),
    "truncated-gzip": Bad(
        gzip.compress(cur(*two_months()) * 200)[:-200], ("x.csv: cannot be read past line",)
    ),
    "gzip-bomb-of-zeros": Bad(
        gzip.compress(b"\0" * (64 << 20), compresslevel=9),
        ("x.csv:1:", "longer than 1,048,576 bytes"),
    ),
    "before-month-13": Bad(
        cur(*two_months()), ("--before '2025-13' is not a month",), ("--before", "2025-13")
    ),
    "after-not-in-export": Bad(
        cur(*two_months()),
        ("--after 2024-01 is not in the export", "2025-04, 2025-05"),
        ("--after", "2024-01"),
    ),
    "after-the-first-month": Bad(
        cur(*two_months()), ("--after 2025-04 is the export's first month",), ("--after", "2025-04")
    ),
    "same-month-twice": Bad(
        cur(*two_months()), ("both 2025-05",), ("--before", "2025-05", "--after", "2025-05")
    ),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_export_is_refused_with_a_located_message(sandbox: Sandbox, case: Bad) -> None:
    (sandbox.tree / "x.csv").write_bytes(case.data)
    result = explain(sandbox, "x.csv", *case.options)
    assert result.returncode == EXIT_BAD_INPUT, result.stdout + result.stderr
    assert result.stdout == ""
    for part in case.says:
        assert part in result.stderr
    assert "\n  fix: " in result.stderr
    assert len(result.stderr.splitlines()) == 2, result.stderr  # one message, not a list


# --- what is not a file: refused before it is opened ------------------------------------------


def _fifo(tree: Path) -> str:
    os.mkfifo(tree / "export.csv")
    return "a named pipe (FIFO), not a regular file"


def _dev_zero(tree: Path) -> str:
    (tree / "export.csv").symlink_to("/dev/zero")
    return "a device, not a regular file"


def _directory(tree: Path) -> str:
    (tree / "export.csv").mkdir()
    return "a directory, not a regular file"


def _dangling(tree: Path) -> str:
    (tree / "export.csv").symlink_to(tree / "gone.csv")
    return "does not exist"


@pytest.mark.parametrize("make", [_fifo, _dev_zero, _directory, _dangling])
def test_what_is_not_a_regular_file_is_not_read(
    sandbox: Sandbox, make: Callable[[Path], str]
) -> None:
    said = make(sandbox.tree)
    result = explain(sandbox, "export.csv")
    assert result.returncode == EXIT_BAD_INPUT
    assert f"export.csv: is {said}" in result.stderr or f"export.csv: {said}" in result.stderr
    assert "fix:" in result.stderr
    # never opened: a FIFO would block the open, /dev/zero would never end
    assert not [p for p in result.paths("open") if p.endswith(("export.csv", "/dev/zero"))]


# --- legitimate oddities: exit 0 and the right figures ------------------------------------------


def figures(sandbox: Sandbox, data: bytes, name: str = "x.csv") -> dict[str, object]:
    (sandbox.tree / name).write_bytes(data)
    result = explain(sandbox, name, "-f", "json")
    assert result.returncode == 0, result.stderr
    return strict_json(result.stdout)


def totals(document: dict[str, object]) -> tuple[object, object, object, object]:
    return (
        document["before_usd"],
        document["after_usd"],
        document["change_usd"],
        document["change_ratio"],
    )


def test_bom_and_crlf(sandbox: Sandbox) -> None:
    data = b"\xef\xbb\xbf" + cur(*two_months("100.25", "150.75"), end="\r\n")
    assert totals(figures(sandbox, data)) == (100.25, 150.75, 50.5, 0.503741)


def test_semicolons_tabs_and_quoted_newlines(sandbox: Sandbox) -> None:
    rows = ['2025-04-01;AmazonEC2;"Box\nUsage";10', '2025-05-01;AmazonEC2;"Box\nUsage";25']
    semicolons = figures(sandbox, cur(*rows, header=HEADER.replace(",", ";")))
    assert totals(semicolons) == (10.0, 25.0, 15.0, 1.5)
    assert semicolons["movers"][0]["usage_type"] == "Box\nUsage"  # type: ignore[index]
    tabs = figures(
        sandbox, cur(*(r.replace(";", "\t") for r in rows), header=HEADER.replace(",", "\t"))
    )
    assert totals(tabs) == totals(semicolons)


def test_credits_and_refunds_are_subtracted(sandbox: Sandbox) -> None:
    document = figures(
        sandbox,
        cur(
            "2025-04-01,AmazonEC2,BoxUsage,100",
            "2025-05-01,AmazonEC2,BoxUsage,150",
            "2025-05-01,AmazonEC2,BoxUsage,-30.5",  # a credit against the same usage
            "2025-05-01,AWSSupport,Refund,-0.5",
        ),
    )
    assert totals(document) == (100.0, 119.0, 19.0, 0.19)
    movers = {(m["service"], m["usage_type"]): m["change_usd"] for m in document["movers"]}  # type: ignore[attr-defined,index]
    assert movers == {("AmazonEC2", "BoxUsage"): 19.5, ("AWSSupport", "Refund"): -0.5}


def test_a_net_credit_month_has_no_ratio(sandbox: Sandbox) -> None:
    document = figures(sandbox, cur(*two_months("-40", "60")))
    # from -40 to 60 is neither a 250% fall nor a rise of any percentage
    assert totals(document) == (-40.0, 60.0, 100.0, None)
    shown = explain(sandbox, "x.csv")
    assert "the bill rose from 2025-04 (-$40.00) to 2025-05 ($60.00), +100.00 USD" in shown.stdout


def test_blank_costs_are_counted_and_reported(sandbox: Sandbox) -> None:
    data = cur(
        *two_months(), "2025-05-02,AmazonEC2,BoxUsage,", ",,,", "2025-05-03,AmazonEC2,BoxUsage,  "
    )
    document = figures(sandbox, data)
    assert totals(document) == (100.0, 150.0, 50.0, 0.5)
    assert document["rows_read"] == 2
    assert document["notes"] == [
        {"what": "skipped: blank lineItem/UnblendedCost", "rows": 2, "first_line": 4},
        {"what": "skipped: empty row", "rows": 1, "first_line": 5},
    ]
    shown = explain(sandbox, "x.csv")
    assert "skipped: blank lineItem/UnblendedCost: 2 rows (first at line 4)" in shown.stdout


def test_gzip_compressed_export_is_read_as_a_stream(sandbox: Sandbox) -> None:
    plain = cur(
        *(f"{row},USD" for row in two_months("12.5", "20")),
        header=HEADER + ",lineItem/CurrencyCode",
    )
    assert totals(figures(sandbox, gzip.compress(plain), "cur.csv.gz")) == (12.5, 20.0, 7.5, 0.6)


def test_thousands_separators_duplicate_unused_columns_and_blank_currency(sandbox: Sandbox) -> None:
    document = figures(
        sandbox,
        cur(
            '2025-04-01,AmazonEC2,BoxUsage,"1,234.50",tag,USD,x',
            '2025-05-01,AmazonEC2,BoxUsage,"2,000",tag,,y',
            header=HEADER + ",resourceTags/user:Name,lineItem/CurrencyCode,resourceTags/user:Name",
        ),
    )
    assert totals(document) == (1234.5, 2000.0, 765.5, 0.620089)
    assert document["notes"] == [
        {"what": "read as USD: blank lineItem/CurrencyCode", "rows": 1, "first_line": 3}
    ]


def test_sums_are_exact(sandbox: Sandbox) -> None:
    # a float total drifts by ~1e-5 per addition at this size; the decimal sum does not
    tiny = ["2025-05-01,AmazonEC2,BoxUsage,0.1"] * 1000
    big = "2025-{:02d}-01,AmazonEC2,BoxUsage,100000000000"
    document = figures(sandbox, cur(big.format(4), big.format(5), *tiny))
    assert totals(document) == (1e11, 1e11 + 100, 100.0, 0.0)


# --- the terminal: nothing from a cell acts on it -------------------------------------------------

SERVICE = "[bold red]RED[/]:smile:\x1b]0;pwned\x07"
USAGE = "\x1b[31mUSE1-BoxUsage\x1b[0m\u202eevil\x9b2J"


def test_cells_never_reach_the_terminal_raw(sandbox: Sandbox) -> None:
    rows = [f'2025-04-01,"{SERVICE}","{USAGE}",1', f'2025-05-01,"{SERVICE}","{USAGE}",9']
    (sandbox.tree / "x.csv").write_bytes(cur(*rows))
    for env in ({}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}):
        result = explain(sandbox, "x.csv", env=env)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        for raw in ("\x1b]0;pwned", "\x07", "\x1b[31mUSE1", "\x1b[0m\u202e", "\u202e", "\x9b"):
            assert raw not in out
        if not env:
            assert "\x1b" not in out  # not a terminal: no escape at all
        assert "😄" not in out  # Rich's emoji codes are markup too
        assert "[bold red]RED[/]:smile:\\x1b]0;pwned\\x07" in out  # shown, not obeyed
        assert "\\x1b[31mUSE1-BoxUsage\\x1b[0m\\u202eevil\\x9b2J" in out


def test_values_in_messages_are_escaped(sandbox: Sandbox) -> None:
    (sandbox.tree / "x.csv").write_bytes(cur(*two_months(may="\x1b[2J\x1b]0;x\x07")))
    result = explain(sandbox, "x.csv")
    assert result.returncode == EXIT_BAD_INPUT
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr
    assert "'\\x1b[2J\\x1b]0;x\\x07' is not a number" in result.stderr


def test_json_keeps_the_names_and_is_strict(sandbox: Sandbox) -> None:
    rows = [f'2025-04-01,"{SERVICE}","{USAGE}",1', f'2025-05-01,"{SERVICE}","{USAGE}",9']
    document = figures(sandbox, cur(*rows))
    (mover,) = document["movers"]  # type: ignore[misc]
    assert (mover["service"], mover["usage_type"]) == (SERVICE, USAGE)  # data, faithfully


# --- memory: flat in the size of the export -------------------------------------------------------


def _write_export(path: Path, megabytes: int) -> None:
    usages = [f"USE1-BoxUsage:m6i.{i}xlarge" for i in range(50)]
    block = "".join(
        f"a{n},2025-{4 + n % 3:02d}-{1 + n % 28:02d}T00:00:00Z,AmazonEC2,{usages[n % 50]},"
        f"{(n % 997) / 7:.10f},USD,arn:aws:ec2:us-east-1:111122223333:instance/i-{n:017x}\n"
        for n in range(10_000)
    ).encode()
    header = (
        b"identity/LineItemId,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
        b"lineItem/UnblendedCost,lineItem/CurrencyCode,lineItem/ResourceId\n"
    )
    with path.open("wb") as out:
        out.write(header)
        for _ in range(megabytes * (1 << 20) // len(block) + 1):
            out.write(block)


_MEASURED = """
import atexit, sys
peak = sys.argv.pop(1)
def record():
    with open("/proc/self/status") as status, open(peak, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")))
atexit.register(record)
from infra_architect.cli import main
sys.argv[0] = "infra-architect"
main()
"""
"""The CLI, recording its own peak RSS on the way out. VmHWM belongs to the process's own
memory since its exec; ru_maxrss of a child would include the parent's at the fork."""


def _peak_rss_mib(export: Path) -> tuple[float, float]:
    peak = export.with_suffix(".peak")
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(peak), "cost", "explain", str(export), "-f", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    kib = int(peak.read_text().split()[1])
    return kib / 1024, time.monotonic() - start


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_memory_does_not_grow_with_the_size_of_the_export(tmp_path: Path) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    _write_export(small, 5)
    _write_export(large, 50)
    small_rss, _ = _peak_rss_mib(small)
    large_rss, seconds = _peak_rss_mib(large)
    # reading the text whole took about 9x the file: +400 MiB here
    assert large_rss - small_rss < 16, (small_rss, large_rss)
    assert seconds < BOUND
