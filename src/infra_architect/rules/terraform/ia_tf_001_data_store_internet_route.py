"""IA-TF-001: a data store in a subnet whose route table reaches an internet gateway."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import DATA_STORES, Resource, TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-001",
    title="Data store in a subnet routed to an internet gateway",
    severity=Severity.CRITICAL,
    rationale="A database or cache in a public subnet is one security-group or "
    "publicly_accessible change away from the internet; `publicly_accessible = false` "
    "does not remove the route. Scanners check the flag, not the routing.",
    remediation="Put data stores in data subnets whose route table has only the local "
    "route (and gateway endpoints): no 0.0.0.0/0 to an internet gateway.",
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Scenario2.html",),
)

_SUBNET_GROUPS = {
    "aws_db_instance": "db_subnet_group_name",
    "aws_rds_cluster": "db_subnet_group_name",
    "aws_elasticache_replication_group": "subnet_group_name",
    "aws_elasticache_cluster": "subnet_group_name",
    "aws_memorydb_cluster": "subnet_group_name",
    "aws_redshift_cluster": "cluster_subnet_group_name",
}
_DEFAULT = ("0.0.0.0/0", "::/0")


def _internet_tables(graph: TerraformGraph) -> set[str]:
    gateways = {r.address for r in graph.of_type("aws_internet_gateway")}
    tables: set[str] = set()
    for route in graph.of_type("aws_route"):
        target = graph.references(route.get("gateway_id"), route.scope)
        if target & gateways:
            tables |= graph.references(route.get("route_table_id"), route.scope)
    for table in graph.of_type("aws_route_table"):
        for block in nested(table, "route"):
            if graph.references(block.get("gateway_id"), table.scope) & gateways:
                tables.add(table.address)
    return tables


def _subnets(graph: TerraformGraph, store_type: str, store: Resource) -> set[str]:
    if store_type in ("aws_opensearch_domain", "aws_elasticsearch_domain"):
        found: set[str] = set()
        for block in nested(store, "vpc_options"):
            found |= graph.references(block.get("subnet_ids"), store.scope)
        return found
    groups = graph.references(store.get(_SUBNET_GROUPS[store_type]), store.scope)
    subnets: set[str] = set()
    for address in groups:
        group = graph.by_address(address)
        if group is not None:
            subnets |= graph.references(group.get("subnet_ids"), group.scope)
    return subnets


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    tables = _internet_tables(graph)
    if not tables:
        return
    routed: dict[str, str] = {}
    for association in graph.of_type("aws_route_table_association"):
        hit = graph.references(association.get("route_table_id"), association.scope) & tables
        if hit:
            for subnet in graph.references(association.get("subnet_id"), association.scope):
                routed[subnet] = sorted(hit)[0]
    for store in graph.of_type(*DATA_STORES):
        exposed = sorted(s for s in _subnets(graph, store.type, store) if s in routed)
        if exposed:
            open_groups = _open_groups(graph, store)
            admitted = (
                f"; and {', '.join(open_groups)} admits 0.0.0.0/0: one "
                "publicly_accessible flag from the internet"
                if open_groups
                else ""
            )
            yield finding(
                META,
                store,
                f"{store.address} is placed in {', '.join(exposed)}, routed to an internet "
                f"gateway by {routed[exposed[0]]}{admitted}",
                *exposed,
                routed[exposed[0]],
                *open_groups,
            )


_GROUP_KEYS = ("vpc_security_group_ids", "security_group_ids")


def _open_groups(graph: TerraformGraph, store: Resource) -> list[str]:
    """The store's security groups with an ingress rule from anywhere (static CIDRs)."""
    groups: set[str] = set()
    for key in _GROUP_KEYS:
        groups |= graph.references(store.get(key), store.scope)
    open_: list[str] = []
    for address in sorted(groups):
        group = graph.by_address(address)
        if group is None:
            continue
        for rule in nested(group, "ingress"):
            cidrs = graph.value(rule.get("cidr_blocks", []), group.scope)
            if isinstance(cidrs, list) and any(c in _DEFAULT for c in cidrs):
                open_.append(address)
                break
    for extra in graph.of_type("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
        target = graph.references(extra.get("security_group_id"), extra.scope) & groups
        kind = graph.value(extra.get("type", "ingress"), extra.scope)
        cidrs = graph.value(extra.get("cidr_blocks", extra.get("cidr_ipv4", [])), extra.scope)
        listed = cidrs if isinstance(cidrs, list) else [cidrs]
        if target and kind == "ingress" and any(c in _DEFAULT for c in listed):
            open_ += sorted(target - set(open_))
    return open_
