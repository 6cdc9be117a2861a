"""The table every CLI report starts from: a bold title, left-aligned, and a caption; and
the cell for what users copy out of one (spec field paths), which is never cut short."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult


class _FoldingTable(Table):
    """A table whose cells fold a word too long for its column instead of cutting it with
    an ellipsis: a figure, a name or a path is copied out of a report, so all of it shows."""

    def add_column(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401  (Rich's own)
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)


def titled_table(title: str, caption: str | None = None) -> Table:
    return _FoldingTable(title=title, title_justify="left", title_style="bold", caption=caption)


_BREAKS = re.compile(r"(?<=, )|(?=[.\[])")
"""Where a path may break: before a `.` or a `[`, and after the `, ` between paths."""


class FieldPath:
    """Field paths (``system.services[3].traffic.peak_rps``, several joined by ``, ``) as
    a table cell: wrapped only where the path has a boundary, never truncated with an
    ellipsis, so every piece of it can be read and copied. The column is never narrower
    than its longest piece; a piece longer than the whole line is folded as the last
    resort."""

    def __init__(self, paths: str, style: str = "") -> None:
        self.paths = paths
        self.style = style

    def _pieces(self) -> list[str]:
        return [piece for piece in _BREAKS.split(self.paths) if piece]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        pieces = self._pieces() or [""]
        return Measurement(max(cell_len(p) for p in pieces), cell_len(self.paths))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[str] = []
        for piece in self._pieces():
            if lines and cell_len(lines[-1] + piece.rstrip()) <= options.max_width:
                lines[-1] += piece
            else:
                lines.append(piece)
        text = Text("\n".join(line.rstrip() for line in lines), style=self.style)
        text.overflow = "fold"
        yield text


def add_path_column(table: Table, header: str, paths: list[str], width: int, **style: str) -> None:
    """A column of :class:`FieldPath` cells that the other columns give way to: as wide as
    its longest path up to a third of ``width`` (the console's), never narrower than the
    longest unbreakable piece; longer paths wrap at their boundaries."""
    pieces = [cell_len(piece) for path in paths for piece in FieldPath(path)._pieces()]
    longest = max((cell_len(path) for path in paths), default=len(header))
    table.add_column(
        header,
        no_wrap=True,  # out of Rich's collapsing, which would cut a path mid-name
        width=max(len(header), *pieces, min(longest, width // 3)),
        **style,  # type: ignore[arg-type]
    )
