"""Variable files read as Terraform reads them: a root's terraform.tfvars, then its
*.auto.tfvars(.json) by name, then each --var-file (inside the tree only). The fixture
root's ``multi_az`` has no default: only terraform.tfvars makes it false."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from infra_architect.cli import app

ROOT = Path(__file__).parent / "tfvars" / "root"
DB = "aws_db_instance.orders"


def _review(directory: Path, *options: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        app, ["review", str(directory), "-f", "json", "--slo", "99.9", *options]
    )
    return result.exit_code, json.loads(result.output) if result.output.startswith("{") else {}


def _found(report: dict[str, object]) -> list[list[object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [[f["rule_id"], f["file"], f["line"], f["resources"][0]] for f in findings]


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_terraform_tfvars_and_auto_tfvars_are_applied_in_terraforms_order() -> None:
    code, report = _review(ROOT)
    assert code == 1
    # multi_az false from terraform.tfvars; backups 14 from the last .auto file by name
    assert _found(report) == [
        ["IA-TF-004", "main.tf", 19, DB],
        ["IA-TF-006", "main.tf", 19, DB],
    ]
    assert report["incomplete"] is False
    skipped = report["skipped"]
    assert isinstance(skipped, list)
    assert [(s["path"], s["by_design"]) for s in skipped] == [("envs/prod.tfvars", True)]
    assert "--var-file" in skipped[0]["reason"]


def test_without_variable_files_the_variable_is_unknown(tmp_path: Path) -> None:
    _, report = _review(_copy(tmp_path, "main.tf"))
    assert _found(report) == [["IA-TF-006", "main.tf", 19, DB]]


def test_a_later_auto_tfvars_overrides_terraform_tfvars(tmp_path: Path) -> None:
    # without the .json one, 10-retention.auto.tfvars's 0 is the last word
    _, report = _review(_copy(tmp_path, "main.tf", "terraform.tfvars", "10-retention.auto.tfvars"))
    assert _found(report) == [
        ["IA-TF-004", "main.tf", 19, DB],
        ["IA-TF-006", "main.tf", 19, DB],
        ["IA-TF-009", "main.tf", 19, DB],
    ]


def test_a_named_var_file_is_applied_last() -> None:
    code, report = _review(ROOT, "--var-file", str(ROOT / "envs" / "prod.tfvars"))
    assert code == 1
    assert _found(report) == [
        ["IA-TF-004", "main.tf", 19, DB],
        ["IA-TF-006", "main.tf", 19, DB],
        ["IA-TF-008", "main.tf", 19, DB],
    ]
    assert report["skipped"] == []


def test_a_var_file_outside_the_tree_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "prod.tfvars"
    outside.write_text("encrypted = false\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["review", str(ROOT), "--var-file", str(outside)])
    assert result.exit_code == 2
    assert "outside the reviewed tree" in result.output


def test_a_var_file_must_be_a_variable_file() -> None:
    result = CliRunner().invoke(app, ["review", str(ROOT), "--var-file", str(ROOT / "main.tf")])
    assert result.exit_code == 2
    assert "not a .tfvars" in result.output


def test_an_unparsable_tfvars_makes_the_review_incomplete(tmp_path: Path) -> None:
    _copy(tmp_path, "main.tf")
    (tmp_path / "terraform.tfvars").write_text("db_multi_az = = false\n", encoding="utf-8")
    code, report = _review(tmp_path)
    assert code == 3
    assert report["incomplete"] is True
    skipped = report["skipped"]
    assert isinstance(skipped, list)
    assert [(s["path"], s["by_design"]) for s in skipped] == [("terraform.tfvars", False)]
