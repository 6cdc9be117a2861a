"""IA-TF-005: compute that cannot scale out on its own."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from infra_architect.iac import Resource, TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-005",
    title="Compute with no autoscaling",
    severity=Severity.MEDIUM,
    rationale="A fixed task or node count turns a traffic spike into errors until someone "
    "is paged and scales by hand; the capacity a spike needs must arrive on its own.",
    remediation="Attach a target-tracking policy (aws_appautoscaling_target + policy) to "
    "every ECS service; give node groups and auto scaling groups max_size above min_size "
    "with a cluster autoscaler.",
)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    scaled: set[str] = set()
    for target in graph.of_type("aws_appautoscaling_target"):
        scaled |= graph.references(target.get("resource_id"), target.scope)
    for service in graph.of_type("aws_ecs_service"):
        if service.address not in scaled:
            yield finding(META, service, f"{service.address} has no autoscaling target")
    for group in graph.of_type("aws_eks_node_group"):
        for config in nested(group, "scaling_config"):
            low = _fixed_size(graph, group, config)
            if low is not None:
                yield finding(META, group, f"{group.address} is fixed at {low} nodes")
    for asg in graph.of_type("aws_autoscaling_group"):
        low = _fixed_size(graph, asg, asg.body)
        if low is not None:
            yield finding(META, asg, f"{asg.address} is fixed at {low} instances")


def _fixed_size(
    graph: TerraformGraph, resource: Resource, sizes: Mapping[str, object]
) -> int | None:
    """The size when max_size is statically no greater than min_size, else None."""
    low = graph.value(sizes.get("min_size"), resource.scope)
    high = graph.value(sizes.get("max_size"), resource.scope)
    if isinstance(low, int) and isinstance(high, int) and high <= low:
        return low
    return None
