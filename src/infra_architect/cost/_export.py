"""Reading an AWS cost export for ``cost explain``: a Cost and Usage Report (legacy
``lineItem/...`` or CUR 2.0 ``line_item_...`` columns) or a Cost Explorer CSV grouped by
service, summed by (month, service, usage type).

An export is untrusted input, often larger than memory. It is read as a stream, one
bounded line at a time (a gzip-compressed export is decompressed on the way), and summed
as it goes: memory grows with the number of distinct (month, service, usage type) lines,
never with the size of the file, and both are bounded. Sums are exact decimals, so the
figures do not depend on row order. Anything that would make a total wrong (a cost that
is not a finite number, a month that does not exist, another currency, a row out of line
with the header, a duplicated column) stops the run with one message naming the file, the
line, the column, the value and the fix; rows that are merely odd (a blank cost) are
skipped, counted and reported.

::

    read_export(path)      the edge: refuses what is not a regular file, opens, streams
     └─ aggregate(stream)  the core: CSV bytes (plain or gzip) in, ExportTotals out
"""

from __future__ import annotations

import csv
import decimal
import functools
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pydantic import BaseModel, ConfigDict

from infra_architect._display import printable
from infra_architect._io import UnreadableFileError, open_input
from infra_architect.errors import InfraArchitectError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

NO_USAGE_TYPE = "(all usage types)"
"""The usage type of a Cost Explorer line (it has none) and of a service's total."""
BLANK_NAME = "(blank)"


@dataclass(frozen=True)
class ExportLimits:
    """How much of an export is held at once: what bounds memory, whatever the file."""

    line_bytes: int = 1 << 20
    """One physical line; AWS writes rows of a few KB even with hundreds of tag columns."""
    record_chars: int = 1 << 20
    """One CSV record, its quoted line breaks included (an open quote swallows the file)."""
    name_chars: int = 256
    """A product code, usage type or Cost Explorer service name (AWS's are under 100)."""
    groups: int = 500_000
    """Distinct (month, service, usage type) lines: 36 months of 10,000 usage types fit."""
    names_total_chars: int = 32 << 20
    """All distinct names together: bounds memory when every row names something new."""


LIMITS = ExportLimits()

MAX_ABS_COST = Decimal("1e12")
"""No single line item of a real bill comes near a trillion; beyond it a cell is garbage."""

DECIMALS = decimal.Context(
    prec=60, traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero]
)
"""Exact sums: 60 digits hold 1e12 x millions of rows to far below a cent."""


class ExportError(InfraArchitectError):
    """The export cannot be used as given: names the file, the line, the column, the
    value and the fix."""

    def __init__(
        self,
        source: str,
        message: str,
        fix: str,
        line: int | None = None,
        column: tuple[int, str] | None = None,
    ) -> None:
        where = f"{printable(source)}:{line}" if line is not None else printable(source)
        if column is not None:
            index, name = column
            where += f": {shorten(name)} (column {index + 1})"
        super().__init__(f"{where}: {message}\n  fix: {fix}")


def shorten(text: str, limit: int = 60) -> str:
    """A name from the file as a message shows it: printable, cut at ``limit``."""
    if len(text) <= limit:
        return printable(text)
    return f"{printable(text[:limit])}… ({len(text):,} characters)"


def quoted(value: str, limit: int = 60) -> str:
    """A value from the file as a message shows it: quoted, escaped, cut at ``limit``."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value):,} characters)"


class RowNote(BaseModel):
    """Rows read in a way worth knowing: skipped (a blank cost) or read with an assumption."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    what: str
    rows: int
    first_line: int


# --- reading exports: the edge ------------------------------------------------------------

_READ_FIX = "pass the CSV (or .csv.gz) file exported from AWS"


def read_export(path: Path) -> ExportTotals:
    """The totals of the export at ``path``, read as a stream.

    Only a regular file is opened: a FIFO would block, a device such as /dev/zero never
    ends, a directory is no export."""
    source = str(path)
    try:
        descriptor = open_input(path)
    except UnreadableFileError as exc:
        raise ExportError(source, exc.reason, _READ_FIX) from None
    with os.fdopen(descriptor, "rb") as stream:
        return aggregate(stream, source)


# --- reading exports: the streaming core ----------------------------------------------------


@dataclass(frozen=True)
class ExportTotals:
    """An export summed: cost by (month, service, usage type), exact."""

    source: str
    format: str
    totals: dict[tuple[str, str, str], Decimal]
    rows_read: int
    notes: tuple[RowNote, ...] = ()


def aggregate(stream: BinaryIO, source: str, limits: ExportLimits = LIMITS) -> ExportTotals:
    """Sum the export read from ``stream`` (plain or gzip-compressed CSV bytes) as it is
    read: one bounded line at a time, never the whole text. Pure but for the reads."""
    lines = _Lines(_uncompressed(stream, source), source, limits)
    with decimal.localcontext(DECIMALS):
        header_text = lines.header()
        layout = _layout(header_text, source, lines.number, limits.name_chars)
        sums = _Sums(source, limits)
        reader = csv.reader(lines, delimiter=layout.delimiter, strict=True)
        while True:
            lines.start_record()
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise _csv_error(str(exc), source, lines.record_line) from None
            if row:  # an empty line is no row
                layout.read(row, lines.record_line, sums)
    return sums.result(layout.format)


_CSV_ERRORS = (
    (
        "unexpected end of data",
        "a quoted cell that starts in this row is never closed",
        "close the quote, or re-export the file",
    ),
    (
        "field larger than field limit",
        f"a cell is longer than {csv.field_size_limit():,} characters",
        "pass a cost export: AWS writes short cells (is a quote left open?)",
    ),
    (
        "expected after '\"'",
        "a quote inside a quoted cell is not doubled",
        'write a quote inside a quoted cell as two (""), or re-export the file',
    ),
    (
        "new-line character seen in unquoted field",
        "a carriage return (\\r) alone ends a line",
        "save the file with LF or CRLF line endings",
    ),
)


def _csv_error(reason: str, source: str, line: int) -> ExportError:
    for known, message, fix in _CSV_ERRORS:
        if known in reason:
            return ExportError(source, message, fix, line)
    return ExportError(source, f"not valid CSV ({reason})", "re-export the file", line)


_GZIP = b"\x1f\x8b"
_NOT_CSV = (
    (b"PK\x03\x04", "a zip archive", "unzip it and pass the CSV inside"),
    (b"PAR1", "a Parquet file", "export the report as CSV (or .csv.gz), not Parquet"),
)


def _uncompressed(stream: BinaryIO, source: str) -> io.BufferedIOBase:
    """The CSV bytes: a gzip stream is decompressed as it is read (its lines are bounded
    like any other, so a small bomb cannot fill memory)."""
    try:
        head = stream.read(4)
    except OSError as exc:
        raise ExportError(source, f"cannot be read ({exc})", _READ_FIX) from None
    whole = io.BufferedReader(_Rewound(head, stream), buffer_size=1 << 16)
    if head.startswith(_GZIP):
        return gzip.GzipFile(fileobj=whole, mode="rb")
    for magic, kind, fix in _NOT_CSV:
        if head.startswith(magic):
            raise ExportError(source, f"is {kind}, not a CSV export", fix)
    return whole


class _Rewound(io.RawIOBase):
    """A stream whose first bytes were read to sniff its kind, whole again."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(view), len(self._head))
            view[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


_BOM = b"\xef\xbb\xbf"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


class _Lines:
    """The export's physical lines as text, each at most ``line_bytes`` and each record
    (quoted line breaks included) at most ``record_chars``, numbered from 1."""

    def __init__(self, stream: io.BufferedIOBase, source: str, limits: ExportLimits) -> None:
        self._stream = stream
        self._source = source
        self._limits = limits
        self._record_chars = 0
        self.number = 0
        self.offset = 0
        self.record_line = 1

    def __iter__(self) -> Iterator[str]:
        return self

    def header(self) -> str:
        """The first line with anything on it (blank lines before it are skipped)."""
        for text in self:
            if text.strip():
                return text
        raise ExportError(
            self._source, "the file is empty", "export a CSV from Cost Explorer or CUR"
        )

    def start_record(self) -> None:
        self.record_line = self.number + 1
        self._record_chars = 0

    def __next__(self) -> str:
        raw = self._read()
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) > self._limits.line_bytes:
            raise ExportError(
                self._source,
                f"the line is longer than {self._limits.line_bytes:,} bytes",
                "pass a cost export: AWS writes lines of a few KB",
                line=self.number,
            )
        if self.number == 1:
            raw = self._first(raw)
        text = self._decode(raw)
        self.offset += len(raw)
        self._record_chars += len(text)
        if self._record_chars > self._limits.record_chars:
            raise ExportError(
                self._source,
                f"the row that starts here runs past {self._limits.record_chars:,} characters "
                f"(to line {self.number})",
                "close the quote that swallows the lines after it, or re-export the file",
                line=self.record_line,
            )
        return text

    def _read(self) -> bytes:
        try:
            return self._stream.readline(self._limits.line_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            # a truncated or corrupt gzip stream, or the disk failing under the read
            raise ExportError(
                self._source,
                f"cannot be read past line {self.number} ({exc})",
                "export the file again; a .gz export must be complete",
            ) from None

    def _first(self, raw: bytes) -> bytes:
        if raw.startswith(_UTF16):
            raise ExportError(
                self._source,
                "is UTF-16 text",
                "save it as CSV UTF-8 (AWS exports are UTF-8)",
                line=1,
            )
        if raw.startswith(_BOM):
            self.offset += len(_BOM)
            return raw[len(_BOM) :]
        return raw

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.end]
            raise ExportError(
                self._source,
                f"byte {bad!r} at offset {self.offset + exc.start:,} is not UTF-8",
                "save the export as CSV UTF-8 (AWS writes UTF-8; a spreadsheet may have "
                "re-encoded it)",
                line=self.number,
            ) from None


class _Sums:
    """Totals by (month, service, usage type), their names interned and bounded."""

    def __init__(self, source: str, limits: ExportLimits) -> None:
        self._source = source
        self._limits = limits
        self._names: dict[str, str] = {}
        self._name_chars = 0
        self._notes: dict[str, list[int]] = {}
        self.totals: dict[tuple[str, str, str], Decimal] = {}
        self.rows = 0

    def add(
        self,
        month: str,
        service: str,
        usage: str,
        amount: Decimal,
        *,
        line: int,
        columns: tuple[tuple[int, str], tuple[int, str]],
    ) -> None:
        """Add ``amount``; ``columns`` (index, header name) of the service and the usage
        type locate a name that is too long."""
        names = self._names
        key = (
            month,
            names.get(service) or self._name(service, line, columns[0]),
            names.get(usage) or self._name(usage, line, columns[1]),
        )
        self.rows += 1
        known = self.totals.get(key)
        if known is not None:
            self.totals[key] = known + amount
            return
        if len(self.totals) >= self._limits.groups:
            raise ExportError(
                self._source,
                f"more than {self._limits.groups:,} distinct (month, service, usage type) lines",
                "export fewer months or accounts at a time",
                line=line,
            )
        self.totals[key] = amount

    def _name(self, raw: str, line: int, column: tuple[int, str]) -> str:
        """The name a cell gives (blank shown as such), the same string every time."""
        name = raw.strip() or BLANK_NAME
        if len(name) > self._limits.name_chars:
            raise ExportError(
                self._source,
                f"{quoted(name)} is longer than {self._limits.name_chars} characters",
                "pass a cost export: AWS product codes and usage types are short names",
                line=line,
                column=column,
            )
        self._name_chars += len(raw)
        if self._name_chars > self._limits.names_total_chars:
            raise ExportError(
                self._source,
                f"names more than {self._limits.names_total_chars:,} characters of distinct "
                "services and usage types",
                "export fewer months or accounts at a time",
                line=line,
                column=column,
            )
        name = self._names.setdefault(name, name)  # " EC2" and "EC2": one string
        self._names[raw] = name
        return name

    def note(self, what: str, line: int) -> None:
        counted = self._notes.setdefault(what, [0, line])
        counted[0] += 1

    def result(self, kind: str) -> ExportTotals:
        notes = sorted(
            (
                RowNote(what=what, rows=rows, first_line=first)
                for what, (rows, first) in self._notes.items()
            ),
            key=lambda n: (n.first_line, n.what),
        )
        return ExportTotals(self._source, kind, self.totals, self.rows, tuple(notes))


# --- the two layouts: CUR (a row per line item) and Cost Explorer (a row per month) ---------

_CUR_V1 = ("lineItem/UsageStartDate", "lineItem/ProductCode", "lineItem/UsageType")
_CUR_V2 = ("line_item_usage_start_date", "line_item_product_code", "line_item_usage_type")
_COST_V1 = ("lineItem/UnblendedCost", "lineItem/BlendedCost", "lineItem/NetUnblendedCost")
_COST_V2 = ("line_item_unblended_cost", "line_item_blended_cost", "line_item_net_unblended_cost")
_CURRENCY_V1 = "lineItem/CurrencyCode"
_CURRENCY_V2 = "line_item_currency_code"
_CUR_FORMATS = (("cur", _CUR_V1, _COST_V1, _CURRENCY_V1), ("cur2", _CUR_V2, _COST_V2, _CURRENCY_V2))
_DELIMITERS = (",", ";", "\t")
_CURRENCY = "USD"
_ROW_FIX = (
    "every row has the header's columns: quote cells that contain the delimiter, "
    "or re-export the file"
)
_DATE_FIX = "dates look like 2025-05-01 or 2025-05-01T00:00:00Z"


class _Layout:
    """How one kind of export's rows become totals."""

    format: str
    delimiter: str
    source: str
    header: list[str]

    def read(self, row: list[str], line: int, sums: _Sums) -> None:
        raise NotImplementedError

    def _check_width(self, row: list[str], line: int) -> None:
        width = len(self.header)
        # a short row, or a long one with something past the header: cells out of line
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            raise ExportError(
                self.source, f"the row has {len(row)} columns, the header {width}", _ROW_FIX, line
            )

    def _column(self, index: int) -> tuple[int, str]:
        return (index, self.header[index])

    def _month(self, row: list[str], index: int, line: int) -> str:
        raw = row[index]
        try:
            return month_of(raw)
        except ValueError as exc:
            raise ExportError(
                self.source,
                f"{quoted(raw)} is not a date ({exc})",
                _DATE_FIX,
                line,
                self._column(index),
            ) from None

    def _cost(self, row: list[str], index: int, line: int) -> Decimal | None:
        raw = row[index]
        try:
            return cost_of(raw, thousands=self.delimiter == ",")
        except ValueError as exc:
            raise ExportError(
                self.source,
                f"{quoted(raw)} {exc}",
                "costs are decimals with a point, such as 12.34, -0.5 (a credit) or 1.2E-05",
                line,
                self._column(index),
            ) from None


@dataclass
class _Cur(_Layout):
    format: str
    delimiter: str
    source: str
    header: list[str]
    start: int
    product: int
    usage: int
    cost: int
    currency: int | None

    def read(self, row: list[str], line: int, sums: _Sums) -> None:
        if len(row) != len(self.header):
            self._check_width(row, line)
        amount = self._cost(row, self.cost, line)
        if amount is None:
            # nothing to add: counted, so a blank column is never taken for a zero bill
            empty = not any(cell.strip() for cell in row)
            sums.note("skipped: empty row" if empty else f"skipped: blank {self._cost_name}", line)
            return
        month = self._month(row, self.start, line)
        if self.currency is not None and row[self.currency] != _CURRENCY:
            self._check_currency(row[self.currency].strip(), line, sums)
        sums.add(month, row[self.product], row[self.usage], amount, line=line, columns=self._names)

    @property
    def _cost_name(self) -> str:
        return self.header[self.cost]

    @property
    def _names(self) -> tuple[tuple[int, str], tuple[int, str]]:
        return (self._column(self.product), self._column(self.usage))

    def _check_currency(self, code: str, line: int, sums: _Sums) -> None:
        assert self.currency is not None  # noqa: S101  (checked by the caller)
        if not code:
            sums.note(f"read as USD: blank {self.header[self.currency]}", line)
        elif code != _CURRENCY:
            raise ExportError(
                self.source,
                f"{quoted(code)}: amounts in another currency than USD cannot be added to it",
                "filter the export to USD rows (cost explain sums USD only)",
                line,
                self._column(self.currency),
            )


@dataclass
class _CostExplorer(_Layout):
    format: str
    delimiter: str
    source: str
    header: list[str]
    services: list[tuple[int, str]] = field(default_factory=list)

    def read(self, row: list[str], line: int, sums: _Sums) -> None:
        if not any(cell.strip() for cell in row):
            sums.note("skipped: empty row", line)
            return
        if row[0].strip().lower() == "service total":
            return  # the export's own sum of each column: adding it would count twice
        if len(row) != len(self.header):
            self._check_width(row, line)
        month = self._month(row, 0, line)
        for index, service in self.services:
            amount = self._cost(row, index, line)
            if amount is not None:  # a blank cell: the service cost nothing that month
                column = self._column(index)
                sums.add(month, service, NO_USAGE_TYPE, amount, line=line, columns=(column, column))


def _layout(text: str, source: str, line: int, name_chars: int) -> _Layout:
    """The layout the header line names, with the delimiter that makes it one (AWS
    writes commas; a spreadsheet in many locales re-saves with semicolons)."""
    parsed: list[list[str]] = []
    failure = ""
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([text], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            failure = failure or str(exc)
            continue
        header = [cell.strip() for cell in cells]
        parsed.append(header)
        layout = _known(header, delimiter, source, line, name_chars=name_chars)
        if layout is not None:
            return layout
    if not parsed:
        raise _csv_error(failure, source, line)
    raise ExportError(source, _unknown(max(parsed, key=len)), _HEADER_FIX, line)


_HEADER_FIX = (
    "export a Cost and Usage Report (lineItem/UsageStartDate, lineItem/ProductCode, "
    "lineItem/UsageType and lineItem/UnblendedCost; or their CUR 2.0 line_item_... names) "
    "or a Cost Explorer CSV grouped by service (Service, then a <service>($) column each)"
)


def _unknown(header: list[str]) -> str:
    shown = ", ".join(repr(shorten(h, 40)) for h in header[:8])
    more = f" and {len(header) - 8:,} more" if len(header) > 8 else ""
    for _, names, _, _ in _CUR_FORMATS:
        present = [n for n in names if n in header]
        if present:
            missing = ", ".join(n for n in names if n not in header)
            return f"a cost and usage report header without {missing} (found {shown}{more})"
    columns = f"{len(header)} column" + ("s" if len(header) != 1 else "")
    return f"not a known cost export header (found {columns}: {shown}{more})"


def _known(
    header: list[str], delimiter: str, source: str, line: int, *, name_chars: int
) -> _Layout | None:
    for kind, names, costs, currency in _CUR_FORMATS:
        if not all(n in header for n in names):
            continue
        cost = next((c for c in costs if c in header), None)
        if cost is None:
            raise ExportError(
                source,
                f"no cost column (one of {', '.join(costs)}; found {len(header)} columns)",
                f"include {costs[0]} in the export",
                line,
            )
        start, product, usage, cost_index = (
            _unique(header, n, source, line) for n in (*names, cost)
        )
        currency_index = _unique(header, currency, source, line) if currency in header else None
        return _Cur(
            kind, delimiter, source, header, start, product, usage, cost_index, currency_index
        )
    if header and header[0].lower() == "service" and any(h.endswith("($)") for h in header[1:]):
        return _CostExplorer(
            "cost-explorer", delimiter, source, header, _services(header, source, line, name_chars)
        )
    return None


def _unique(header: list[str], name: str, source: str, line: int) -> int:
    at = [i + 1 for i, h in enumerate(header) if h == name]
    if len(at) > 1:
        raise ExportError(
            source,
            f"the header names {name} {len(at)} times (columns {', '.join(map(str, at))})",
            "keep one column of that name: which one holds the cost cannot be guessed",
            line,
        )
    return at[0] - 1


def _services(header: list[str], source: str, line: int, name_chars: int) -> list[tuple[int, str]]:
    services: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        if index == 0 or not cell.endswith("($)"):
            continue
        name = cell[: -len("($)")].strip() or BLANK_NAME
        if name.lower().startswith("total"):
            continue  # the export's own row total
        if len(name) > name_chars:
            raise ExportError(
                source,
                f"{quoted(name)} is longer than {name_chars} characters",
                "pass a Cost Explorer export: its columns are AWS service names",
                line,
                (index, name),
            )
        if name in seen:
            raise ExportError(
                source,
                f"the header names {quoted(name)} twice (columns {seen[name] + 1} and {index + 1})",
                "keep one column per service: which one holds its cost cannot be guessed",
                line,
            )
        seen[name] = index
        services.append((index, name))
    return services


# --- cells ----------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ]|$)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d[\d.,]*,[\d.,]*\d")
_NOT_FINITE = {"nan", "snan", "inf", "infinity"}


@functools.lru_cache(maxsize=4096)  # an export repeats the same few dates on every row
def month_of(raw: str) -> str:
    """``YYYY-MM`` of a date cell (``2025-05-01``, ``2025-05-01T00:00:00Z``, ``2025-05``);
    ValueError naming what is wrong (month 13 and day 31 of April are no dates)."""
    match = _DATE.match(raw.strip())
    if match is None:
        raise ValueError("expected YYYY-MM-DD")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    date(year, month, day)  # ValueError: "month must be in 1..12", "day is out of range ..."
    return f"{year:04d}-{month:02d}"


def cost_of(raw: str, *, thousands: bool = True) -> Decimal | None:
    """The exact amount of a cost cell, None when blank; ValueError naming what is wrong.
    ``1,234.50`` is read with ``thousands`` (a comma-delimited file, where a comma in a
    number is a thousands separator); elsewhere a comma may be a decimal comma, and is
    refused rather than guessed."""
    text = raw.strip()
    if not text:
        return None
    value = _plain_decimal(text)
    if value is None:
        if thousands and _THOUSANDS.fullmatch(text):
            value = Decimal(text.replace(",", ""))
        elif text.lstrip("+-").lower() in _NOT_FINITE:
            raise ValueError("is not a finite number")
        elif not thousands and _DECIMAL_COMMA.fullmatch(text):
            # 1,234 is a thousand and more in one locale, one and a bit in another
            raise ValueError("has a decimal comma, or a thousands separator: cannot tell which")
        else:
            raise ValueError("is not a number")
    if value.copy_abs() > MAX_ABS_COST:
        raise ValueError(f"is beyond ±{MAX_ABS_COST:.0e}, more than any real line item")
    return value


def _plain_decimal(text: str) -> Decimal | None:
    """A finite decimal in ASCII digits (``-1.5``, ``.5``, ``1.2E-05``), else None:
    Decimal alone would also take ``NaN``, ``Infinity``, ``1_000`` and other scripts' digits."""
    if not text.isascii() or "_" in text:
        return None
    try:
        value = Decimal(text)
    except decimal.InvalidOperation:
        return None
    return value if value.is_finite() else None
