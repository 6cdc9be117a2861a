"""IA-K8S-005: containers that may run privileged, as root, or escalate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra_architect.iac import KubernetesGraph, containers
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes._helpers import finding

META = RuleMeta(
    id="IA-K8S-005",
    title="Privileged or root container",
    severity=Severity.HIGH,
    rationale="A privileged or root container with privilege escalation turns an "
    "application bug into a node compromise: host devices, other pods' volumes and the "
    "node's credentials are one step away.",
    remediation="Set runAsNonRoot: true with a non-zero runAsUser, "
    "allowPrivilegeEscalation: false, privileged: false, drop ALL capabilities and use the "
    "RuntimeDefault seccomp profile (the restricted Pod Security Standard).",
)


def _problems(pod: dict[str, Any], container: dict[str, Any]) -> list[str]:
    pod_context = pod.get("securityContext") or {}
    context = container.get("securityContext") or {}

    def setting(name: str) -> object:
        return context.get(name, pod_context.get(name))

    problems = []
    if context.get("privileged") is True:
        problems.append("privileged")
    if setting("runAsUser") == 0:
        problems.append("runAsUser 0")
    if setting("runAsNonRoot") is not True:
        problems.append("runAsNonRoot not true")
    if context.get("allowPrivilegeEscalation") is not False:
        problems.append("allowPrivilegeEscalation not false")
    if pod.get("hostPID") or pod.get("hostNetwork") or pod.get("hostIPC"):
        problems.append("shares the host's namespaces")
    return problems


def check(graph: KubernetesGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for obj in graph.objects:
        spec = obj.pod_spec()
        for container in containers(spec) if spec else []:
            problems = _problems(spec or {}, container)
            if problems:
                yield finding(
                    META,
                    obj,
                    f"{obj.address} container {container.get('name')}: " + ", ".join(problems),
                )
