"""The table every CLI report starts from: a bold title, left-aligned, and a caption."""

from __future__ import annotations

from rich.table import Table


def titled_table(title: str, caption: str | None = None) -> Table:
    return Table(title=title, title_justify="left", title_style="bold", caption=caption)
