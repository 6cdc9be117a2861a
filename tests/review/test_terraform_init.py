"""Remote modules after ``terraform init`` (issue 22, item 5): read from the copy
``.terraform/modules/modules.json`` names, never fetched; findings point at the copy's
file. Without the manifest each remote module is listed as not read. The module's own
examples and Terraform's providers directory are never reviewed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from infra_architect.cli import app

ROOT = Path(__file__).parent / "terraform_init" / "root"
DB = "module.db.aws_db_instance.this"
NETWORK = ["module.network", "source 'example-org/network/aws' is not a local path (not fetched)"]


def _review(path: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["review", str(path), "-f", "json"])
    report: dict[str, object] = json.loads(result.output)
    return result.exit_code, report


def _found(report: dict[str, object]) -> list[list[object]]:
    return [
        [f["rule_id"], f["file"], f["line"], f["resources"][0]]
        for f in report["findings"]  # type: ignore[attr-defined]
    ]


def _skipped(report: dict[str, object]) -> list[list[object]]:
    return [[s["path"], s["reason"], s["by_design"]] for s in report["skipped"]]  # type: ignore[attr-defined]


def test_an_installed_registry_module_is_reviewed_from_its_copy() -> None:
    code, report = _review(ROOT)
    assert code == 1
    assert _found(report) == [
        ["IA-TF-006", ".terraform/modules/db/main.tf", 5, DB],
        ["IA-TF-008", ".terraform/modules/db/main.tf", 5, DB],
    ]
    assert _skipped(report) == [[*NETWORK, True]]
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["terraform_roots"] == ["."]  # not the module's examples
    assert summary["resources"] == 1
    assert report["incomplete"] is False


def test_without_the_manifest_each_remote_module_is_named_not_read(tmp_path: Path) -> None:
    tree = tmp_path / "root"
    shutil.copytree(ROOT, tree)
    (tree / ".terraform" / "modules" / "modules.json").unlink()
    code, report = _review(tree)
    assert code == 3  # nothing checked: not a pass
    assert _found(report) == []
    assert _skipped(report) == [
        ["module.db", "source 'example-org/db/aws' is not a local path (not fetched)", True],
        [*NETWORK, True],
    ]


def test_a_manifest_pointing_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    tree = tmp_path / "root"
    shutil.copytree(ROOT, tree)
    outside = tmp_path / "outside"
    shutil.copytree(ROOT / ".terraform" / "modules" / "db", outside)
    manifest = {"Modules": [{"Key": "db", "Source": "example-org/db/aws", "Dir": "../outside"}]}
    (tree / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps(manifest), encoding="utf-8"
    )
    _, report = _review(tree)
    assert _found(report) == []
    assert _skipped(report) == [
        ["module.db", "source ../outside leaves the reviewed tree (not read)", True],
        [*NETWORK, True],
    ]
