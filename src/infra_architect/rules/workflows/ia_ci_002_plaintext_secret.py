"""IA-CI-002: secrets written into a workflow in plain text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infra_architect.iac import WorkflowGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity

META = RuleMeta(
    id="IA-CI-002",
    title="Secret in plain text in a workflow",
    severity=Severity.CRITICAL,
    rationale="A password, token or key in a workflow file is readable by everyone with "
    "read access to the repository and by every fork, and stays in git history after it "
    "is removed.",
    remediation="Store it as an encrypted repository or environment secret and reference "
    "it (${{ secrets.NAME }}); better, drop long-lived keys for OIDC "
    "(aws-actions/configure-aws-credentials with role-to-assume).",
)

_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)", re.I
)
_VALUE = re.compile(
    r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{36})"
)
_EXPRESSION = re.compile(r"^\s*\$\{\{.*\}\}\s*$", re.S)
_PLACEHOLDER = {"", "true", "false", "none", "null", "changeme", "xxx"}


def check(graph: WorkflowGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for workflow in graph.workflows:
        for entry in workflow.env:
            value = entry.value.strip()
            if _EXPRESSION.match(value) or value.lower() in _PLACEHOLDER:
                continue
            if _VALUE.search(value) or (_NAME.search(entry.name) and "${{" not in value):
                yield META.finding(
                    f"{workflow.file}: {entry.name} ({entry.scope}) is set to a literal value",
                    workflow.file,
                    entry.line,
                    (f"{entry.scope}: {entry.name}",),
                )
