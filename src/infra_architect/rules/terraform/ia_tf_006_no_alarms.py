"""IA-TF-006: infrastructure with no alarm at all."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import DATA_STORES, TerraformGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-006",
    title="No monitoring alarms",
    severity=Severity.MEDIUM,
    rationale="Without alarms the first signal of an outage is a customer; the error "
    "budget burns unseen.",
    remediation="Add alarms on the user-facing symptom (error ratio burn rate at the load "
    "balancer) that page, and on causes (database CPU and storage, queue age) that ticket, "
    "all notifying an SNS topic.",
)

_WORKLOADS = (
    "aws_ecs_service",
    "aws_eks_cluster",
    "aws_lambda_function",
    "aws_autoscaling_group",
    "aws_instance",
    *DATA_STORES,
)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    alarms = list(graph.of_type("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"))
    workloads = sorted(graph.of_type(*_WORKLOADS), key=lambda r: (r.file, r.line))
    if workloads and not alarms:
        first = workloads[0]
        yield finding(
            META,
            first,
            f"{len(workloads)} workloads and data stores, and no CloudWatch alarm",
            *(w.address for w in workloads[1:]),
        )
