"""Questions about Terraform resources that every reader of a configuration asks."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac._tf_graph import Resource, TerraformGraph, blocks

DATA_STORES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_memorydb_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_redshift_cluster",
)


ENTRY_POINTS = (
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_api_gateway_rest_api",
    "aws_apigatewayv2_api",
    "aws_cloudfront_distribution",
)
"""Where users' requests enter: load balancers, API gateways, CDN distributions."""


def value(graph: TerraformGraph, resource: Resource, key: str, default: object = None) -> object:
    if key not in resource.body:
        return default
    return graph.value(resource.body[key], resource.scope)


def nested(resource: Resource, name: str) -> Iterator[dict[str, object]]:
    """Blocks ``name`` of a resource, literal or the content of a ``dynamic`` block."""
    yield from blocks(resource.body, name)
    for dynamic in blocks(resource.body, "dynamic"):
        body = dynamic.get(name)
        if isinstance(body, dict):
            yield from blocks(body, "content")


def is_read_replica(graph: TerraformGraph, resource: Resource) -> bool:
    return value(graph, resource, "replicate_source_db") is not None
