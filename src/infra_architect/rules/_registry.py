"""Explicit rule registration and the runner.

Rules are listed here, not discovered by import side effects; a duplicate id is refused
when the registry is built, and a rule that raises becomes a finding, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from infra_architect.iac import KubernetesGraph, TerraformGraph, WorkflowGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes import (
    ia_k8s_001_single_replica,
    ia_k8s_002_probes_and_limits,
    ia_k8s_003_no_network_policy,
    ia_k8s_004_secret_in_env,
    ia_k8s_005_privileged_or_root,
    ia_k8s_006_replicas_one_zone,
)
from infra_architect.rules.terraform import (
    ia_tf_001_data_store_internet_route,
    ia_tf_002_hard_coded_secret,
    ia_tf_003_iam_wildcard,
    ia_tf_004_single_az,
    ia_tf_005_no_autoscaling,
    ia_tf_006_no_alarms,
    ia_tf_007_ecs_no_rollback,
    ia_tf_008_unencrypted_storage,
    ia_tf_009_database_without_backups,
    ia_tf_010_public_database,
    ia_tf_011_replicas_one_az,
    ia_tf_012_no_symptom_alarm,
    ia_tf_013_open_admin_port,
    ia_tf_014_policy_open_to_anyone,
    ia_tf_015_eks_public_endpoint,
    ia_tf_016_alarm_notifies_nobody,
    ia_tf_017_no_deletion_protection,
)
from infra_architect.rules.workflows import (
    ia_ci_001_no_rollback,
    ia_ci_002_plaintext_secret,
    ia_ci_003_template_injection,
)

Graph = TerraformGraph | KubernetesGraph | WorkflowGraph
Check = Callable[[Any, RuleContext], Iterable[Finding]]
"""A rule's check: its graph type (Terraform or Kubernetes) is the area it belongs to."""


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: Check


class DuplicateRuleError(ValueError):
    pass


def registry(*modules: ModuleType) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for module in modules:
        meta: RuleMeta = module.META
        if meta.id in seen:
            msg = f"rule id {meta.id} registered twice"
            raise DuplicateRuleError(msg)
        seen.add(meta.id)
        rules.append(Rule(meta=meta, check=module.check))
    return tuple(rules)


TERRAFORM_RULES = registry(
    ia_tf_001_data_store_internet_route,
    ia_tf_002_hard_coded_secret,
    ia_tf_003_iam_wildcard,
    ia_tf_004_single_az,
    ia_tf_005_no_autoscaling,
    ia_tf_006_no_alarms,
    ia_tf_007_ecs_no_rollback,
    ia_tf_008_unencrypted_storage,
    ia_tf_009_database_without_backups,
    ia_tf_010_public_database,
    ia_tf_011_replicas_one_az,
    ia_tf_012_no_symptom_alarm,
    ia_tf_013_open_admin_port,
    ia_tf_014_policy_open_to_anyone,
    ia_tf_015_eks_public_endpoint,
    ia_tf_016_alarm_notifies_nobody,
    ia_tf_017_no_deletion_protection,
)


KUBERNETES_RULES = registry(
    ia_k8s_001_single_replica,
    ia_k8s_002_probes_and_limits,
    ia_k8s_003_no_network_policy,
    ia_k8s_004_secret_in_env,
    ia_k8s_005_privileged_or_root,
    ia_k8s_006_replicas_one_zone,
)

WORKFLOW_RULES = registry(
    ia_ci_001_no_rollback, ia_ci_002_plaintext_secret, ia_ci_003_template_injection
)

ALL_RULES = (*TERRAFORM_RULES, *KUBERNETES_RULES, *WORKFLOW_RULES)


def run_rules(
    graph: Graph, context: RuleContext, rules: Sequence[Rule] = TERRAFORM_RULES
) -> list[Finding]:
    """Every finding of every rule, in a stable order."""
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(rule.check(graph, context))
        except Exception as exc:  # noqa: BLE001 - a broken rule is reported, not fatal
            findings.append(
                Finding(
                    rule_id=rule.meta.id,
                    severity=Severity.HIGH,
                    title=f"{rule.meta.title} (rule crashed)",
                    message=f"the rule raised {type(exc).__name__}: {exc}; its check did not run",
                    file=str(getattr(graph, "root", "")),
                    line=1,
                    resources=(),
                    remediation="report this with the Terraform that triggers it",
                )
            )
    return sorted(findings, key=lambda f: (f.file, f.line, f.rule_id, f.message))


def rules_table(rules: Sequence[Rule] = ALL_RULES) -> str:
    """The Markdown table of the rules, generated from their metadata."""
    lines = [
        "# Rules",
        "",
        (
            "Generated from the rule metadata (`infra_architect.rules.rules_table`); "
            "a test keeps it current."
        ),
        "",
        "| ID | Severity | Title | Why it matters | Fix |",
        "|----|----------|-------|----------------|-----|",
    ]
    lines += [
        f"| {r.meta.id} | {r.meta.severity.value} | {r.meta.title} | "
        f"{r.meta.rationale.replace('|', '/')} | {r.meta.remediation.replace('|', '/')} |"
        for r in rules
    ]
    return "\n".join(lines) + "\n"
