"""Validate the Kubernetes output: kustomize build, schemas, checkov, PromQL, our rules.

Each overlay is built with ``kubectl kustomize``; every object it renders is validated
(built-in kinds with kubernetes-validate in strict mode at the design's Kubernetes
version, custom resources against their upstream CRD schemas), checkov scans the
rendered manifests, every PromQL expression (PrometheusRule rules, canary analysis
queries) must parse, and our own rules run on the objects.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import promql_parser

from infra_architect._kubectl import build_overlay
from infra_architect.catalog import load_catalog
from infra_architect.iac import K8sObject, load_manifests
from infra_architect.rules import KUBERNETES_RULES, KubernetesGraph, RuleContext, run_rules
from infra_architect.validate._crds import custom_resource_kinds, validate_custom_resource
from infra_architect.validate._tools import (
    Job,
    Toolchain,
    ToolResult,
    _run,
    _tail,
    checkov_result,
    design_document,
)

_ARGUMENT = re.compile(r"\{\{\s*args\.([\w-]+)\s*\}\}")


def overlays(tree: Path) -> list[Path]:
    root = tree / "infra" / "k8s" / "overlays"
    return (
        sorted(p for p in root.iterdir() if (p / "kustomization.yaml").is_file())
        if (root.is_dir())
        else []
    )


def platforms(tree: Path) -> list[Path]:
    """Each cluster's add-on app-of-apps (``infra/k8s/platform/<env>``)."""
    root = tree / "infra" / "k8s" / "platform"
    return (
        sorted(p for p in root.iterdir() if (p / "kustomization.yaml").is_file())
        if root.is_dir()
        else []
    )


def kubernetes_version(tree: Path) -> str:
    """The version the design pins (design.json), else the one the tool generates for."""
    default = load_catalog().design.engine_versions.kubernetes
    try:
        version = design_document(tree)["design"]["compute"]["kubernetes_version"]
    except (ValueError, KeyError, TypeError):
        return default
    return str(version) if version else default


def validate_object(doc: dict[str, Any], version: str) -> list[str]:
    """Schema problems of one object (empty: valid)."""
    custom = validate_custom_resource(doc)
    if custom is not None:
        return custom
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [f"no schema for {doc.get('apiVersion')} {doc.get('kind')} (unknown kind?)"]
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(p) for p in error.absolute_path) or "<root>"
        return [f"{where}: {error.message}"]
    return []


def promql_expressions(objects: list[K8sObject]) -> Iterator[tuple[K8sObject, str, str]]:
    """(object, what, expression) for every PromQL expression the manifests carry;
    Argo analysis arguments are filled with a sample value first."""
    for obj in objects:
        spec = obj.doc.get("spec") or {}
        if obj.kind == "PrometheusRule":
            for group in spec.get("groups") or []:
                for rule in group.get("rules") or []:
                    name = rule.get("record") or rule.get("alert")
                    yield obj, f"{group.get('name')}/{name}", str(rule.get("expr", ""))
        elif obj.kind in ("AnalysisTemplate", "ClusterAnalysisTemplate"):
            for metric in spec.get("metrics") or []:
                query = ((metric.get("provider") or {}).get("prometheus") or {}).get("query")
                if query:
                    yield obj, str(metric.get("name")), _ARGUMENT.sub(r"sample-\1", str(query))


def parse_problems(objects: list[K8sObject]) -> tuple[int, list[str]]:
    count, problems = 0, []
    for obj, what, expression in promql_expressions(objects):
        count += 1
        try:
            promql_parser.parse(expression)
        except ValueError as error:
            problems.append(f"{obj.address} {what}: {error}")
    return count, problems


def run_kubernetes(tools: Toolchain, tree: Path, slo: float | None) -> Iterator[ToolResult]:
    for job in kubernetes_jobs(tools, tree, slo):
        yield from job()


def kubernetes_jobs(tools: Toolchain, tree: Path, slo: float | None) -> list[Job]:
    """The Argo CD and platform root manifests' schemas, then one job per overlay (build,
    then what checks its objects) and per platform (build, schemas)."""
    found = overlays(tree)
    if not found:
        return []
    version = kubernetes_version(tree)
    jobs: list[Job] = []
    argocd = tree / "infra" / "k8s" / "argocd"
    if argocd.is_dir():
        jobs.append(lambda: [_argocd_schemas(tree, argocd, version)])
    # Each cluster's app-of-apps (the add-on Applications) and the root app bootstrap applies.
    for platform in platforms(tree):
        root = platform / "root.yaml"
        if root.is_file():
            jobs.append(_root_schemas(tree, root, version))
    if tools.kubectl is None:
        skipped = ToolResult(
            tool="kubectl kustomize",
            target="infra/k8s/overlays",
            status="skipped",
            detail="kubectl is not installed (https://kubernetes.io/docs/tasks/tools/)",
        )
        return [*jobs, lambda: [skipped]]
    kubectl = tools.kubectl
    jobs += [
        _overlay_job(tools, kubectl, overlay, version, slo if overlay.name == "prod" else None)
        for overlay in found
    ]
    jobs += [_platform_job(kubectl, platform, version) for platform in platforms(tree)]
    return jobs


def _argocd_schemas(tree: Path, argocd: Path, version: str) -> ToolResult:
    objects = [
        obj
        for path in sorted(argocd.glob("*.yaml"))
        for obj in load_manifests(path.read_text(encoding="utf-8"), str(path.relative_to(tree)))
    ]
    return _schemas("infra/k8s/argocd", objects, version)


def _root_schemas(tree: Path, root: Path, version: str) -> Job:
    def job() -> list[ToolResult]:
        objects = load_manifests(root.read_text(encoding="utf-8"), str(root.relative_to(tree)))
        return [_schemas(str(root.relative_to(tree)), objects, version)]

    return job


def _overlay_job(
    tools: Toolchain, kubectl: str, overlay: Path, version: str, slo: float | None
) -> Job:
    def job() -> list[ToolResult]:
        target = f"infra/k8s/overlays/{overlay.name}"
        results: list[ToolResult] = []
        built = _drain(results, _build(kubectl, overlay, target))
        if built is None:
            return results
        rendered, objects = built
        results.append(_schemas(target, objects, version))
        results.append(_promql(target, objects))
        results += _checkov(tools, target, rendered)
        results.append(_rules(target, objects, slo))
        return results

    return job


def _platform_job(kubectl: str, platform: Path, version: str) -> Job:
    def job() -> list[ToolResult]:
        target = f"infra/k8s/platform/{platform.name}"
        results: list[ToolResult] = []
        built = _drain(results, _build(kubectl, platform, target))
        if built is not None:
            results.append(_schemas(target, built[1], version))
        return results

    return job


def _drain(
    results: list[ToolResult],
    steps: Generator[ToolResult, None, tuple[str, list[K8sObject]] | None],
) -> tuple[str, list[K8sObject]] | None:
    """Run a generator to its end: what it yields onto ``results``, its return value back."""
    while True:
        try:
            results.append(next(steps))
        except StopIteration as done:
            value: tuple[str, list[K8sObject]] | None = done.value
            return value


def _build(
    kubectl: str, folder: Path, target: str
) -> Generator[ToolResult, None, tuple[str, list[K8sObject]] | None]:
    """Build one kustomization: its result, then its YAML and objects (None: no build)."""
    rendered, errors = build_overlay(kubectl, folder)
    if rendered is None:
        yield ToolResult(
            tool="kubectl kustomize",
            target=target,
            status="failed",
            detail="build failed",
            findings=errors,
        )
        return None
    objects = load_manifests(rendered, f"{target} (rendered)")
    yield ToolResult(
        tool="kubectl kustomize", target=target, status="passed", detail=f"{len(objects)} objects"
    )
    return rendered, objects


def _schemas(target: str, objects: list[K8sObject], version: str) -> ToolResult:
    problems = [f"{obj.address}: {p}" for obj in objects for p in validate_object(obj.doc, version)]
    kinds = custom_resource_kinds()
    custom = sum(1 for o in objects if f"{o.doc.get('apiVersion')}/{o.kind}" in kinds)
    return ToolResult(
        tool="schemas",
        target=target,
        status="failed" if problems else "passed",
        detail=f"{len(objects) - custom} built-in (Kubernetes {version}, strict), {custom} "
        f"custom resources (CRD schemas), {len(problems)} problem(s)",
        findings=problems,
    )


def _promql(target: str, objects: list[K8sObject]) -> ToolResult:
    count, problems = parse_problems(objects)
    return ToolResult(
        tool="promql",
        target=target,
        status="failed" if problems else "passed",
        detail=f"{count} expression(s) parsed, {len(problems)} invalid",
        findings=problems,
    )


def _checkov(tools: Toolchain, target: str, rendered: str) -> Iterator[ToolResult]:
    if tools.checkov is None:
        yield ToolResult(
            tool="checkov",
            target=target,
            status="skipped",
            detail="checkov is not installed (set INFRA_ARCHITECT_CHECKOV to its path)",
        )
        return
    with tempfile.TemporaryDirectory(prefix="infra-architect-k8s-") as work:
        path = Path(work) / "rendered.yaml"
        path.write_text(rendered, encoding="utf-8")
        proc = _run(
            [
                tools.checkov,
                "-f",
                str(path),
                "--framework",
                "kubernetes",
                "--skip-download",
                "--compact",
                "-o",
                "json",
            ],
            Path(work),
            dict(os.environ, BC_SKIP_MAPPING="TRUE"),
        )
    try:
        payload = json.loads(proc.stdout)
    except json.JSONDecodeError:
        yield ToolResult(
            tool="checkov",
            target=target,
            status="failed",
            detail="checkov produced no report",
            findings=_tail(proc.stderr or proc.stdout),
        )
        return
    yield checkov_result(payload, target)


def _rules(target: str, objects: list[K8sObject], slo: float | None) -> ToolResult:
    findings = run_rules(KubernetesGraph(objects), RuleContext(slo=slo), KUBERNETES_RULES)
    return ToolResult(
        tool="infra-architect rules",
        target=target,
        status="failed" if findings else "passed",
        detail=f"{len(objects)} objects, {len(findings)} finding(s)"
        + (f", SLO {slo:g}%" if slo is not None else ""),
        findings=[
            f"{f.rule_id} [{f.severity.value}] {f.resources[0]}: {f.message}" for f in findings
        ],
    )
