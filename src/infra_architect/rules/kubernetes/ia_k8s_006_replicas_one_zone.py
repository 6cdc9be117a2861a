"""IA-K8S-006: replicas nothing keeps apart across zones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra_architect.iac import KubernetesGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes._helpers import REPLICATED_KINDS, finding, workloads

META = RuleMeta(
    id="IA-K8S-006",
    title="Replicas may all land in one zone",
    severity=Severity.MEDIUM,
    rationale="The scheduler's default spreading is best effort: under pressure, after a "
    "node group scales in one zone or after a zone recovers, every replica can end up in "
    "one zone, and that zone's outage then takes the whole service down.",
    remediation="Add a topologySpreadConstraint on topology.kubernetes.io/zone "
    "(maxSkew 1, whenUnsatisfiable DoNotSchedule) or a required pod anti-affinity on "
    "the zone to the pod template.",
)

ZONE = "topology.kubernetes.io/zone"
LEGACY_ZONE = "failure-domain.beta.kubernetes.io/zone"


def _spread_by_zone(spec: dict[str, Any]) -> bool:
    for constraint in spec.get("topologySpreadConstraints") or []:
        if constraint.get("topologyKey") in (ZONE, LEGACY_ZONE):
            return True
    anti = ((spec.get("affinity") or {}).get("podAntiAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or []
    return any(term.get("topologyKey") in (ZONE, LEGACY_ZONE) for term in anti)


def check(graph: KubernetesGraph, context: RuleContext) -> Iterator[Finding]:
    if context.slo is None:
        return
    scaled = {
        (h.namespace, (h.doc.get("spec") or {}).get("scaleTargetRef", {}).get("name"))
        for h in graph.of_kind("HorizontalPodAutoscaler")
        if int((h.doc.get("spec") or {}).get("maxReplicas", 1)) >= 2
    }
    for workload in workloads(graph, *REPLICATED_KINDS):
        replicas = int((workload.doc.get("spec") or {}).get("replicas", 1))
        if replicas < 2 and (workload.namespace, workload.name) not in scaled:
            continue
        spec = workload.pod_spec() or {}
        if not _spread_by_zone(spec):
            yield finding(
                META,
                workload,
                f"{workload.address} runs several replicas and nothing keeps them in "
                "different zones",
            )
