"""One finding however many root modules or overlays it is found through (issue 22,
item 6): a module called by two roots, a base built by two overlays, is one thing to fix
in one file. The report lists the roots or overlays (sorted); the fingerprint leaves
them out, so a baseline or suppression still holds when a root or overlay is added."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app

HERE = Path(__file__).parent / "grouped"
DB = "module.db.aws_db_instance.this"


def _review(path: Path, *options: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["review", str(path), "-f", "json", *options])
    assert result.exit_code in (0, 1), result.output
    report: dict[str, object] = json.loads(result.output)
    return report


def _found(report: dict[str, object]) -> list[list[object]]:
    return [
        [
            *(f["status"], f["rule_id"], f["file"], f["line"], f["resources"][0]),
            *(f["roots"], f["overlays"], f["message"].rpartition(" (")[2]),
        ]
        for f in report["findings"]  # type: ignore[attr-defined]
    ]


def _prints(report: dict[str, object]) -> list[str]:
    return [f["fingerprint"] for f in report["findings"]]  # type: ignore[attr-defined]


def test_a_module_called_by_two_roots_is_one_finding_listing_both() -> None:
    report = _review(HERE / "terraform")
    both = ["envs/prod", "envs/staging"]
    through = "2 root modules: envs/prod, envs/staging)"
    assert _found(report) == [
        ["new", "IA-TF-006", "modules/db/main.tf", 7, DB, both, [], through],
        ["new", "IA-TF-008", "modules/db/main.tf", 7, DB, both, [], through],
    ]


def test_adding_a_root_keeps_the_fingerprint_and_the_baseline(tmp_path: Path) -> None:
    one = tmp_path / "one"
    shutil.copytree(HERE / "terraform", one, ignore=shutil.ignore_patterns("staging"))
    alone = _review(one)
    assert _found(alone) == [
        [
            "new",
            "IA-TF-006",
            "modules/db/main.tf",
            7,
            DB,
            ["envs/prod"],
            [],
            "root module: envs/prod)",
        ],
        [
            "new",
            "IA-TF-008",
            "modules/db/main.tf",
            7,
            DB,
            ["envs/prod"],
            [],
            "root module: envs/prod)",
        ],
    ]
    baseline = tmp_path / "baseline.json"
    CliRunner().invoke(app, ["review", str(one), "--write-baseline", str(baseline)])
    both = _review(HERE / "terraform", "--baseline", str(baseline))
    assert _prints(both) == _prints(alone)
    assert [f[0] for f in _found(both)] == ["baselined", "baselined"]


def test_sarif_carries_the_roots() -> None:
    result = CliRunner().invoke(app, ["review", str(HERE / "terraform"), "-f", "sarif"])
    results = json.loads(result.output)["runs"][0]["results"]
    assert [r["properties"] for r in results] == [{"roots": ["envs/prod", "envs/staging"]}] * 2


@pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl is not installed: overlays are not built"
)
def test_a_base_built_by_two_overlays_is_one_finding_listing_both() -> None:
    report = _review(HERE / "kustomize")
    both = ["overlays/dev", "overlays/prod"]
    assert _found(report) == [
        [
            "new",
            "IA-K8S-003",
            "base/deployment.yaml",
            1,
            "Deployment/api",
            [],
            both,
            "2 overlays: overlays/dev, overlays/prod)",
        ]
    ]
