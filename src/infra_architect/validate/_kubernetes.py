"""Validate the Kubernetes output: kustomize build, schemas, checkov, PromQL, our rules.

Each overlay is built with ``kubectl kustomize``; every object it renders is validated
(built-in kinds with kubernetes-validate in strict mode at the design's Kubernetes
version, custom resources against their upstream CRD schemas), checkov scans the
rendered manifests, every PromQL expression (PrometheusRule rules, canary analysis
queries) must parse, and our own rules run on the objects.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
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
    CheckovScan,
    Job,
    Toolchain,
    ToolResult,
    design_document,
    manifest_scan,
    run_checkov_scans,
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
    """The Kubernetes part of the report, one step after another."""
    work = KubernetesWork.plan(tools, tree, slo)
    renders = [render() for render in work.renders]
    checks = [work.check(rendered) for rendered in renders]
    with tempfile.TemporaryDirectory(prefix="infra-architect-k8s-") as scratch:
        scans = overlay_scans(renders, Path(scratch))
        checkov = (
            {r.target: r for r in run_checkov_scans(tools.checkov, scans, Path(scratch))}
            if tools.checkov is not None
            else {}
        )
    manifests = [result for job in work.manifests for result in job()]
    platforms = [result for job in work.platforms for result in job()]
    yield from work.report(manifests, renders, checks, checkov, platforms)


@dataclass(frozen=True)
class Rendered:
    """One overlay as ``kubectl kustomize`` built it: the build's result, then its YAML
    and objects (``None`` and none when the build failed)."""

    name: str
    build: ToolResult
    text: str | None
    objects: list[K8sObject]

    @property
    def target(self) -> str:
        return self.build.target


@dataclass(frozen=True)
class OverlayChecks:
    """What checks a rendered overlay's objects in this process (checkov, a tool of its
    own, runs in one call over every overlay and the Terraform)."""

    schemas: ToolResult
    promql: ToolResult
    rules: ToolResult

    def report(self, build: ToolResult, checkov: ToolResult) -> list[ToolResult]:
        return [build, self.schemas, self.promql, checkov, self.rules]


@dataclass(frozen=True)
class KubernetesWork:
    """The Kubernetes jobs: manifests' schemas (Argo CD, platform roots), one build per
    overlay, the checks of each built overlay, one build and schema check per platform;
    :meth:`report` puts their results in the report's order, whatever ran first."""

    manifests: list[Job]
    renders: list[Callable[[], Rendered]]
    platforms: list[Job]
    absent: list[ToolResult]
    version: str
    slo: float | None

    @classmethod
    def plan(cls, tools: Toolchain, tree: Path, slo: float | None) -> KubernetesWork:
        found = overlays(tree)
        version = kubernetes_version(tree) if found else ""
        if not found:
            return cls([], [], [], [], version, slo)
        manifests: list[Job] = []
        argocd = tree / "infra" / "k8s" / "argocd"
        if argocd.is_dir():
            manifests.append(lambda: [_argocd_schemas(tree, argocd, version)])
        # Each cluster's app-of-apps (the add-on Applications) and the root app bootstrap
        # applies.
        for platform in platforms(tree):
            root = platform / "root.yaml"
            if root.is_file():
                manifests.append(_root_schemas(tree, root, version))
        if tools.kubectl is None:
            skipped = ToolResult(
                tool="kubectl kustomize",
                target="infra/k8s/overlays",
                status="skipped",
                detail="kubectl is not installed (https://kubernetes.io/docs/tasks/tools/)",
            )
            return cls(manifests, [], [], [skipped], version, slo)
        kubectl = tools.kubectl
        return cls(
            manifests,
            [_render_job(kubectl, overlay) for overlay in found],
            [_platform_job(kubectl, platform, version) for platform in platforms(tree)],
            [],
            version,
            slo,
        )

    def check(self, rendered: Rendered) -> OverlayChecks | None:
        if rendered.text is None:
            return None
        slo = self.slo if rendered.name == "prod" else None
        return OverlayChecks(
            schemas=_schemas(rendered.target, rendered.objects, self.version),
            promql=_promql(rendered.target, rendered.objects),
            rules=_rules(rendered.target, rendered.objects, slo),
        )

    def report(
        self,
        manifests: list[ToolResult],
        renders: list[Rendered],
        checks: list[OverlayChecks | None],
        checkov: Mapping[str, ToolResult],
        platforms: list[ToolResult],
    ) -> list[ToolResult]:
        """``checkov``: by target, every built overlay's scan (none: checkov is absent)."""
        overlays = [
            result
            for rendered, checked in zip(renders, checks, strict=True)
            for result in (
                [rendered.build]
                if checked is None
                else checked.report(
                    rendered.build, checkov.get(rendered.target) or _checkov_absent(rendered)
                )
            )
        ]
        return [*manifests, *self.absent, *overlays, *platforms]


def overlay_scans(renders: list[Rendered], work: Path) -> list[CheckovScan]:
    """checkov's scan of each built overlay, each from a file in a folder of its own."""
    scans = []
    for rendered in renders:
        if rendered.text is None:
            continue
        folder = work / "k8s" / rendered.name
        folder.mkdir(parents=True)
        path = folder / "rendered.yaml"
        path.write_text(rendered.text, encoding="utf-8")
        scans.append(manifest_scan(rendered.target, path))
    return scans


def _checkov_absent(rendered: Rendered) -> ToolResult:
    return ToolResult(
        tool="checkov",
        target=rendered.target,
        status="skipped",
        detail="checkov is not installed (set INFRA_ARCHITECT_CHECKOV to its path)",
    )


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


def _render_job(kubectl: str, overlay: Path) -> Callable[[], Rendered]:
    def job() -> Rendered:
        target = f"infra/k8s/overlays/{overlay.name}"
        results: list[ToolResult] = []
        built = _drain(results, _build(kubectl, overlay, target))
        (build,) = results
        if built is None:
            return Rendered(overlay.name, build, None, [])
        return Rendered(overlay.name, build, built[0], built[1])

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
