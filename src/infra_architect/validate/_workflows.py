"""Validate the GitHub Actions workflows: the workflow schema, the zizmor audit and
infra-architect's own workflow rules."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import yaml

from infra_architect.rules import (
    WORKFLOW_RULES,
    RuleContext,
    WorkflowGraph,
    load_workflow,
    run_rules,
)
from infra_architect.validate._tools import Job, Toolchain, ToolResult, _run, _tail

FAIL_AT = ("High",)
"""zizmor severities that fail validation; lower ones are reported, not fatal."""


def workflows(tree: Path) -> list[Path]:
    folder = tree / ".github" / "workflows"
    return sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def run_workflows(tools: Toolchain, tree: Path) -> Iterator[ToolResult]:
    for job in workflow_jobs(tools, tree):
        yield from job()


def workflow_jobs(tools: Toolchain, tree: Path) -> list[Job]:
    """The workflow schema check and the zizmor audit, independent of each other."""
    files = workflows(tree)
    if not files:
        return []
    target = ".github/workflows"
    check_jsonschema, zizmor = tools.check_jsonschema, tools.zizmor

    def schema() -> list[ToolResult]:
        if check_jsonschema is None:
            return [
                ToolResult(
                    tool="check-jsonschema",
                    target=target,
                    status="skipped",
                    detail="check-jsonschema is not installed (pip install check-jsonschema)",
                )
            ]
        proc = _run(
            [
                check_jsonschema,
                "--builtin-schema",
                "vendor.github-workflows",
                "--output-format",
                "text",
                *[str(f) for f in files],
            ],
            tree,
            os.environ,
        )
        return [
            ToolResult(
                tool="check-jsonschema",
                target=target,
                status="passed" if proc.returncode == 0 else "failed",
                detail=f"{len(files)} workflow(s) against the GitHub workflow schema",
                findings=[] if proc.returncode == 0 else _tail(proc.stdout + proc.stderr, 30),
            )
        ]

    def audit() -> list[ToolResult]:
        if zizmor is None:
            return [
                ToolResult(
                    tool="zizmor",
                    target=target,
                    status="skipped",
                    detail="zizmor is not installed (pip install zizmor)",
                )
            ]
        proc = _run(
            [zizmor, "--offline", "--no-progress", "--format", "json", str(tree / target)],
            tree,
            os.environ,
        )
        return [zizmor_result(proc.stdout, proc.stderr, target)]

    return [schema, audit]


def run_workflow_rules(tree: Path) -> list[ToolResult]:
    """The same workflow rules review applies (rollback path, plaintext secrets, script
    injection), on the generated workflows; a workflow that cannot be read fails."""
    files = workflows(tree)
    if not files:
        return []
    graph, unread = WorkflowGraph(), []
    for path in files:
        relative = str(path.relative_to(tree))
        if path.is_symlink() or not path.is_file():
            # a FIFO would block the read, a link may lead out of the tree
            unread.append(f"could not read {relative}: not a regular file")
            continue
        try:
            graph.workflows.append(load_workflow(path.read_text(encoding="utf-8"), relative))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
            unread.append(f"could not read {relative}: {type(exc).__name__}")
    findings = run_rules(graph, RuleContext(), WORKFLOW_RULES)
    return [
        ToolResult(
            tool="infra-architect rules",
            target=".github/workflows",
            status="failed" if findings or unread else "passed",
            detail=f"{len(graph.workflows)} workflow(s), {len(findings)} finding(s)",
            findings=[
                f"{f.rule_id} [{f.severity.value}] {f.file}:{f.line} {f.message}" for f in findings
            ]
            + unread,
        )
    ]


def zizmor_result(stdout: str, stderr: str, target: str) -> ToolResult:
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        return ToolResult(
            tool="zizmor",
            target=target,
            status="failed",
            detail="zizmor produced no report",
            findings=_tail(stderr or stdout),
        )
    lines, failing = [], 0
    for item in report:
        severity = item["determinations"]["severity"]
        where = (
            item["locations"][0]["symbolic"]["key"]["Local"]["given_path"]
            if item.get("locations")
            else "?"
        )
        failing += severity in FAIL_AT
        lines.append(f"{item['ident']} [{severity}] {where}: {item['desc']}")
    return ToolResult(
        tool="zizmor",
        target=target,
        status="failed" if failing else "passed",
        detail=f"{len(report)} finding(s), {failing} at {'/'.join(FAIL_AT)}",
        findings=sorted(lines),
    )


def _where(item: dict[str, object]) -> str:
    try:
        location = item["locations"][0]  # type: ignore[index]
        return str(location["symbolic"]["key"]["Local"]["given_path"])
    except (KeyError, IndexError, TypeError):
        return "?"
