"""Architecture rules over a resource graph: the same rules guard generated output and
review existing infrastructure."""

from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules._registry import (
    ALL_RULES,
    KUBERNETES_RULES,
    TERRAFORM_RULES,
    WORKFLOW_RULES,
    DuplicateRuleError,
    Rule,
    registry,
    rules_table,
    run_rules,
)
from infra_architect.rules.kubernetes._objects import KubernetesGraph, load_manifests
from infra_architect.rules.terraform._graph import TerraformGraph, load_terraform
from infra_architect.rules.workflows._workflows import WorkflowGraph, load_workflow

__all__ = [
    "ALL_RULES",
    "KUBERNETES_RULES",
    "TERRAFORM_RULES",
    "WORKFLOW_RULES",
    "DuplicateRuleError",
    "Finding",
    "KubernetesGraph",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "Severity",
    "TerraformGraph",
    "WorkflowGraph",
    "load_manifests",
    "load_terraform",
    "load_workflow",
    "registry",
    "rules_table",
    "run_rules",
]
