"""Readers of infrastructure as code: Terraform (HCL and plan JSON), Kubernetes manifests and
GitHub workflows, each into a graph the rules, `review`, `validate` and `cost` query.

Reading never executes anything: HCL is parsed with tree-sitter and evaluated by our own
bounded evaluator; manifests and workflows are YAML loaded safely.
"""

from infra_architect.iac._hcl import HclSyntaxError, parse_hcl, read_hcl
from infra_architect.iac._k8s_objects import (
    K8sObject,
    KubernetesGraph,
    containers,
    load_manifests,
    selects,
)
from infra_architect.iac._tf_graph import (
    Resource,
    Scope,
    TerraformGraph,
    blocks,
    for_each_instances,
    installed_modules,
    load_plan,
    load_terraform,
    plan_json,
)
from infra_architect.iac._tf_resources import (
    DATA_STORES,
    ENTRY_POINTS,
    coexist,
    is_read_replica,
    nested,
    value,
)
from infra_architect.iac._tf_values import UNKNOWN, Budget, Unknown
from infra_architect.iac._workflow_expressions import expressions, flowing_contexts
from infra_architect.iac._workflows import (
    Job,
    Step,
    Where,
    Workflow,
    WorkflowGraph,
    load_workflow,
)

__all__ = [
    "DATA_STORES",
    "ENTRY_POINTS",
    "UNKNOWN",
    "Budget",
    "HclSyntaxError",
    "Job",
    "K8sObject",
    "KubernetesGraph",
    "Resource",
    "Scope",
    "Step",
    "TerraformGraph",
    "Unknown",
    "Where",
    "Workflow",
    "WorkflowGraph",
    "blocks",
    "coexist",
    "containers",
    "expressions",
    "flowing_contexts",
    "for_each_instances",
    "installed_modules",
    "is_read_replica",
    "load_manifests",
    "load_plan",
    "load_terraform",
    "load_workflow",
    "nested",
    "parse_hcl",
    "plan_json",
    "read_hcl",
    "selects",
    "value",
]
