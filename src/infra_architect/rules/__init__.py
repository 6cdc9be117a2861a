"""Architecture rules over a resource graph: the same rules guard generated output and
review existing infrastructure."""

from infra_architect.iac import (
    KubernetesGraph,
    TerraformGraph,
    WorkflowGraph,
    load_manifests,
    load_terraform,
    load_workflow,
)
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
