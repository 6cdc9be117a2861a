"""The schema, PromQL and zizmor checks can fail: each is shown a broken input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infra_architect.rules import load_manifests
from infra_architect.validate._crds import crd_schemas, extract_crd_schemas
from infra_architect.validate._kubernetes import parse_problems, validate_object
from infra_architect.validate._workflows import zizmor_result

UPSTREAM = Path(
    os.environ.get("INFRA_ARCHITECT_UPSTREAM_CRDS")
    or Path(__file__).resolve().parents[3].parent / "shared" / "schemas" / "crds"
)

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "web:1"}]},
        },
    },
}
SERVICE_MONITOR = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "web"},
    "spec": {"selector": {"matchLabels": {"app": "web"}}, "endpoints": [{"port": "metrics"}]},
}


def test_valid_objects_pass() -> None:
    assert validate_object(DEPLOYMENT, "1.32") == []
    assert validate_object(SERVICE_MONITOR, "1.32") == []


def test_a_misspelt_field_of_a_built_in_kind_fails_strict_validation() -> None:
    broken = json.loads(json.dumps(DEPLOYMENT))
    broken["spec"]["replica"] = 3
    assert validate_object(broken, "1.32")


def test_a_misspelt_field_of_a_custom_resource_fails() -> None:
    broken = json.loads(json.dumps(SERVICE_MONITOR))
    broken["spec"]["endpoints"][0]["intervall"] = "30s"
    problems = validate_object(broken, "1.32")
    assert problems
    assert "intervall" in problems[0]


def test_a_wrong_type_in_a_custom_resource_fails() -> None:
    broken = json.loads(json.dumps(SERVICE_MONITOR))
    broken["spec"]["endpoints"] = {"port": "metrics"}
    assert validate_object(broken, "1.32")


def test_an_unknown_kind_is_a_problem_not_a_pass() -> None:
    assert validate_object({"apiVersion": "example.com/v1", "kind": "Widget"}, "1.32")


@pytest.mark.skipif(not UPSTREAM.is_dir(), reason="the upstream CRD manifests are not here")
def test_the_shipped_crd_schemas_equal_the_upstream_manifests() -> None:
    assert crd_schemas() == extract_crd_schemas(UPSTREAM.glob("*.yaml"))


def test_an_invalid_promql_expression_is_reported() -> None:
    rule = """
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: web}
spec:
  groups:
    - name: g
      rules:
        - {record: ok, expr: 'sum(rate(x[5m]))'}
        - {alert: Broken, expr: 'sum(rate(x[5m]) >'}
"""
    count, problems = parse_problems(load_manifests(rule, "rule.yaml"))
    assert count == 2
    assert len(problems) == 1
    assert "Broken" in problems[0]


def _finding(severity: str) -> dict[str, object]:
    return {
        "ident": "template-injection",
        "desc": "code injection via template expansion",
        "determinations": {"severity": severity},
        "locations": [{"symbolic": {"key": {"Local": {"given_path": "ci.yml"}}}}],
    }


def test_zizmor_fails_on_high_and_reports_lower_findings() -> None:
    assert zizmor_result(json.dumps([_finding("High")]), "", "w").status == "failed"
    low = zizmor_result(json.dumps([_finding("Low")]), "", "w")
    assert low.status == "passed"
    assert low.findings == [
        "template-injection [Low] ci.yml: code injection via template expansion"
    ]
    assert zizmor_result("not json", "boom", "w").status == "failed"
