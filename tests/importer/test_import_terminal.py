"""The brownfield path on a real terminal (a pty driven by pexpect): `import` writes a
draft, `design` on the draft asks exactly the questions the code cannot answer, saves the
answers into the draft with its evidence comments kept, and designs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from infra_architect.spec import load_requirements
from tests.cli.test_cli import EXE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

DEMO = Path(__file__).parent / "public" / "microservices-demo"

# (what the tool asks, the answer): in the order `design` asks them, and nothing else
ANSWERS = [
    ("concurrent users or as requests per second", "rps"),
    ("Average requests per second", "200"),
    ("What availability must the system reach", "99.9"),
    ("How many production deploys per day", "2"),
    ("How many engineers build and operate this system", "6"),
    ("How much operations experience does the team have", "medium"),
]


def test_design_asks_the_drafts_questions_then_designs(tmp_path: Path, catalog) -> None:
    draft = tmp_path / "boutique.yaml"
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    imported = subprocess.run(
        [EXE, "import", str(DEMO), "-o", str(draft), "--name", "boutique"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert f"next: infra-architect design {draft}" in imported.stderr
    child = pexpect.spawn(
        EXE,
        ["design", str(draft), "-o", str(tmp_path / "out")],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 160),
    )
    for prompt, answer in ANSWERS:
        child.expect(re.escape(prompt) + r"[^\r\n]*: ")  # the whole prompt line
        child.sendline(answer)
    # nothing else is asked: the next thing said is that the answers were saved
    index = child.expect(["answers saved to", r"\?"])
    assert index == 0, f"an unexpected question: {child.before!r}"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    text = draft.read_text(encoding="utf-8")
    assert "# from kubernetes-manifests.yaml:" in text  # the evidence is kept
    requirements = load_requirements(draft, catalog.regions)
    assert requirements.availability.slo == 99.9
    assert requirements.traffic.requests_per_second == 200
    assert requirements.existing is not None
    assert (tmp_path / "out" / "design.json").is_file()
