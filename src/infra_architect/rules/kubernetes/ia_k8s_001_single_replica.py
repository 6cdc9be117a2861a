"""IA-K8S-001: a workload that can run as one replica with nothing to keep it up."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import KubernetesGraph, selects
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes._helpers import REPLICATED_KINDS, finding, workloads

META = RuleMeta(
    id="IA-K8S-001",
    title="Single replica with no autoscaler or disruption budget",
    severity=Severity.HIGH,
    rationale="Under an availability target, one replica is one node drain, one eviction "
    "or one crash away from an outage; with no HorizontalPodAutoscaler it cannot grow "
    "under load and with no PodDisruptionBudget every voluntary disruption takes it down.",
    remediation="Run at least two replicas spread across zones, scale them with a "
    "HorizontalPodAutoscaler (minReplicas >= 2) and protect them with a "
    "PodDisruptionBudget.",
)


def check(graph: KubernetesGraph, context: RuleContext) -> Iterator[Finding]:
    if context.slo is None:
        return  # no availability target (staging, a sandbox): one replica is a choice
    hpas = list(graph.of_kind("HorizontalPodAutoscaler"))
    pdbs = list(graph.of_kind("PodDisruptionBudget"))
    for workload in workloads(graph, *REPLICATED_KINDS):
        scalers = [
            h
            for h in hpas
            if h.namespace == workload.namespace
            and (h.doc.get("spec") or {}).get("scaleTargetRef", {}).get("name") == workload.name
            and (h.doc.get("spec") or {}).get("scaleTargetRef", {}).get("kind") == workload.kind
        ]
        if scalers:
            low = min(int((h.doc["spec"]).get("minReplicas", 1)) for h in scalers)
        else:
            low = int((workload.doc.get("spec") or {}).get("replicas", 1))
        if low >= 2:
            continue
        labels = workload.pod_labels()
        budget = any(
            p.namespace == workload.namespace
            and selects((p.doc.get("spec") or {}).get("selector"), labels)
            for p in pdbs
        )
        if not scalers or not budget:
            missing = [
                w for w, has in (("autoscaler", scalers), ("disruption budget", budget)) if not has
            ]
            yield finding(
                META,
                workload,
                f"{workload.address} can run as {low} replica with no {' or '.join(missing)}",
            )
