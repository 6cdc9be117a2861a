"""`.infra-architect.yaml` at the reviewed root: review's defaults kept with the code. The
file's values apply, a flag given on the command line wins, a bad value is one located
error (file:line, the field, the fix; exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from tests.cli.test_cli import run

HERE = Path(__file__).parent
VULNERABLE = HERE / "vulnerable"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(VULNERABLE, root)
    return root


def _review(repo: Path, config: str | None, *flags: str):
    if config is not None:
        (repo / ".infra-architect.yaml").write_text(config, encoding="utf-8")
    return CliRunner().invoke(app, ["review", str(repo), *flags])


def test_without_a_file_the_vulnerable_tree_fails_at_high(repo: Path) -> None:
    assert _review(repo, None).exit_code == 1


def test_the_file_sets_fail_on_and_format(repo: Path) -> None:
    result = _review(repo, "review:\n  fail_on: none\n  format: json\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"]


def test_a_flag_wins_over_the_file(repo: Path) -> None:
    config = "review:\n  fail_on: none\n  format: json\n"
    # --fail-on from the command line, the format still from the file
    result = _review(repo, config, "--fail-on", "high")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"]
    sarif = _review(repo, config, "-f", "sarif")
    assert sarif.exit_code == 0
    assert json.loads(sarif.stdout)["version"] == "2.1.0"


def test_the_file_chooses_rules(repo: Path) -> None:
    result = _review(repo, "review:\n  format: json\n  rules: [IA-TF-010]\n")
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"IA-TF-010"}
    flagged = _review(repo, None, "--rule", "IA-K8S-004")
    assert {f["rule_id"] for f in json.loads(flagged.stdout)["findings"]} == {"IA-K8S-004"}


def test_the_file_names_a_baseline_relative_to_the_root(repo: Path) -> None:
    written = _review(repo, None, "--write-baseline", str(repo / "accepted.json"))
    assert written.exit_code == 0, written.output
    assert _review(repo, "review:\n  baseline: accepted.json\n").exit_code == 0


def test_the_file_sets_per_environment_slos(repo: Path) -> None:
    config = "review:\n  format: json\n  slo: {prod: 99.9, staging: 99}\n"
    result = _review(repo, config)
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["findings"]


@pytest.mark.parametrize(
    ("config", "where", "fix"),
    [
        ("review:\n  fail_on: hgh\n", ":2: review.fail_on", "critical, high, medium, low, none"),
        ("review:\n  format: xml\n", ":2: review.format", "table, json, sarif, markdown"),
        ("# defaults\nreview:\n  slo: {prod: fast}\n", ":3: review.slo", "a percentage (99.9)"),
        ("review:\n  skip_rules: IA-TF-006\n", ":2: review.skip_rules", "list rule ids"),
        ("review:\n  failon: high\n", ":2: review.failon", "known keys under review: fail_on"),
        ("review:\n  slo: 101\n", "--slo '101'", "use a percentage"),
    ],
    ids=["fail_on", "format", "slo-mapping", "skip-rules-not-a-list", "unknown-key", "slo-range"],
)
def test_a_bad_value_is_one_located_error(repo: Path, config: str, where: str, fix: str) -> None:
    # the console script, as users meet it: main() turns the error into exit 2
    (repo / ".infra-architect.yaml").write_text(config, encoding="utf-8")
    result = run("review", str(repo))
    assert result.returncode == 2, result.stderr
    assert where in result.stderr
    assert fix in result.stderr
    assert "Traceback" not in result.stderr


def test_a_link_out_of_the_tree_is_not_read(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("review:\n  fail_on: none\n")
    (repo / ".infra-architect.yaml").symlink_to(outside)
    result = _review(repo, None)
    assert result.exit_code == 2
    assert "links outside the reviewed tree" in result.output
