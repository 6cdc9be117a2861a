"""``validate``: every tool's verdict on a generated tree, in one report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from infra_architect._display import printable
from infra_architect.review import preflight
from infra_architect.rules import RuleContext, load_terraform, run_rules
from infra_architect.validate._emulator import emulator, emulator_jobs, terraform_roots
from infra_architect.validate._kubernetes import (
    KubernetesWork,
    OverlayChecks,
    Rendered,
    overlay_scans,
)
from infra_architect.validate._tools import (
    CHECKOV_ABSENT,
    Job,
    Toolchain,
    ToolResult,
    design_document,
    run_checkov_scans,
    terraform_environments,
    terraform_jobs,
    terraform_scan,
)
from infra_architect.validate._workflows import run_workflow_rules, workflow_jobs

T = TypeVar("T")


class JobProgress(Protocol):
    """Told of each job as it is queued and as it ends (from the worker threads), with
    what the job was: the CLI's status line."""

    def started(self) -> None: ...

    def finished(self, what: str) -> None: ...


class _Silent:
    def started(self) -> None:
        pass

    def finished(self, what: str) -> None:
        pass


def _describe(future: Future[T], label: str) -> str:
    """What a finished job did: its tool and target when it returned results."""
    if future.cancelled() or future.exception() is not None:
        return label
    result = future.result()
    if isinstance(result, list) and result and isinstance(result[-1], ToolResult):
        return f"{result[-1].tool} {result[-1].target}"
    return label


class ValidationReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tree: str
    results: list[ToolResult]

    @property
    def failed(self) -> list[ToolResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[ToolResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed


def design_slo(tree: Path) -> float | None:
    """The SLO the design states (design.json), which availability rules hold prod to."""
    document = design_document(tree)
    try:
        return float(document["design"]["constraints"]["error_budget"]["slo"])
    except (ValueError, KeyError, TypeError):
        return None


def run_our_rules(tree: Path) -> list[ToolResult]:
    results = []
    slo = design_slo(tree)
    base = tree / "infra" / "terraform"
    for env_dir in terraform_environments(tree):
        # Staging is prod's shape at minimum size: it carries no availability target.
        context = RuleContext(slo=slo if env_dir.name == "prod" else None)
        graph = load_terraform(env_dir, base)
        findings = run_rules(graph, context)
        results.append(
            ToolResult(
                tool="infra-architect rules",
                target=f"infra/terraform/environments/{env_dir.name}",
                status="failed" if findings else "passed",
                detail=f"{len(graph.resources)} resources, {len(findings)} finding(s)"
                + (f", SLO {slo:g}%" if context.slo is not None else ""),
                findings=[
                    f"{f.rule_id} [{f.severity.value}] {f.file}:{f.line} {f.message}"
                    for f in findings
                ]
                + [f"skipped {s}" for s in graph.skipped],
            )
        )
    return results


def validate_tree(
    tree: Path,
    tools: Toolchain,
    workers: int | None = None,
    progress: JobProgress | None = None,
) -> ValidationReport:
    given = tree
    # the tools run with cwd set inside the tree: every path they get must not depend on
    # the caller's working directory (`validate out` from the parent failed 4 checks)
    tree = tree.absolute()
    if not (tree / "infra" / "terraform").is_dir():
        return ValidationReport(
            tree=str(given),
            results=[
                ToolResult(
                    tool="terraform",
                    target=str(given),
                    status="failed",
                    detail="no infra/terraform here: run `infra-architect design` first",
                )
            ],
        )
    unsafe = preflight(tree)
    if unsafe:
        return ValidationReport(
            tree=str(given),
            results=[
                ToolResult(
                    tool="preflight",
                    target=str(given),
                    status="failed",
                    detail=f"{len(unsafe)} thing(s) in the tree no tool is run on: links or "
                    "paths out of the tree, pipes, unreadable files, remote modules or "
                    "resources (nothing was run; remove them, or re-run `design`)",
                    findings=[f"{printable(s.path)}: {printable(s.reason)}" for s in unsafe],
                )
            ],
        )
    return ValidationReport(
        tree=str(given), results=run_jobs(tools, tree, workers, progress or _Silent())
    )


def run_jobs(
    tools: Toolchain, tree: Path, workers: int | None, progress: JobProgress
) -> list[ToolResult]:
    """Every tool on the tree, concurrently on at most ``workers`` threads (each tool in
    its own subprocess and directory), reported in one fixed order whatever finishes
    first: Terraform, plans, checkov, our rules, Kubernetes, workflows.

    The longest jobs are queued first so the pool's tail is short: checkov (one call over
    the Terraform and every built overlay, after the overlays' builds) and the plans
    (the emulator starts while the builds and checkov run). A job only waits for jobs
    queued before it, so no worker count can deadlock."""
    slo = design_slo(tree)
    kubernetes = KubernetesWork.plan(tools, tree, slo)
    with (
        tempfile.TemporaryDirectory(prefix="infra-architect-validate-") as scratch,
        ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool,
    ):
        work = Path(scratch)

        def submit(job: Callable[[], T], label: str) -> Future[T]:
            progress.started()
            future = pool.submit(job)
            future.add_done_callback(lambda done: progress.finished(_describe(done, label)))
            return future

        def start(jobs: list[Job]) -> list[Future[list[ToolResult]]]:
            return [submit(job, "checks") for job in jobs]

        renders = [submit(render, "kubectl kustomize") for render in kubernetes.renders]
        checkov = submit(lambda: scan_with_checkov(tools, tree, work, renders), "checkov")
        plans: list[Future[list[ToolResult]]] = []
        with ExitStack() as stack:
            if tools.terraform is not None and terraform_roots(tree / "infra" / "terraform"):
                found = stack.enter_context(emulator(os.environ))  # outlives every plan
                plans = start(emulator_jobs(tools, tree, work, found))
            terraform = start(terraform_jobs(tools, tree, work))
            checks = [
                submit(partial(check_when_built, kubernetes, r), "kubernetes checks")
                for r in renders
            ]
            manifests = start(kubernetes.manifests)
            platforms = start(kubernetes.platforms)
            workflow = start(workflow_jobs(tools, tree))
            ours = start([lambda: run_our_rules(tree), lambda: run_workflow_rules(tree)])
            wait(plans)
        scanned = checkov.result()
        k8s = kubernetes.report(
            [r for f in manifests for r in f.result()],
            [r.result() for r in renders],
            [c.result() for c in checks],
            scanned,
            [r for f in platforms for r in f.result()],
        )
        ordered = [*terraform, *plans]
        return [
            *(result for future in ordered for result in future.result()),
            scanned.get("infra/terraform") or CHECKOV_ABSENT,
            *ours[0].result(),
            *k8s,
            *(result for future in workflow for result in future.result()),
            *ours[1].result(),
        ]


def check_when_built(kubernetes: KubernetesWork, render: Future[Rendered]) -> OverlayChecks | None:
    return kubernetes.check(render.result())


def scan_with_checkov(
    tools: Toolchain, tree: Path, work: Path, renders: list[Future[Rendered]]
) -> dict[str, ToolResult]:
    """checkov's result by target: the Terraform and every overlay that built, in one
    call (none when checkov is absent)."""
    if tools.checkov is None:
        return {}
    built = [future.result() for future in renders]
    scans = [terraform_scan(tree, work), *overlay_scans(built, work)]
    return {r.target: r for r in run_checkov_scans(tools.checkov, scans, work)}
