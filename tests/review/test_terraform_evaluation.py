"""Terraform evaluated as Terraform would: a fixture repository per cause under
``terraform/`` (its ``expected.json``: exactly the findings, as status, rule, file,
line and first resource), each reviewed with a 99.9% SLO."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app

FIXTURES = Path(__file__).parent / "terraform"
CAUSES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


@pytest.mark.parametrize("cause", CAUSES)
def test_a_repository_gives_exactly_its_expected_findings(cause: str) -> None:
    directory = FIXTURES / cause
    result = CliRunner().invoke(app, ["review", str(directory), "-f", "json", "--slo", "99.9"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    found = [
        [f["status"], f["rule_id"], f["file"], f["line"], f["resources"][0]]
        for f in report["findings"]
    ]
    assert found == json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    assert report["skipped"] == []
    assert report["incomplete"] is False


def test_every_cause_has_a_fixture() -> None:
    assert CAUSES == ["disabled_module", "exclusive_count", "try_replica"]
