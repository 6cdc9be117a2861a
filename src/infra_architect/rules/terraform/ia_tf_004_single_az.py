"""IA-TF-004: single-AZ or single-node data stores when the SLO needs more."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph, is_read_replica, nested, value
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-004",
    title="Single-AZ or single-node data store under a high SLO",
    severity=Severity.HIGH,
    rationale="One AZ or one node is a single point of failure: an instance or AZ failure "
    "takes the store down for the length of a restore (tens of minutes), which alone "
    "exceeds the monthly error budget of a 99.9% SLO (43 min).",
    remediation="Multi-AZ for relational databases, at least two nodes with automatic "
    "failover for caches, zone awareness and two or more nodes for search domains.",
)

MIN_SLO = 99.5


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    if context.slo is None or context.slo < MIN_SLO:
        return
    slo = f"{context.slo:g}%"
    for db in graph.of_type("aws_db_instance"):
        if not is_read_replica(graph, db) and value(graph, db, "multi_az", default=False) is False:
            yield finding(META, db, f"{db.address} is single-AZ under a {slo} SLO")
    for group in graph.of_type("aws_elasticache_replication_group"):
        nodes = value(graph, group, "num_cache_clusters")
        failover = value(graph, group, "automatic_failover_enabled", default=False)
        if (isinstance(nodes, int) and nodes < 2) or failover is False:
            yield finding(
                META,
                group,
                f"{group.address} has no automatic failover to a replica under a {slo} SLO",
            )
    for cluster in graph.of_type("aws_elasticache_cluster"):
        if value(graph, cluster, "num_cache_nodes") == 1:
            yield finding(
                META, cluster, f"{cluster.address} is a single cache node under a {slo} SLO"
            )
    for domain in graph.of_type("aws_opensearch_domain", "aws_elasticsearch_domain"):
        for config in nested(domain, "cluster_config"):
            count = graph.value(config.get("instance_count", 1), domain.scope)
            zoned = graph.value(config.get("zone_awareness_enabled", False), domain.scope)
            if (isinstance(count, int) and count < 2) or zoned is False:
                yield finding(
                    META, domain, f"{domain.address} is not spread across AZs under a {slo} SLO"
                )
