"""IA-K8S-003: pods no NetworkPolicy selects (everything may reach them)."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import KubernetesGraph, selects
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes._helpers import POD_KINDS, finding, workloads

META = RuleMeta(
    id="IA-K8S-003",
    title="Workload with no NetworkPolicy",
    severity=Severity.MEDIUM,
    rationale="Kubernetes lets every pod reach every other pod unless a NetworkPolicy "
    "selects it: one compromised pod can then talk to every database client and "
    "internal API in the cluster.",
    remediation="Add a default-deny NetworkPolicy per namespace and one policy per "
    "workload allowing exactly its callers in and its dependencies out.",
)


def check(graph: KubernetesGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    policies = list(graph.of_kind("NetworkPolicy"))
    for obj in workloads(graph, *POD_KINDS):
        labels = obj.pod_labels()
        covered = any(
            p.namespace == obj.namespace
            and selects((p.doc.get("spec") or {}).get("podSelector", {}), labels)
            for p in policies
        )
        if not covered:
            yield finding(META, obj, f"{obj.address}: no NetworkPolicy selects its pods")
