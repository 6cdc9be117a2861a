"""The walk over a hostile tree ends, stays inside, and says what it skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.review import Kind, Limits, classify, walk


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("main.tf", Kind.TERRAFORM),
        ("modules/vpc/variables.tf", Kind.TERRAFORM),
        ("plan.json", Kind.PLAN),
        ("prod.tfplan.json", Kind.PLAN),
        ("k8s/deploy.yaml", Kind.KUBERNETES),
        ("k8s/overlays/prod/kustomization.yaml", Kind.KUSTOMIZATION),
        (".github/workflows/ci.yml", Kind.WORKFLOW),
        ("README.md", None),
        ("package.json", None),
    ],
)
def test_classify(path: str, kind: Kind | None) -> None:
    assert classify(path) is kind


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "infra").mkdir(parents=True)
    (root / "infra" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    # a symlink loop, a link out of the tree, a dangling link
    (root / "infra" / "loop").symlink_to(root)
    outside = tmp_path / "secret.tf"
    outside.write_text("# not ours\n")
    (root / "infra" / "escape.tf").symlink_to(outside)
    (root / "infra" / "dangling.tf").symlink_to(tmp_path / "missing.tf")
    # a 50 MB file (sparse: no disk used)
    with (root / "infra" / "huge.tf").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    # invalid UTF-8
    (root / "k8s").mkdir()
    (root / "k8s" / "bad.yaml").write_bytes(b"kind: Deployment\nname: \xff\xfe\n")
    # deeply nested directories
    deep = root / "deep"
    for level in range(60):
        deep = deep / f"d{level}"
    deep.mkdir(parents=True)
    (deep / "x.tf").write_text("")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    return root


def test_a_hostile_tree_is_read_without_hanging_and_the_skips_are_named(hostile: Path) -> None:
    result = walk(hostile)
    assert [f.path for f in result.files] == [".github/workflows/ci.yml", "infra/main.tf"]
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["infra/escape.tf"] == "symlink leads outside the tree"
    assert reasons["infra/dangling.tf"] == "symlink leads outside the tree"
    assert "over the 5,242,880-byte limit" in reasons["infra/huge.tf"]
    assert reasons["k8s/bad.yaml"] == "not UTF-8 text"
    assert reasons["infra/loop"] == "directory already read"
    assert any("deeper than 40 directories" in r for r in reasons.values())
    assert result.stopped is None


def test_limits_stop_the_walk_and_say_so(hostile: Path) -> None:
    few = walk(hostile, Limits(max_files=1))
    assert len(few.files) == 1
    assert few.stopped == "file limit of 1 reached"
    ticks = iter(range(1000))
    slow = walk(hostile, Limits(seconds=2), clock=lambda: float(next(ticks)))
    assert slow.stopped == "time budget of 2 s spent"


def test_nothing_outside_the_root_is_read(hostile: Path) -> None:
    result = walk(hostile / "infra")
    assert all(not f.path.startswith("..") for f in result.files)
    assert "# not ours" not in "".join(f.text for f in result.files)
    assert (hostile / "infra" / "escape.tf").is_symlink()
