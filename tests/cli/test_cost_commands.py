"""`cost` is a group: `cost price DIR` (and its short form `cost DIR`) and `cost explain
EXPORT.csv`, each a real subcommand with its own --help."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from infra_architect.cli import app
from tests.unit.cost.test_terraform_cost import _tree


def test_cost_lists_its_subcommands_and_each_has_its_own_help() -> None:
    runner = CliRunner()
    group = runner.invoke(app, ["cost", "--help"], env={"COLUMNS": "100"})
    assert group.exit_code == 0
    assert "price" in group.stdout
    assert "explain" in group.stdout
    for name, option in (("explain", "--before"), ("price", "--region")):
        own = runner.invoke(app, ["cost", name, "--help"], env={"COLUMNS": "100"})
        assert own.exit_code == 0
        assert f"cost {name} [OPTIONS]" in own.stdout
        assert option in own.stdout


def test_cost_dir_is_short_for_cost_price_dir(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree")
    runner = CliRunner()
    short = runner.invoke(app, ["cost", str(tree), "-f", "json"])
    long = runner.invoke(app, ["cost", "price", str(tree), "-f", "json"])
    options_first = runner.invoke(app, ["cost", "--region", "eu-west-1", str(tree), "-f", "json"])
    assert short.exit_code == long.exit_code == options_first.exit_code == 0, short.stderr
    assert json.loads(short.stdout) == json.loads(long.stdout)
    assert json.loads(options_first.stdout)["region"] == "eu-west-1"
