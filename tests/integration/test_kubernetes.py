"""The generated Kubernetes manifests and pipelines, checked by the real tools.

Every overlay of every EKS example builds with `kubectl kustomize`; every object
validates (built-in kinds with kubernetes-validate, strict; custom resources against
the upstream CRD schemas); checkov passes the rendered manifests; every PromQL
expression parses and the burn-rate thresholds equal the SLO arithmetic, recomputed
here; the workflows of every example validate against the GitHub workflow schema and
zizmor finds nothing high; `add-service` adds a service everywhere and validate passes.
Skipped only when a tool is truly absent, and never under CI.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import promql_parser
import pytest
import yaml
from typer.testing import CliRunner

from infra_architect._kubectl import build_overlay
from infra_architect._output import write_tree
from infra_architect.catalog import load_catalog
from infra_architect.cli import app
from infra_architect.rules import load_manifests
from infra_architect.spec import load_requirements
from infra_architect.validate import Toolchain, ToolResult
from infra_architect.validate._kubernetes import run_kubernetes
from infra_architect.validate._workflows import run_workflows
from tests.conftest import EXAMPLES, ROOT, generate

pytestmark = pytest.mark.integration

EKS = [ROOT / "examples" / "ecommerce.yaml", ROOT / "tests" / "specs" / "four-nines.yaml"]
CI_TOOLS = ("kubectl", "checkov", "check_jsonschema", "zizmor")


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    found = Toolchain.discover()
    for name in CI_TOOLS:
        if getattr(found, name) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{name} is required in CI (.ci/run installs it)")
            pytest.skip(f"{name} is not installed")
    return found


def _write(spec: Path, tmp: pytest.TempPathFactory) -> Path:
    tree = tmp.mktemp(spec.stem)
    write_tree(tree, generate(spec), force=False)
    return tree


@pytest.fixture(scope="module", params=EKS, ids=[p.stem for p in EKS])
def eks_tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = _write(request.param, tmp_path_factory)
    assert (tree / "infra" / "k8s" / "overlays" / "prod").is_dir(), "not an EKS design"
    return tree


@pytest.fixture(scope="module")
def eks_results(tools: Toolchain, eks_tree: Path) -> list[ToolResult]:
    return list(run_kubernetes(tools, eks_tree, slo=99.9))


def _report(results: list[ToolResult]) -> str:
    return "\n".join(
        f"{r.tool} {r.target}: {r.status} {r.detail}\n  " + "\n  ".join(r.findings) for r in results
    )


def _of(results: list[ToolResult], tool: str) -> list[ToolResult]:
    return [r for r in results if r.tool == tool]


def test_every_overlay_builds_and_every_object_validates(eks_results: list[ToolResult]) -> None:
    builds = _of(eks_results, "kubectl kustomize")
    assert [b.target for b in builds] == [
        "infra/k8s/overlays/prod",
        "infra/k8s/overlays/staging",
        "infra/k8s/platform/prod",  # the add-ons' app-of-apps, one per cluster
        "infra/k8s/platform/staging",
    ]
    schemas = _of(eks_results, "schemas")
    assert [s.target for s in schemas][-len(builds) :] == [b.target for b in builds]
    assert all(r.status == "passed" for r in builds + schemas), _report(eks_results)
    for result in schemas:
        if "/overlays/" not in result.target:
            continue
        built_in, custom = (int(n) for n in re.findall(r"(\d+) (?:built-in|custom)", result.detail))
        assert built_in > 20, result.detail
        assert custom > 10, result.detail


def test_checkov_passes_the_rendered_manifests(eks_results: list[ToolResult]) -> None:
    results = _of(eks_results, "checkov")
    assert len(results) == 2
    for result in results:
        assert result.status == "passed", _report([result])
        skips = [f for f in result.findings if f.startswith("skipped ")]
        short = [s for s in skips if len(s.split(": ", 1)[1]) < 40]
        assert not short, "every skip needs a reason:\n" + "\n".join(short)


def test_promql_parses_and_our_rules_find_nothing(eks_results: list[ToolResult]) -> None:
    for tool in ("promql", "infra-architect rules"):
        results = _of(eks_results, tool)
        assert len(results) == 2
        assert all(r.status == "passed" for r in results), _report(results)
    assert all("0 invalid" in r.detail for r in _of(eks_results, "promql"))


def _comparisons(node: object) -> list[tuple[str, float]]:
    """(recording rule, threshold) of every `metric > number` in a PromQL expression."""
    found: list[tuple[str, float]] = []
    if isinstance(node, promql_parser.BinaryExpr):
        if isinstance(node.rhs, promql_parser.NumberLiteral) and isinstance(
            node.lhs, promql_parser.VectorSelector
        ):
            found.append((str(node.lhs.name), node.rhs.val))
        found += _comparisons(node.lhs) + _comparisons(node.rhs)
    elif isinstance(node, promql_parser.ParenExpr):
        found += _comparisons(node.expr)
    return found


def test_burn_rate_thresholds_match_the_slo(tools: Toolchain, eks_tree: Path) -> None:
    """Recomputed from the spec's SLO and the published multi-window table, not read
    back from the design: threshold = burn rate × (1 − SLO)."""
    assert tools.kubectl is not None
    spec = next(p for p in EKS if p.stem == eks_tree.name.rstrip("0123456789"))
    slo = load_requirements(spec, load_catalog().regions).availability.slo
    table = {
        (a.long_window, a.short_window): a.burn_rate for a in load_catalog().design.burn_rate_alerts
    }
    rendered, errors = build_overlay(tools.kubectl, eks_tree / "infra/k8s/overlays/prod")
    assert rendered is not None, errors
    rules = [  # the burn-rate rules (cause-alerts holds the cause alarms)
        o
        for o in load_manifests(rendered, "prod")
        if o.kind == "PrometheusRule" and o.doc["metadata"]["name"] != "cause-alerts"
    ]
    assert rules
    checked = 0
    for rule in rules:
        alerts = [r for g in rule.doc["spec"]["groups"] for r in g["rules"] if "alert" in r]
        assert len(alerts) == len(table)
        for alert in alerts:
            comparisons = _comparisons(promql_parser.parse(alert["expr"]))
            windows = tuple(name.rsplit("rate", 1)[1] for name, _ in comparisons)
            burn = table[windows]
            expected = burn * (1 - slo / 100)
            for _, threshold in comparisons:
                assert threshold == pytest.approx(expected, rel=1e-9), alert["expr"]
                checked += 1
    assert checked == 2 * len(table) * len(rules)


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_workflows_validate_and_zizmor_finds_nothing_high(
    tools: Toolchain, spec: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tree = _write(spec, tmp_path_factory)
    results = list(run_workflows(tools, tree))
    assert [r.tool for r in results] == ["check-jsonschema", "zizmor"]
    assert all(r.status == "passed" for r in results), _report(results)
    assert not [f for f in results[1].findings if "[High]" in f]
    workflows = sorted(p.stem for p in (tree / ".github" / "workflows").glob("*.yml"))
    services = [s["name"] for s in yaml.safe_load(spec.read_text())["system"]["services"]]
    assert workflows == sorted(services)


def test_add_service_adds_it_everywhere_and_validate_still_passes(
    tools: Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    spec, out = tmp_path / "spec.yaml", tmp_path / "out"
    assert runner.invoke(app, ["init", "--example", "ecommerce", str(spec)]).exit_code == 0
    assert runner.invoke(app, ["design", str(spec), "-o", str(out)]).exit_code == 0
    edited = out / "infra/k8s/base/cart/configmap.yaml"
    edited.write_text(edited.read_text() + "# tuned by hand\n")
    result = runner.invoke(
        app,
        [
            "add-service", "reviews", "--type", "api", "--spec", str(spec), "-o", str(out),
            "--uses", "catalog-db", "--called-by", "storefront", "--cpu-ms-per-request", "10",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert edited.read_text().endswith("# tuned by hand\n"), "an edited file was overwritten"
    assert "reviews" in spec.read_text()
    design = json.loads((out / "design.json").read_text())["design"]
    assert "reviews" in [s["name"] for s in design["compute"]["services"]]
    assert (
        "reviews"
        in next(s for s in design["compute"]["services"] if s["name"] == "storefront")["calls"]
    )
    for rel in (
        "services/reviews/Dockerfile",
        ".github/workflows/reviews.yml",
        "infra/k8s/base/reviews/rollout.yaml",
        "infra/k8s/base/reviews/networkpolicy.yaml",
        "infra/k8s/base/reviews/externalsecret.yaml",
    ):
        assert (out / rel).is_file(), rel
    assert "reviews" in (out / "infra/k8s/base/kustomization.yaml").read_text()
    for env in ("staging", "prod"):
        overlay = (out / f"infra/k8s/overlays/{env}/kustomization.yaml").read_text()
        assert f"shopfront-{env}/reviews" in overlay
    tech_spec = (out / "docs/tech-spec.md").read_text()
    assert "| reviews | api |" in tech_spec  # its sizing row in the design document
    assert "| storefront | reviews | 8080 |" in tech_spec  # and its flow
    terraform = (out / "infra/terraform/environments/prod/main.tf").read_text()
    assert 'service_account = "reviews"' in terraform  # its IRSA role
    assert '"reviews",' in terraform  # its image repository
    # The whole of `validate`: Terraform (fmt, init, validate), checkov, our rules, every
    # overlay, schemas, PromQL, workflows. The hand-edited file was a comment: still valid.
    if tools.terraform is None or tools.plugin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("terraform and a provider mirror are required in CI")
        pytest.skip("terraform or a provider mirror is absent")
    # through the CLI, from the tree's parent, as a user runs it: the tools run inside the
    # tree, so a relative path must not be resolved twice (4 checks failed on `validate out`)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "out", "-f", "json", "--require-tools"])
    report = json.loads(result.stdout)
    failed = [r for r in report["results"] if r["status"] != "passed"]
    assert not failed, json.dumps(failed, indent=1)
    assert report["ok"]
    assert result.exit_code == 0
    assert report["tree"] == "out"
    assert any(r["target"] == "infra/k8s/overlays/prod" for r in report["results"])
    network = yaml.safe_load((out / "infra/k8s/base/reviews/networkpolicy.yaml").read_text())
    callers = network["spec"]["ingress"][0]["from"]
    assert callers == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "storefront"}}}]
