"""What a quick command loads: `--version`, `review` (a pre-commit hook) and `cost explain`
start without numpy, the engine, the simulators or the renderers. Each case runs in a
fresh interpreter, since this test session has long imported everything."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from infra_architect.cli import _app, commands

HEAVY = (
    "numpy",
    "matplotlib",
    "infra_architect.engine",
    "infra_architect.simulate",
    "infra_architect.render",
    "infra_architect.cli._render",
)
"""Modules (and their submodules) a quick command must not import."""

# runs the console entry point as the installed script does, then reports what it loaded
PROBE = """
import json, sys
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
from infra_architect.cli import main
sys.argv = ["infra-architect", *args]
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
loaded = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
sys.stderr.write("\\n" + json.dumps({"exit": code, "loaded": loaded}) + "\\n")
"""

TERRAFORM = 'resource "aws_s3_bucket" "logs" {\n  bucket = "example-logs"\n}\n'

CUR = (
    "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n"
    "2025-01-03T00:00:00Z,AmazonEC2,BoxUsage:m6i.large,120.50\n"
    "2025-02-03T00:00:00Z,AmazonEC2,BoxUsage:m6i.large,210.25\n"
)


def _run(*args: str) -> tuple[int, list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["exit"], report["loaded"], done.stdout


def test_version_loads_neither_numpy_nor_the_engine() -> None:
    code, loaded, out = _run("--version")
    assert code == 0
    assert out.startswith("infra-architect ")
    assert loaded == []


def test_review_help_loads_only_review() -> None:
    code, loaded, out = _run("review", "--help")
    assert code == 0
    assert "--fail-on" in out
    assert loaded == []


def test_review_of_a_tree_loads_neither_numpy_nor_the_engine(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TERRAFORM)
    code, loaded, out = _run("review", str(tmp_path), "--format", "json", "--fail-on", "none")
    assert code == 0
    assert json.loads(out)["summary"]["resources"] == 1
    assert loaded == []


def test_cost_explain_loads_neither_numpy_nor_the_engine(tmp_path: Path) -> None:
    export = tmp_path / "cur.csv"
    export.write_text(CUR)
    code, loaded, out = _run("cost", "explain", str(export), "--format", "json")
    assert code == 0
    assert json.loads(out)["after_month"] == "2025-02"
    assert loaded == []


@pytest.mark.parametrize("command", ["design", "simulate", "constraints"])
def test_the_design_commands_still_load_the_engine(command: str) -> None:
    """The other side: laziness must not lose the engine where a command needs it (a
    --help builds the command from its module, which imports what the command runs)."""
    code, loaded, _ = _run(command, "--help")
    assert code == 0
    assert "infra_architect.engine" in loaded


def test_every_command_module_is_registered_under_its_own_name() -> None:
    """Lazy registration names modules by string: a module nobody registered, or a name
    that builds another command, would only show when someone ran it."""
    modules = {
        p.stem for p in Path(commands.__file__).parent.glob("*.py") if not p.stem.startswith("_")
    }
    assert set(_app.COMMANDS.values()) == modules
    for name, module in _app.COMMANDS.items():
        command_app = importlib.import_module(f"infra_architect.cli.commands.{module}").app
        assert typer.main.get_command(command_app).name == name
