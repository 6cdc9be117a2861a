"""``validate``: every tool's verdict on a generated tree, in one report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from infra_architect._display import printable
from infra_architect.review import preflight
from infra_architect.rules import RuleContext, load_terraform, run_rules
from infra_architect.validate._emulator import run_emulator_plans
from infra_architect.validate._kubernetes import run_kubernetes
from infra_architect.validate._tools import (
    Toolchain,
    ToolResult,
    design_document,
    run_checkov,
    run_terraform,
    terraform_environments,
)
from infra_architect.validate._workflows import run_workflow_rules, run_workflows


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


def validate_tree(tree: Path, tools: Toolchain) -> ValidationReport:
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
    results: list[ToolResult] = []
    with tempfile.TemporaryDirectory(prefix="infra-architect-validate-") as work:
        results += run_terraform(tools, tree, Path(work))
        results += run_emulator_plans(tools, tree, Path(work))
        results += run_checkov(tools, tree, Path(work))
    results += run_our_rules(tree)
    results += run_kubernetes(tools, tree, design_slo(tree))
    results += run_workflows(tools, tree)
    results += run_workflow_rules(tree)
    return ValidationReport(tree=str(given), results=results)
