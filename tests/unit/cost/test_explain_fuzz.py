"""``cost explain`` fuzzed (issue 16): whatever the export holds, the outcome is an
explanation with finite figures (strict JSON, a table with nothing raw from the file) or
the tool's input error (exit 2). Any other exception is a bug."""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console

from infra_architect.cli._render_reports import render_explanation
from infra_architect.cost import Explanation, aggregate, explain, explanation_json
from infra_architect.errors import InfraArchitectError

CUR = ["lineItem/UsageStartDate", "lineItem/ProductCode", "lineItem/UsageType"]
CUR2 = ["line_item_usage_start_date", "line_item_product_code", "line_item_usage_type"]
COSTS1 = ["lineItem/UnblendedCost", "lineItem/BlendedCost", "lineItem/NetUnblendedCost"]
COSTS2 = ["line_item_unblended_cost", "line_item_blended_cost"]
COSTS = COSTS1 + COSTS2
CURRENCIES = ["lineItem/CurrencyCode", "line_item_currency_code"]
OTHER = ["identity/LineItemId", "lineItem/ResourceId", "resourceTags/user:Name", "x", ""]

NASTY = st.sampled_from(
    [
        "",
        " ",
        "[bold red]x[/]",
        ":smile:",
        "\x1b[31m",
        "\x1b]0;t\x07",
        "\u202e",
        "\x9b",
        "\x00",
        "\r",
        "\n",
        '"',
        ",",
        ";",
        "\t",
        "\ufeff",
        "é",
        "١٢",
    ]
)
TEXT = st.one_of(st.text(max_size=12), NASTY, st.builds("".join, st.lists(NASTY, max_size=4)))

VALID_DATES = st.builds(
    "2025-{:02d}-{:02d}{}".format,
    st.integers(4, 6),
    st.integers(1, 28),
    st.sampled_from(["", "T00:00:00Z", " 00:00:00"]),
)
DATES = st.one_of(
    VALID_DATES,
    VALID_DATES,
    VALID_DATES,
    st.builds(
        "{:04d}-{:02d}-{:02d}{}".format,
        st.integers(0, 9999),
        st.integers(0, 14),
        st.integers(0, 32),
        st.sampled_from(["", "T00:00:00Z", " 00:00:00", "T", "Z"]),
    ),
    TEXT,
)
VALID_NUMBERS = st.one_of(
    st.decimals(-10000, 10000, places=4).map(str),
    st.floats(-1e6, 1e6).map(lambda f: f"{f:.10f}"),
    st.integers(-(10**6), 10**6).map(str),
)
NUMBERS = st.one_of(
    VALID_NUMBERS,
    VALID_NUMBERS,
    VALID_NUMBERS,
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**15), 10**15).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["nan", "NaN", "inf", "-Infinity", "1e400", "1e-400", "1_000", "1,234.50", "1,5", "$1"]
    ),
    st.sampled_from(["", " ", "(1.00)", "1.2E-05", "-0", "+.5", "5."]),
    TEXT,
)
CELL = st.one_of(DATES, NUMBERS, TEXT, st.sampled_from(["USD", "EUR", "AmazonEC2", "BoxUsage"]))


@st.composite
def exports(draw: st.DrawFn) -> tuple[bytes, str | None, str | None]:
    """An export, valid in shape or mutated, with the --before/--after to ask for."""
    kind = draw(st.sampled_from(["cur", "cur2", "cost-explorer", "random"]))
    clean = draw(st.booleans())  # well-formed cells (any names) or anything at all
    if kind == "cost-explorer":
        services = draw(st.lists(TEXT, min_size=1, max_size=4))
        header = ["Service", *(f"{s}($)" for s in services), "Total costs($)"]
        numbers = VALID_NUMBERS if clean else NUMBERS
        row = st.tuples(VALID_DATES if clean else DATES, *([numbers] * (len(header) - 1))).map(list)
    elif kind == "random":
        header = draw(st.lists(st.one_of(TEXT, st.sampled_from(CUR + COSTS)), max_size=6))
        row = st.lists(CELL, max_size=len(header) + 1)
    else:
        names = CUR if kind == "cur" else CUR2
        cost = draw(st.sampled_from(COSTS1 if kind == "cur" else COSTS2))
        extra = draw(st.lists(st.sampled_from(COSTS + CURRENCIES + OTHER), max_size=3))
        header = draw(st.permutations([*names, cost, *extra]))
        row = st.tuples(*[_cell_for(name, clean=clean) for name in header]).map(list)
    rows = draw(st.lists(row, max_size=12))
    if kind != "random" and draw(st.integers(0, 4)):
        # most valid-shaped exports have two good months among the random rows
        for month in ("2025-04", "2025-05"):
            rows.insert(draw(st.integers(0, len(rows))), [_good(h, month) for h in header])
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerows([header, *rows])
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    data = draw(_mutated(data))
    months = st.sampled_from(["2025-04", "2025-05", "2025-06", "2025-13", "x", ""])
    before = draw(st.one_of(st.none(), st.none(), st.none(), months))
    after = draw(st.one_of(st.none(), st.none(), st.none(), months))
    return data, before, after


def _good(name: str, month: str) -> str:
    if name in ("Service", CUR[0], CUR2[0]):
        return f"{month}-01T00:00:00Z"
    if name.endswith("($)") or name in COSTS:
        return "12.5" if month.endswith("4") else "20.25"
    return "USD" if name in CURRENCIES else "AmazonEC2"


def _cell_for(name: str, *, clean: bool) -> st.SearchStrategy[str]:
    if name in CUR[:1] + CUR2[:1]:
        return VALID_DATES if clean else DATES
    if name in COSTS:
        return VALID_NUMBERS if clean else NUMBERS
    if name in CURRENCIES:
        return st.sampled_from(["USD", ""]) if clean else st.one_of(st.just("EUR"), TEXT)
    return st.one_of(st.sampled_from(["AmazonEC2", "AmazonS3", "USE1-BoxUsage"]), TEXT)


@st.composite
def _mutated(draw: st.DrawFn, data: bytes) -> bytes:
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        how = draw(st.sampled_from(["insert", "delete", "truncate", "bom", "gzip", "cr"]))
        at = draw(st.integers(0, len(data)))
        if how == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 8)) :]
        elif how == "truncate":
            data = data[:at]
        elif how == "bom":
            data = b"\xef\xbb\xbf" + data
        elif how == "gzip":
            data = gzip.compress(data, mtime=0)
        elif how == "cr":
            data = data.replace(b"\n", b"\r")
    return data


def outcome(data: bytes, before: str | None, after: str | None) -> Explanation | str:
    """An explanation, or the message of the tool's input error (exit 2); any other
    exception escapes, and fails the test."""
    try:
        return explain(aggregate(io.BytesIO(data), "fuzz.csv"), before, after, top=5)
    except InfraArchitectError as exc:
        return str(exc)


def check(data: bytes, before: str | None, after: str | None) -> Explanation | str:
    """The property: finite figures, strict JSON and a clean table; or one located message."""
    result = outcome(data, before, after)
    if isinstance(result, str):
        assert result.startswith("fuzz.csv")
        assert "\n  fix: " in result
        assert "\x1b" not in result
        return result
    figures = [result.before_usd, result.after_usd, result.change_usd, result.change_ratio]
    for mover in [*result.movers, *result.services]:
        figures += [mover.before_usd, mover.after_usd, mover.change_usd]
        assert 0 <= mover.share_of_increase <= 1
    assert all(math.isfinite(f) for f in figures if f is not None)

    def refuse(constant: str) -> object:
        raise AssertionError(f"not JSON: {constant}")

    assert json.loads(explanation_json(result), parse_constant=refuse)["source"] == "fuzz.csv"
    shown = io.StringIO()
    render_explanation(Console(file=shown, width=200, force_terminal=False), result)
    assert not any(c in shown.getvalue() for c in "\x1b\x07\x9b\u202e\x00\r")
    return result


_LOCATED = re.compile(r"^.*?: (?:\S.*? \(column \d+\): )?")
_QUOTED = re.compile(r"b?'(?:[^'\\]|\\.)*'|(?<= )\d[\d,.]*")


def _kind(message: str) -> str:
    """A message without its location and values: what kind of refusal it was."""
    first = _LOCATED.sub("", message.split("\n", 1)[0], count=1)
    return "refused: " + _QUOTED.sub("…", first).split(" (", 1)[0][:60]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_every_export_is_explained_or_refused(case: tuple[bytes, str | None, str | None]) -> None:
    result = check(*case)
    event("explained" if isinstance(result, Explanation) else _kind(result))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2025-04", "2025-05"]),
            st.sampled_from("ab"),
            st.decimals(-1000, 1000, places=4),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_totals_are_the_exact_sums_in_any_row_order(
    rows: list[tuple[str, str, object]],
) -> None:
    header = (
        "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost"
    )
    lines = [f"{month}-01,AmazonEC2,{usage},{value}" for month, usage, value in rows]
    forward = aggregate(io.BytesIO("\n".join([header, *lines]).encode()), "x.csv")
    backward = aggregate(io.BytesIO("\n".join([header, *reversed(lines)]).encode()), "x.csv")
    assert forward.totals == backward.totals
    for (month, _, usage), total in forward.totals.items():
        assert total == sum(v for m, u, v in rows if (m, u) == (month, usage))  # type: ignore[misc]
