"""IA-TF-007: an ECS service whose failed deployments do not roll back on their own."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import Resource, TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-007",
    title="ECS service without automated rollback",
    severity=Severity.HIGH,
    rationale="A bad deployment then keeps serving errors, or keeps replacing tasks, until "
    "a human notices and redeploys the previous version: minutes to hours of budget.",
    remediation="Rolling deployments: deployment_circuit_breaker { enable = true, rollback "
    "= true } (and alarms with rollback). CODE_DEPLOY: a deployment group with "
    "auto_rollback_configuration enabled on DEPLOYMENT_FAILURE.",
)


def _circuit_breaker(graph: TerraformGraph, service: Resource) -> bool:
    return any(
        graph.value(b.get("rollback"), service.scope) is True
        and graph.value(b.get("enable"), service.scope) is True
        for b in nested(service, "deployment_circuit_breaker")
    )


def _codedeploy_rollback(graph: TerraformGraph) -> set[str]:
    covered: set[str] = set()
    for group in graph.of_type("aws_codedeploy_deployment_group"):
        rolls_back = any(
            graph.value(b.get("enabled"), group.scope) is True
            for b in nested(group, "auto_rollback_configuration")
        )
        if rolls_back:
            for block in nested(group, "ecs_service"):
                covered |= graph.references(block.get("service_name"), group.scope)
    return covered


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    codedeploy = _codedeploy_rollback(graph)
    for service in graph.of_type("aws_ecs_service"):
        if _circuit_breaker(graph, service) or service.address in codedeploy:
            continue
        yield finding(
            META,
            service,
            f"{service.address} has no circuit breaker rollback and no "
            "CodeDeploy group that rolls it back",
        )
