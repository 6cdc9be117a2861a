"""Kustomize overlays reviewed each as its own graph (issue 22, item 1): one overlay's
NetworkPolicy, disruption budget or autoscaler never clears another overlay's workload;
a Component is not built alone; a base an overlay renames is one workload, not two; an
overlay reviewed on its own may build from a base above it, inside its repository only.
Each fixture's expected findings are exact (rule, file, line, object, overlay)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app

HERE = Path(__file__).parent

pytestmark = pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl is not installed: overlays are not built"
)


def _review(path: Path, args: list[str]) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["review", str(path), "-f", "json", *args])
    assert result.exit_code in (0, 1, 3), result.output
    return result.exit_code, json.loads(result.output)


def _found(report: dict[str, object]) -> list[list[object]]:
    return [
        [f["status"], f["rule_id"], f["file"], f["line"], f["resources"][0], f["message"]]
        for f in report["findings"]  # type: ignore[attr-defined]
    ]


def _skipped(report: dict[str, object]) -> list[list[object]]:
    return [[s["path"], s["reason"], s["by_design"]] for s in report["skipped"]]  # type: ignore[attr-defined]


def _repository(tmp_path: Path, fixture: str) -> Path:
    """The fixture copied as a repository of its own (a ``.git`` at its root; git keeps
    none in a fixture)."""
    repo = tmp_path / "repo"
    shutil.copytree(HERE / fixture, repo)
    (repo / ".git").mkdir()
    return repo


@pytest.mark.parametrize("fixture", ["overlay_leak", "overlay_component", "overlay_prefix"])
def test_each_overlay_is_reviewed_alone(fixture: str) -> None:
    expected = json.loads((HERE / f"{fixture}.expected.json").read_text(encoding="utf-8"))
    code, report = _review(HERE / fixture, expected["args"])
    assert _found(report) == expected["findings"]
    assert _skipped(report) == expected["skipped"]
    assert report["incomplete"] is False
    assert code == expected["exit_code"]


def test_the_prod_overlay_clears_nothing_in_staging() -> None:
    """The leak the issue names: prod's policy, budget and autoscaler select staging's
    pods too (same labels, same namespace) yet staging is reported, and prod is not."""
    _, report = _review(HERE / "overlay_leak", ["--slo", "99.9"])
    messages = [f["message"] for f in report["findings"]]  # type: ignore[attr-defined]
    assert messages
    assert all(m.endswith("(overlay: overlays/staging)") for m in messages)


def test_an_overlay_builds_from_a_base_above_it_inside_the_repository(tmp_path: Path) -> None:
    expected = json.loads((HERE / "overlay_above.expected.json").read_text(encoding="utf-8"))
    repo = _repository(tmp_path, "overlay_above")
    code, report = _review(repo / "overlays" / "prod", expected["args"])
    assert _found(report) == expected["findings"]
    assert _skipped(report) == expected["skipped"]
    assert report["incomplete"] is False
    assert code == expected["exit_code"]


def test_without_a_repository_the_base_above_stays_unread(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(HERE / "overlay_above", tree)
    if any((p / ".git").exists() for p in (tree, *tree.parents)):
        pytest.skip("the temporary directory sits inside a repository")
    code, report = _review(tree / "overlays" / "prod", [])
    assert _found(report) == []
    assert _skipped(report) == [
        ["kustomization.yaml", "not built: resources[0]: ../../base leaves the reviewed tree",
         False],
    ]  # fmt: skip
    assert report["incomplete"] is True
    assert code == 3


def test_a_base_above_the_repository_root_is_not_read(tmp_path: Path) -> None:
    """The repository is the overlays directory: ``../../base`` climbs out of it."""
    tree = tmp_path / "tree"
    shutil.copytree(HERE / "overlay_above", tree)
    (tree / "overlays" / ".git").mkdir()
    _, report = _review(tree / "overlays" / "prod", [])
    assert _found(report) == []
    assert _skipped(report) == [
        ["kustomization.yaml", "not built: resources[0]: ../../base leaves the repository",
         False],
    ]  # fmt: skip
    assert report["incomplete"] is True


def test_a_base_reached_through_a_symlink_out_of_the_repository_is_not_read(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path, "overlay_above")
    outside = tmp_path / "outside"
    shutil.move(repo / "base", outside)
    (repo / "base").symlink_to(outside, target_is_directory=True)
    _, report = _review(repo / "overlays" / "prod", [])
    assert _found(report) == []
    assert _skipped(report) == [
        [
            "kustomization.yaml",
            "not built: resources[0]: ../../base leads outside the repository (symlink)",
            False,
        ],
    ]
    assert report["incomplete"] is True


def test_a_base_above_that_names_a_remote_resource_keeps_the_overlay_unbuilt(
    tmp_path: Path,
) -> None:
    """What is read above the reviewed path passes the same allow-list."""
    repo = _repository(tmp_path, "overlay_above")
    (repo / "base" / "kustomization.yaml").write_text(
        "resources:\n  - deployment.yaml\n  - https://github.com/example/app//deploy?ref=v1\n",
        encoding="utf-8",
    )
    _, report = _review(repo / "overlays" / "prod", [])
    assert _found(report) == []
    reasons = {s[0]: s[1] for s in _skipped(report)}
    assert reasons["kustomization.yaml"] == "not built: includes ../../base, which is refused"
    assert "names a remote location" in str(reasons["../../base/kustomization.yaml"])
    assert report["incomplete"] is True
