"""Questions about Terraform resources that every reader of a configuration asks."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from infra_architect.iac._tf_graph import Resource, Scope, TerraformGraph, blocks

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


_CHOICE = re.compile(r"^\$\{(?P<test>.+)\?\s*(?P<yes>\d+)\s*:\s*(?P<no>\d+)\s*\}$", re.DOTALL)
_NEGATED = re.compile(r"^!\s*(?P<test>[\w.\[\]\"-]+)$")
Condition = tuple[int, str, bool]
"""(the scope a test is evaluated in, by identity; the test's text; whether the block
exists when the test is true)."""


def _condition(raw: object, scope: Scope) -> Condition | None:
    """The test a ``count = test ? n : 0`` (or ``test ? 0 : n``) switches on; ``!test``
    is ``test`` with the other answer. None for any other count."""
    match = _CHOICE.match(raw) if isinstance(raw, str) else None
    if match is None or (match["yes"] == "0") == (match["no"] == "0"):
        return None
    test, exists_when = match["test"].strip(), match["no"] == "0"
    while _enclosed(test):
        test = test[1:-1].strip()
    negated = _NEGATED.match(test)
    if negated is not None:
        test, exists_when = negated["test"], not exists_when
    return id(scope), test, exists_when


def _enclosed(text: str) -> bool:
    """Whether one pair of parentheses encloses all of ``text`` (``(a)``, not ``(a) && (b)``)."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for position, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and position < len(text) - 1:
            return False
    return True


def conditions(resource: Resource) -> set[Condition]:
    """The tests a resource exists on: its own count's and those of the module calls
    it is in (each in its caller's scope)."""
    found: set[Condition] = set()
    own = _condition(resource.body.get("count"), resource.scope)
    if own is not None:
        found.add(own)
    scope = resource.scope
    while scope.caller is not None:
        call = _condition(scope.arguments.get("count"), scope.caller)
        if call is not None:
            found.add(call)
        scope = scope.caller
    return found


def coexist(*resources: Resource) -> bool:
    """Whether the resources can all exist at once: False when two of them switch on
    one test (the same text in the same module instance) with opposite answers, the
    classic ``create ? 1 : 0`` / ``create ? 0 : 1`` pair, whatever the test's value."""
    switched = [conditions(r) for r in resources]
    for one, other in itertools.combinations(switched, 2):
        if any((where, test, not when) in other for where, test, when in one):
            return False
    return True
