"""--slo per environment (issue 22, item 6): ``--slo prod=99.9 --slo staging=99`` holds
the root modules, overlays and charts whose path names prod to 99.9% and staging's to
99% (a generated tree's staging root is single-AZ by design); a plain value is everything
else's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.review._review import slo_for

HERE = Path(__file__).parent
TREE = HERE / "slo_environments"
PROD = ["IA-TF-004", "envs/prod/main.tf", 3, "aws_db_instance.orders"]
PROD_ALARMS = ["IA-TF-006", "envs/prod/main.tf", 3, "aws_db_instance.orders"]
STAGING = ["IA-TF-004", "envs/staging/main.tf", 3, "aws_db_instance.orders"]
STAGING_ALARMS = ["IA-TF-006", "envs/staging/main.tf", 3, "aws_db_instance.orders"]


def _found(path: Path, *options: str) -> list[list[object]]:
    result = CliRunner().invoke(app, ["review", str(path), "-f", "json", *options])
    assert result.exit_code in (0, 1), result.output
    return [
        [f["rule_id"], f["file"], f["line"], f["resources"][0]]
        for f in json.loads(result.output)["findings"]
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--slo", "99.9"], [PROD, PROD_ALARMS, STAGING, STAGING_ALARMS]),
        (["--slo", "prod=99.9", "--slo", "staging=99"], [PROD, PROD_ALARMS, STAGING_ALARMS]),
        (["--slo", "staging=99", "--slo", "99.9"], [PROD, PROD_ALARMS, STAGING_ALARMS]),
        (["--slo", "PROD=99.9"], [PROD, PROD_ALARMS, STAGING_ALARMS]),
        (["--slo", "staging=99.9"], [PROD_ALARMS, STAGING, STAGING_ALARMS]),
    ],
    ids=["everything", "per-environment", "staging-and-the-rest", "any-case", "staging-only"],
)
def test_each_root_gets_its_environments_slo(options: list[str], expected: object) -> None:
    assert _found(TREE, *options) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("envs/prod", 99.9),
        ("overlays/prod-eu", 99.9),
        ("envs/staging", 99.0),
        ("prod/staging", 99.0),  # the deepest directory naming one
        ("envs/production", None),  # a word, not a prefix
        (".", None),
        (None, None),
    ],
)
def test_slo_for_a_path(path: str | None, expected: float | None) -> None:
    assert slo_for(path, None, {"prod": 99.9, "staging": 99.0}) == expected


@pytest.mark.parametrize("bad", ["fast", "prod=", "=99", "prod=101", "pre-prod=99", "nan"])
def test_a_bad_slo_is_bad_input(bad: str) -> None:
    result = CliRunner().invoke(app, ["review", str(TREE), "--slo", bad])
    assert result.exit_code == 2
    assert "--slo" in result.output


def test_an_environment_given_twice_is_bad_input() -> None:
    result = CliRunner().invoke(
        app, ["review", str(TREE), "--slo", "prod=99.9", "--slo", "prod=99"]
    )
    assert result.exit_code == 2
    assert "given twice" in result.output


@pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl is not installed: overlays are not built"
)
def test_an_overlay_gets_its_environments_slo() -> None:
    result = CliRunner().invoke(
        app, ["review", str(HERE / "grouped" / "kustomize"), "-f", "json", "--slo", "prod=99.9"]
    )
    findings = json.loads(result.output)["findings"]
    # the one replica is a finding under prod's SLO only; no NetworkPolicy in both
    assert [(f["rule_id"], f["overlays"]) for f in findings] == [
        ("IA-K8S-001", ["overlays/prod"]),
        ("IA-K8S-003", ["overlays/dev", "overlays/prod"]),
    ]
