"""IA-TF-011: a replicated service whose replicas all land in one AZ."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import Resource, TerraformGraph, Unknown, value
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-011",
    title="Replicas all in one availability zone",
    severity=Severity.HIGH,
    rationale="Replicas protect against an instance failing, not against their zone "
    "failing: when every replica sits in one AZ (one subnet, or subnets of one zone), an "
    "AZ outage takes the whole service down however many replicas it has.",
    remediation="Spread the group over subnets in at least two AZs (vpc_zone_identifier, "
    "subnet_ids, the service's network_configuration), or give instances different "
    "subnets per count.index.",
)

# Resource type → the attribute naming where its replicas run, and the least count at
# which it is "replicated".
_GROUPS = {
    "aws_autoscaling_group": ("vpc_zone_identifier", "min_size"),
    "aws_eks_node_group": ("subnet_ids", None),
    "aws_ecs_service": ("network_configuration.subnets", "desired_count"),
}


def _zones(graph: TerraformGraph, subnets: set[str]) -> set[str] | None:
    """The AZs of the referenced subnets, when every one is statically known."""
    zones: set[str] = set()
    for address in subnets:
        subnet = graph.by_address(address)
        if subnet is None or subnet.type != "aws_subnet":
            return None
        if "count" in subnet.body or "for_each" in subnet.body:
            return None  # one address stands for several subnets
        zone = value(graph, subnet, "availability_zone")
        if not isinstance(zone, str):
            zone = value(graph, subnet, "availability_zone_id")
        if not isinstance(zone, str):
            return None
        zones.add(zone)
    return zones or None


def _subnet_refs(graph: TerraformGraph, resource: Resource, path: str) -> set[str] | None:
    head, _, tail = path.partition(".")
    raw = resource.body.get(head)
    if tail:
        blocks = raw if isinstance(raw, list) else [raw]
        raw = [b.get(tail) for b in blocks if isinstance(b, dict)]
    if raw is None:
        return None
    return {r for r in graph.references(raw, resource.scope) if ".aws_subnet." in f".{r}"}


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for rtype, (path, count_key) in _GROUPS.items():
        for group in graph.of_type(rtype):
            if count_key is not None:
                count = value(graph, group, count_key, default=1)
                if isinstance(count, Unknown) or (isinstance(count, int) and count < 2):
                    continue
            subnets = _subnet_refs(graph, group, path)
            if not subnets:
                continue
            zones = _zones(graph, subnets)
            if zones is not None and len(zones) == 1:
                yield finding(
                    META,
                    group,
                    f"{group.address} runs all its replicas in {next(iter(zones))} "
                    f"({', '.join(sorted(subnets))})",
                    *sorted(subnets),
                )
    yield from _instances(graph)


def _instances(graph: TerraformGraph) -> Iterator[Finding]:
    for instance in graph.of_type("aws_instance"):
        count = value(graph, instance, "count", default=1)
        if not isinstance(count, int) or count < 2:
            continue
        raw = instance.body.get("subnet_id")
        if isinstance(raw, str) and "count.index" in raw:
            continue
        zone = value(graph, instance, "availability_zone")
        subnets = {r for r in graph.references(raw, instance.scope) if ".aws_subnet." in f".{r}"}
        zones = _zones(graph, subnets) if subnets else ({zone} if isinstance(zone, str) else None)
        if zones is not None and len(zones) == 1:
            yield finding(
                META,
                instance,
                f"{instance.address}: {count} instances, all in {next(iter(zones))}",
                *sorted(subnets),
            )
