"""Which skips make a review incomplete (the gate fails, exit 3) and which are left out by
design (listed, not failing): each existing skip reason, classified (issue 16, item 4)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from infra_architect.review import Limits, review

DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"
    "spec: {template: {spec: {containers: [{name: a, image: x}]}}}\n"
)


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


BY_DESIGN = {
    "remote module": (
        {"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'},
        "module.vpc",
    ),
    "module out of the tree": ({"main.tf": 'module "x" {\n  source = "../x"\n}\n'}, "module.x"),
    "module cycle": (
        {
            "main.tf": 'module "m" {\n  source = "./m"\n}\n',
            "m/main.tf": 'module "again" {\n  source = "../m"\n}\n',
        },
        "module.m.module.again",
    ),
    "Helm template": (
        {"templates/cm.yaml": "kind: ConfigMap\ndata: {{ .Values }}\n"},
        "templates/cm.yaml",
    ),
    "JSON named like a plan": ({"plan.json": '{"name": "a product plan"}'}, "plan.json"),
    "kustomize patch": (
        {
            "k/kustomization.yaml": "resources: [d.yaml]\npatches:\n  - path: p.yaml\n",
            "k/d.yaml": DEPLOYMENT,
            "k/p.yaml": "kind: Deployment\nmetadata: {name: api}\nspec: {replicas: 3}\n",
        },
        "k/p.yaml",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("files", "path"), BY_DESIGN.values(), ids=BY_DESIGN.keys())
def test_left_out_by_design(tmp_path: Path, files: dict[str, str | bytes], path: str) -> None:
    report = review(_tree(tmp_path, files), build=lambda d, s: ("", ""))
    (skipped,) = [s for s in report.skipped if s.path == path]
    assert skipped.by_design, skipped
    assert not report.incomplete, report.skipped


UNREAD = {
    "not UTF-8": ({"main.tf": b"# \xff\n"}, "main.tf"),
    "not parsed HCL": ({"main.tf": 'resource "x" {\n'}, "main.tf"),
    "not YAML": ({"k8s/d.yaml": "a: [\n"}, "k8s/d.yaml"),
    "workflow not YAML": ({".github/workflows/ci.yml": "on: [\n"}, ".github/workflows/ci.yml"),
    "plan not JSON": ({"plan.json": "{"}, "plan.json"),
    "module not found": ({"main.tf": 'module "x" {\n  source = "./nowhere"\n}\n'}, "module.x"),
    "overlay refused": (
        {"k/kustomization.yaml": "resources: [https://example.com/x]\n"},
        "k/kustomization.yaml",
    ),
}


@pytest.mark.parametrize(("files", "path"), UNREAD.values(), ids=UNREAD.keys())
def test_could_not_read_makes_the_review_incomplete(
    tmp_path: Path, files: dict[str, str | bytes], path: str
) -> None:
    report = review(_tree(tmp_path, files), build=lambda d, s: ("", ""))
    assert any(s.path == path and not s.by_design for s in report.skipped), report.skipped
    assert report.incomplete
    assert [s.path for s in report.unread] == [path]


def test_an_overlay_without_kubectl_is_incomplete(tmp_path: Path) -> None:
    tree = _tree(
        tmp_path, {"k/kustomization.yaml": "resources: [d.yaml]\n", "k/d.yaml": DEPLOYMENT}
    )
    assert review(tree, build=None).incomplete
    assert not review(tree, build=lambda d, s: (DEPLOYMENT, "")).incomplete


def test_a_failed_build_is_incomplete(tmp_path: Path) -> None:
    tree = _tree(
        tmp_path, {"k/kustomization.yaml": "resources: [d.yaml]\n", "k/d.yaml": DEPLOYMENT}
    )
    report = review(tree, build=lambda d, s: (None, "Error: boom"))
    assert report.unread[0].reason == "kustomize build failed: Error: boom"


def test_builds_share_the_review_time_budget(tmp_path: Path) -> None:
    """--timeout covers kustomize builds too: once spent, an overlay is not built."""
    tree = _tree(
        tmp_path, {"k/kustomization.yaml": "resources: [d.yaml]\n", "k/d.yaml": DEPLOYMENT}
    )
    ticks = itertools.count(step=100.0)
    asked: list[float] = []

    def build(directory: Path, seconds: float) -> tuple[str | None, str]:
        asked.append(seconds)
        return DEPLOYMENT, ""

    report = review(tree, limits=Limits(seconds=50), build=build, clock=lambda: next(ticks))
    assert asked == []
    assert report.unread[0].reason == "not built: the --timeout was spent"


def test_a_walk_stopped_at_its_time_budget_is_incomplete(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"main.tf": ""})
    report = review(tree, limits=Limits(seconds=1e-9))
    assert report.stopped
    assert report.incomplete


def test_a_walk_stopped_at_the_file_limit_is_incomplete(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a/main.tf": "", "b/main.tf": ""})
    report = review(tree, limits=Limits(max_files=1))
    assert report.stopped == "file limit of 1 reached"
    assert report.incomplete


def test_a_clean_tree_is_complete(tmp_path: Path) -> None:
    tree = _tree(
        tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {}\n', "k8s/d.yaml": DEPLOYMENT}
    )
    report = review(tree)
    assert report.skipped == []
    assert not report.incomplete
