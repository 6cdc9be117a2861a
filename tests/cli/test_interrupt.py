"""Ctrl-C: one line, exit 130, no traceback, and no half-written output."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra_architect._manifest import JOURNAL
from tests.conftest import call_mesh

EXE = shutil.which("infra-architect", path=str(Path(sys.executable).parent)) or "infra-architect"
SLOW_SPEC = call_mesh(10, 3)
"""31 services: a design that takes several seconds, long enough to interrupt."""


def _staged(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith((".infra-architect-tmp", ".tmp"))]


def _interrupt(tmp_path: Path, ready: str) -> subprocess.CompletedProcess[str]:
    """Run design and send SIGINT once it is under way ("started": 3 s in, while the
    engine works) or once it writes (its journal exists: files are being staged)."""
    spec = tmp_path / "mesh.json"
    spec.write_text(SLOW_SPEC, encoding="utf-8")
    out = tmp_path / "out"
    child = subprocess.Popen(
        [EXE, "design", str(spec), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    start = time.monotonic()
    while child.poll() is None and time.monotonic() < start + 60:
        if ready == "started" and time.monotonic() > start + 3:
            break
        if ready == "writing" and (out / JOURNAL).exists():
            break
        time.sleep(0.005)
    assert child.poll() is None, "the design ended before it could be interrupted"
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


@pytest.mark.parametrize("ready", ["started", "writing"], ids=["designing", "writing"])
def test_ctrl_c_exits_130_with_one_line_and_leaves_nothing_half_written(
    tmp_path: Path, ready: str
) -> None:
    interrupted = _interrupt(tmp_path, ready)
    assert interrupted.returncode == 130, interrupted.stderr
    assert "Traceback" not in interrupted.stderr
    assert interrupted.stderr.strip().splitlines()[-1] == "interrupted"
    out = tmp_path / "out"
    assert not _staged(out), "staged files are discarded"
    again = subprocess.run(
        [EXE, "design", str(tmp_path / "mesh.json"), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr  # what was written is recognised, not refused
    assert not (out / JOURNAL).exists()
    assert not _staged(out)


def test_ctrl_c_in_the_interview_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    import pexpect  # noqa: PLC0415

    from tests.cli.test_terminal import spawn  # noqa: PLC0415
    from tests.conftest import VALID  # noqa: PLC0415

    spec = tmp_path / "spec.yaml"
    text = VALID.replace("availability: {slo: 99.9}\n", "")
    spec.write_text(text)
    child = spawn("constraints", str(spec), cwd=tmp_path)
    child.expect(r"What availability must the system reach")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert "interrupted" in (child.before or "")
    assert "Traceback" not in (child.before or "")
    assert spec.read_text() == text
