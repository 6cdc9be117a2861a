"""IA-K8S-002: containers without health probes or resource bounds."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import KubernetesGraph, containers
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes._helpers import (
    LONG_RUNNING_KINDS,
    POD_KINDS,
    finding,
    workloads,
)

META = RuleMeta(
    id="IA-K8S-002",
    title="Missing probes or resource requests and limits",
    severity=Severity.MEDIUM,
    rationale="Without a readiness probe a starting or wedged pod receives traffic; "
    "without a liveness probe a hung process is never restarted; without requests the "
    "scheduler and the autoscaler cannot size anything, and without a memory limit one "
    "leak takes the node's other pods with it.",
    remediation="Give every long-running container readiness and liveness probes (and a "
    "startup probe for slow starts), CPU and memory requests, and a memory limit.",
)


def check(graph: KubernetesGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for obj in workloads(graph, *POD_KINDS):
        spec = obj.pod_spec()
        if spec is None:
            continue
        for container in containers(spec):
            missing = []
            if obj.kind in LONG_RUNNING_KINDS and container in (spec.get("containers") or []):
                missing += [p for p in ("readinessProbe", "livenessProbe") if p not in container]
            resources = container.get("resources") or {}
            requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
            missing += [f"requests.{r}" for r in ("cpu", "memory") if r not in requests]
            if "memory" not in limits:
                missing.append("limits.memory")
            if missing:
                yield finding(
                    META,
                    obj,
                    f"{obj.address} container {container.get('name')} has no " + ", ".join(missing),
                )
