"""IA-TF-001: a data store in a subnet whose route table reaches an internet gateway."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import DATA_STORES, Resource, TerraformGraph, coexist, nested
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


def _internet_tables(graph: TerraformGraph) -> dict[str, list[list[Resource]]]:
    """Route tables with a route to an internet gateway, each with the resources that
    make it so (the route or the table, and the gateway)."""
    gateways = {r.address: r for r in graph.of_type("aws_internet_gateway")}
    tables: dict[str, list[list[Resource]]] = {}
    for route in graph.of_type("aws_route"):
        for gateway in sorted(graph.references(route.get("gateway_id"), route.scope)):
            if gateway in gateways:
                for address in graph.references(route.get("route_table_id"), route.scope):
                    tables.setdefault(address, []).append([route, gateways[gateway]])
    for table in graph.of_type("aws_route_table"):
        for block in nested(table, "route"):
            for gateway in sorted(graph.references(block.get("gateway_id"), table.scope)):
                if gateway in gateways:
                    tables.setdefault(table.address, []).append([table, gateways[gateway]])
    return tables


def _subnets(graph: TerraformGraph, store_type: str, store: Resource) -> dict[str, list[Resource]]:
    """The store's subnets, each with the subnet group that places the store there."""
    if store_type in ("aws_opensearch_domain", "aws_elasticsearch_domain"):
        found: dict[str, list[Resource]] = {}
        for block in nested(store, "vpc_options"):
            for subnet in graph.references(block.get("subnet_ids"), store.scope):
                found[subnet] = []
        return found
    groups = graph.references(store.get(_SUBNET_GROUPS[store_type]), store.scope)
    subnets: dict[str, list[Resource]] = {}
    for address in sorted(groups):
        group = graph.by_address(address)
        if group is not None:
            for subnet in graph.references(group.get("subnet_ids"), group.scope):
                subnets.setdefault(subnet, [group])
    return subnets


def _routes(graph: TerraformGraph) -> dict[str, list[tuple[str, list[Resource]]]]:
    """Subnets associated with an internet-routed table: (the table, the resources that
    route the subnet there: association, route or table, gateway), tables in order."""
    tables = _internet_tables(graph)
    routed: dict[str, list[tuple[str, list[Resource]]]] = {}
    for association in graph.of_type("aws_route_table_association"):
        hit = graph.references(association.get("route_table_id"), association.scope)
        for table in sorted(hit & tables.keys()):
            for subnet in graph.references(association.get("subnet_id"), association.scope):
                for evidence in tables[table]:
                    routed.setdefault(subnet, []).append((table, [association, *evidence]))
    return routed


def _table(
    graph: TerraformGraph,
    store: Resource,
    subnet: str,
    via: list[Resource],
    routes: list[tuple[str, list[Resource]]],
) -> str | None:
    """The first internet-routed table of ``subnet`` whose route can exist together
    with the store, its subnet group and the subnet (resources switched on by opposite
    answers to one test never do)."""
    placed = [store, *via]
    resource = graph.by_address(subnet)
    if resource is not None:
        placed.append(resource)
    return next((table for table, chain in routes if coexist(*placed, *chain)), None)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    routed = _routes(graph)
    if not routed:
        return
    for store in graph.of_type(*DATA_STORES):
        tables: dict[str, str] = {}
        for subnet, via in sorted(_subnets(graph, store.type, store).items()):
            if subnet in routed:
                table = _table(graph, store, subnet, via, routed[subnet])
                if table is not None:
                    tables[subnet] = table
        exposed = sorted(tables)
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
                f"gateway by {tables[exposed[0]]}{admitted}",
                *exposed,
                tables[exposed[0]],
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
