"""Field paths in tables are copied into specs: never cut with an ellipsis, wrapped only
where the path has a boundary (before `.` or `[`), on an 80-column terminal too."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pexpect
import pytest
from rich.console import Console

from infra_architect.cli._tables import FieldPath, add_path_column, titled_table
from tests.cli.test_cli import EXE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PATH = "system.services[3].traffic.peak_rps"


def _path_cells(table: str) -> list[str]:
    """The first column of a rendered table, a path wrapped at a boundary joined again."""
    cells: list[str] = []
    for line in table.splitlines():
        if not line.startswith("│"):
            continue
        cell = line.split("│")[1].strip()
        if cell.startswith((".", "[")) and cells:
            cells[-1] += cell
        elif cell:
            cells.append(cell)
    return cells


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_a_path_wraps_at_its_boundaries_and_is_never_cut(width: int) -> None:
    console = Console(width=width, file=io.StringIO(), record=True)
    table = titled_table("t")
    paths = [PATH, "system.services[*].health_check_path", "traffic.spike_multiplier"]
    add_path_column(table, "field", paths, console.width)
    table.add_column("why")
    for path in paths:
        table.add_row(FieldPath(path), "a long reason " * 6)
    console.print(table)
    text = console.export_text()
    assert "…" not in text
    assert _path_cells(text) == paths


def test_constraints_at_80_columns_show_every_assumption_path_whole() -> None:
    env = {**os.environ, "COLUMNS": "80", "LINES": "50", "TERM": "xterm"}
    child = pexpect.spawn(EXE, ["constraints"], env=env, encoding="utf-8", dimensions=(50, 80))
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 0
    shown = ANSI.sub("", child.before or "").replace("\r", "")
    assert "…" not in shown
    document = json.loads(
        subprocess.run(
            [EXE, "constraints", "-f", "json"], capture_output=True, text=True, check=True
        ).stdout
    )
    table = shown[shown.index("Assumptions (defaults applied") :]
    fields = [a["field"] for a in document["constraints"]["assumptions"]]
    assert _path_cells(table)[: len(fields)] == fields
