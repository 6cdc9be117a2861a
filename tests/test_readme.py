"""The README's set-up block is exactly the two commands, and .ci/run runs the tests."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_readme_has_exactly_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Set up", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert commands == [
        (
            "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/infra-architect "
            "design -o out"
        ),
        "bash .ci/run",
    ]


def test_ci_script_runs_lint_types_and_tests() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    for step in ("ruff check .", "ruff format --check .", "mypy", "pytest"):
        assert step in script
    assert "set -euo pipefail" in script
