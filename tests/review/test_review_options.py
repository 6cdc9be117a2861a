"""`review` options a platform team gates on: --write-baseline succeeds whatever it
records, --rule/--skip-rule choose the rules reported (an unknown id is bad input), and
the table never splits a file path across lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.rules import ALL_RULES

HERE = Path(__file__).parent
VULNERABLE = HERE / "vulnerable"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
SECRET = HERE.parent / "rules" / "IA-K8S-004" / "fail" / "manifests.yaml"


def _rules_reported(*options: str) -> list[str]:
    result = CliRunner().invoke(
        app, ["review", str(VULNERABLE), "--slo", "99.9", "-f", "json", *options]
    )
    assert result.exit_code in (0, 1), result.output
    return [f["rule_id"] for f in json.loads(result.output)["findings"]]


def test_write_baseline_exits_0_with_findings(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    result = CliRunner().invoke(app, ["review", str(VULNERABLE), "--write-baseline", str(baseline)])
    assert result.exit_code == 0, result.output
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert recorded, "the findings were recorded"


@pytest.mark.parametrize(
    ("options", "reported"),
    [
        (("--rule", "IA-TF-010"), ["IA-TF-010", "IA-TF-010"]),
        (("--rule", "ia-tf-010", "--rule", "IA-K8S-004"), ["IA-TF-010", "IA-TF-010", "IA-K8S-004"]),
        (
            ("--skip-rule", "IA-TF-004", "--skip-rule", "IA-TF-008"),
            [f[1] for f in EXPECTED["findings"] if f[1] not in {"IA-TF-004", "IA-TF-008"}],
        ),
        (("--rule", "IA-TF-010", "--skip-rule", "IA-TF-010"), []),
    ],
    ids=["one rule", "two rules, any case", "skip two", "skip wins"],
)
def test_rule_flags_choose_the_rules_reported(
    options: tuple[str, ...], reported: list[str]
) -> None:
    assert sorted(_rules_reported(*options)) == sorted(reported)


def test_skipping_the_failing_rules_passes_the_gate() -> None:
    high = sorted({f[1] for f in EXPECTED["findings"]} - {"IA-TF-005", "IA-TF-006"})
    skips = [x for rule in high for x in ("--skip-rule", rule)]
    result = CliRunner().invoke(app, ["review", str(VULNERABLE), *skips])
    assert result.exit_code == 0, result.output


def test_an_unknown_rule_id_is_bad_input_listing_the_known_ones() -> None:
    result = CliRunner().invoke(app, ["review", str(VULNERABLE), "--skip-rule", "IA-K8S-999"])
    assert result.exit_code == 2
    assert "IA-K8S-999" in result.output
    for rule in ALL_RULES:
        assert rule.meta.id in result.output


@pytest.mark.parametrize("depth", [1, 12], ids=["table", "too long for a table"])
def test_the_table_never_splits_a_path(tmp_path: Path, depth: int) -> None:
    directory = tmp_path.joinpath(*(f"platform-team-{i}" for i in range(depth)))
    directory.mkdir(parents=True)
    shutil.copy(SECRET, directory / "manifests.yaml")
    result = CliRunner().invoke(app, ["review", str(tmp_path), "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    relative = (directory / "manifests.yaml").relative_to(tmp_path).as_posix()
    lines = result.output.splitlines()
    for line in (1, 17):  # the Deployment and the Secret (IA-K8S-004's fixture)
        assert any(f"{relative}:{line}" in text for text in lines), result.output
