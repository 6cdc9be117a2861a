"""Helm charts (issue 22, item 5): rendered with ``helm template`` when helm is
installed (the chart's own values, no dependency update, no repository, no cluster) and
reviewed as rendered, each object at its template; when helm is not installed, each
chart is named as not rendered and the review is incomplete (exit 3), never a pass."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.review import review
from infra_architect.review._helm import HELM_ABSENT, rendered_objects

HERE = Path(__file__).parent
CHART = HERE / "helm"
TEMPLATE = "web/templates/deployment.yaml"
TEST_HOOK = "web/templates/tests/test-connection.yaml"
"""A `helm test` Pod named with random characters: not deployed by a release, not reviewed."""
# helm template's output for the chart: what the rules see once helm renders it
RENDERED = """---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: review-web
spec:
  replicas: 1
---
# Source: web/charts/db/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: review-db
"""
HELM = shutil.which("helm")


def _review(path: Path, *options: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["review", str(path), "-f", "json", *options])
    report: dict[str, object] = json.loads(result.output)
    return result.exit_code, report


def _found(report: dict[str, object]) -> list[list[object]]:
    return [
        [f["rule_id"], f["file"], f["line"], f["resources"][0]]
        for f in report["findings"]  # type: ignore[attr-defined]
    ]


def _skipped(report: dict[str, object]) -> list[list[object]]:
    return [[s["path"], s["reason"], s["by_design"]] for s in report["skipped"]]  # type: ignore[attr-defined]


def test_rendered_objects_are_located_at_their_templates() -> None:
    objects = rendered_objects("charts/web", RENDERED)
    assert [(o.file, o.line, o.kind, o.name) for o in objects] == [
        ("charts/web/templates/deployment.yaml", 1, "Deployment", "review-web"),
        ("charts/web/charts/db/templates/service.yaml", 1, "Service", "review-db"),
    ]
    at_root = rendered_objects(".", RENDERED)
    assert [o.file for o in at_root] == [
        "templates/deployment.yaml",
        "charts/db/templates/service.yaml",
    ]


def test_without_helm_each_chart_is_named_not_rendered_and_the_review_incomplete() -> None:
    report = review(CHART, render=None)
    assert report.findings == []
    assert [[s.path, s.reason, s.by_design] for s in report.skipped] == [
        ["web", HELM_ABSENT, False],
        [TEMPLATE, "a Helm/Go template (line 4): not rendered, not reviewed", True],
        [TEST_HOOK, "a Helm/Go template (line 4): not rendered, not reviewed", True],
    ]
    assert report.incomplete is True


@pytest.mark.skipif(HELM is not None, reason="helm is installed: the chart is rendered")
def test_the_cli_says_helm_is_not_installed() -> None:
    code, report = _review(CHART)
    assert code == 3
    assert _skipped(report)[0] == ["web", HELM_ABSENT, False]


@pytest.mark.skipif(HELM is None, reason="helm is not installed: charts cannot be rendered")
def test_with_helm_the_rendered_chart_is_reviewed() -> None:
    code, report = _review(CHART, "--slo", "99.9")
    assert code == 1
    deployment = "Deployment/review-web"
    assert _found(report) == [
        ["IA-K8S-001", TEMPLATE, 1, deployment],
        ["IA-K8S-002", TEMPLATE, 1, deployment],
        ["IA-K8S-003", TEMPLATE, 1, deployment],
        ["IA-K8S-005", TEMPLATE, 1, deployment],
    ]
    assert _skipped(report) == []
    assert report["incomplete"] is False
    assert _review(CHART, "--slo", "99.9") == (code, report), "the same review twice"
