"""``cost DIR``: the monthly list price of an existing Terraform tree.

The tree is parsed, never executed (the rules' resource graph: local modules expanded,
variables, locals and simple expressions resolved). From the command line it is read
the way a review reads a tree (:class:`TreeFiles`: regular files only, never through a
symlink out of the tree, bounded in size and time), and what could not be read is
listed with the bill: an unread file never passes for a free one. Each resource type the model knows
becomes usage at catalog prices — instances by the hour, storage by the GB — with the
counts and sizes written in the code. What depends on traffic (NAT and load balancer
data, logs, requests, stored objects) is not in the code: it is listed as usage-priced,
with the fixed part only, and said so. A resource whose size is not static, or whose
type the model does not know, is listed as such: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from infra_architect._figures import figure
from infra_architect.catalog import HOURS_PER_MONTH, PriceCatalog
from infra_architect.cost._model import Category, LineItem, Usage
from infra_architect.cost._price import price_line, total
from infra_architect.iac import (
    Budget,
    Resource,
    TerraformGraph,
    Unknown,
    for_each_instances,
    load_terraform,
)

HOURS = float(HOURS_PER_MONTH)
FREE = frozenset(
    {
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_route",
        "aws_route_table_association",
        "aws_internet_gateway",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_network_acl",
        "aws_network_acl_rule",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_instance_profile",
        "aws_iam_openid_connect_provider",
        "aws_iam_policy_document",
        "aws_db_subnet_group",
        "aws_db_parameter_group",
        "aws_elasticache_subnet_group",
        "aws_elasticache_parameter_group",
        "aws_lb_target_group",
        "aws_lb_listener",
        "aws_lb_listener_rule",
        "aws_eip",
        "aws_ecs_cluster",
        "aws_ecs_task_definition",
        "aws_kms_alias",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_logging",
        "aws_s3_bucket_replication_configuration",
        "aws_secretsmanager_secret_version",
        "aws_secretsmanager_secret_rotation",
        "aws_cloudwatch_dashboard",
        "aws_sns_topic",
        "aws_sns_topic_subscription",
        "aws_appautoscaling_target",
        "aws_appautoscaling_policy",
        "aws_autoscaling_policy",
        "aws_launch_template",
        "aws_flow_log",
        "aws_wafv2_web_acl_association",
        "aws_wafv2_web_acl_logging_configuration",
        "aws_ecr_lifecycle_policy",
        "aws_ecr_repository_policy",
        "aws_eks_addon",
        "aws_eks_access_entry",
        "aws_eks_access_policy_association",
        "aws_acm_certificate",
        "aws_acm_certificate_validation",
        "aws_route53_record",
        "aws_db_instance_automated_backups_replication",
        "aws_vpc_endpoint_route_table_association",
        "aws_cloudwatch_log_resource_policy",
        "aws_scheduler_schedule",
        "aws_codedeploy_app",
        "aws_codedeploy_deployment_group",
        "aws_codedeploy_deployment_config",
        "aws_backup_vault",
        "aws_backup_plan",
        "aws_backup_selection",
        "aws_sqs_queue_policy",
        "aws_sqs_queue_redrive_policy",
        "aws_elasticache_user",
        "aws_elasticache_user_group",
        "aws_service_discovery_private_dns_namespace",
        "aws_service_discovery_service",
    }
)
"""Resource types AWS does not bill for (configuration, identity, routing)."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PricedResource(_Out):
    address: str
    file: str
    line: int
    lines: list[LineItem]


class TerraformCost(_Out):
    root: str
    region: str
    priced_region: str
    prices_as_of: str
    resources: list[PricedResource]
    total_monthly_usd: float
    usage_priced: list[str]
    unknown: list[str]
    free: int
    skipped: list[str]


class _Unpriced(Exception):  # noqa: N818  (a control-flow signal, not an error)
    """This resource's size is not static: listed, never guessed."""


@dataclass(frozen=True)
class TreeFiles:
    """The Terraform of a tree as a bounded, safe walk read it (see ``review.walk``)."""

    base: Path
    """The tree's root (resolved): module calls may not leave it."""
    files: Mapping[Path, Sequence[tuple[Path, str]]]
    """Resolved directory → its .tf files (absolute path, text)."""
    unread: Sequence[str]
    """What the walk could not read, as ``path: reason``."""


def price_terraform(
    root: Path,
    prices: PriceCatalog,
    region: str,
    tree: TreeFiles | None = None,
    budget: Budget | None = None,
) -> TerraformCost:
    """The bill of the root module at ``root``: from ``tree``'s files when given (what
    ``cost DIR`` does), else from the disk (trusted trees: tests, generated output)."""
    if tree is None:
        return price_graph(load_terraform(root, budget=budget), prices, region, str(root))
    graph = load_terraform(root, base=tree.base, sources=tree.files, budget=budget)
    cost = price_graph(graph, prices, region, str(root))
    return cost.model_copy(update={"skipped": _unique([*tree.unread, *cost.skipped])})


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def price_graph(
    graph: TerraformGraph, prices: PriceCatalog, region: str, root: str
) -> TerraformCost:
    """The list-price bill of a parsed root module (what review and cost DIR print)."""
    resources: list[PricedResource] = []
    usage_priced: list[str] = []
    unknown: list[str] = []
    free = 0
    for resource in graph.resources:
        if resource.mode != "managed":
            continue
        where = f"{resource.address} ({resource.file}:{resource.line})"
        if resource.type in FREE:
            free += 1
            continue
        handler = HANDLERS.get(resource.type)
        if handler is None:
            unknown.append(f"{where}: {resource.type} is not in the cost model")
            continue
        # a static for_each is priced instance by instance, each with its own each.value
        instances = for_each_instances(graph, resource) or [resource]
        reasons: list[str] = []
        notes: list[str] = []
        for instance in instances:
            priced = _price_instance(graph, instance, handler, prices, region)
            if isinstance(priced, str):
                reasons.append(priced)
                continue
            resource_lines, note = priced
            notes.append(note)
            if resource_lines:
                resources.append(
                    PricedResource(
                        address=instance.address,
                        file=resource.file,
                        line=resource.line,
                        lines=resource_lines,
                    )
                )
        unknown += [f"{where}: {reason}" for reason in _unique(reasons)]
        usage_priced += [f"{where}: {note}" for note in _unique(notes) if note]
    values = [ln.monthly_usd.value for r in resources for ln in r.lines]
    return TerraformCost(
        root=root,
        region=region,
        priced_region=prices.priced_region(region),
        prices_as_of=prices.as_of,
        resources=resources,
        total_monthly_usd=total(values, [f"line_{i}" for i in range(len(values))]).value,
        usage_priced=usage_priced,
        unknown=unknown,
        free=free,
        skipped=_unique([*graph.skipped, *graph.notes()]),
    )


def _price_instance(
    graph: TerraformGraph, resource: Resource, handler: Handler, prices: PriceCatalog, region: str
) -> tuple[list[LineItem], str] | str:
    """The priced lines of one resource (or one for_each instance) and its usage note, or
    why it could not be priced."""
    try:
        copies = _copies(graph, resource)
        usages, usage_note = handler(graph, resource)
    except _Unpriced as reason:
        return str(reason)
    missing = sorted({u.price_key for u in usages} - set(prices.items))
    if missing:
        return f"{', '.join(missing)} not in the price catalog"
    return [price_line(_times(u, copies), prices, region) for u in usages], usage_note


def _copies(graph: TerraformGraph, resource: Resource) -> int:
    if "count" in resource.body:
        count = graph.value(resource.body["count"], resource.scope)
        if not isinstance(count, int) or isinstance(count, bool):
            raise _Unpriced("count is not static")
        return count
    if resource.scope.each is not None:
        return 1  # one instance of a for_each
    if "for_each" in resource.body:
        each = graph.value(resource.body["for_each"], resource.scope)
        if not isinstance(each, dict | list):
            raise _Unpriced("for_each is not static")
        return len(each)
    return 1


def _times(usage: Usage, copies: int) -> Usage:
    if copies == 1:
        return usage
    return usage.model_copy(
        update={
            "quantity": figure(
                usage.quantity.value * copies,
                usage.quantity.unit,
                "{copies} × {each}",
                copies=float(copies),
                each=usage.quantity.value,
            )
        }
    )


def _static(graph: TerraformGraph, resource: Resource, name: str, default: object = None) -> object:
    raw = resource.body.get(name)
    if raw is None:
        if default is None:
            raise _Unpriced(f"{name} is not set")
        return default
    value = graph.value(raw, resource.scope)
    if value is None or isinstance(value, Unknown):
        raise _Unpriced(f"{name} is not static ({raw})")
    return value


def _block(resource: Resource, name: str) -> dict[str, object]:
    found = resource.body.get(name)
    if isinstance(found, list) and found and isinstance(found[0], dict):
        return found[0]
    return {}


def _hourly(component: str, category: Category, key: str, count: float) -> Usage:
    return Usage(
        component=component,
        category=category,
        price_key=key,
        quantity=figure(
            count * HOURS, "hours/month", "{count} × {hours}", count=count, hours=HOURS
        ),
        commitment="steady",
        traffic_scaled=False,
    )


def _monthly(component: str, category: Category, key: str, quantity: float, unit: str) -> Usage:
    return Usage(
        component=component,
        category=category,
        price_key=key,
        quantity=figure(quantity, unit, "{quantity}", quantity=quantity),
        commitment="usage",
        traffic_scaled=False,
    )


def _key(prefix: str, size: str, suffix: str = "_hour") -> str:
    return prefix + size.replace(".", "_").replace("-", "_") + suffix


Handler = Callable[[TerraformGraph, Resource], tuple[list[Usage], str]]


def _instance(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    size = str(_static(graph, r, "instance_type"))
    out = [_hourly(f"EC2 {size}", "compute", _key("ec2_", size), 1)]
    root = _block(r, "root_block_device")
    gb = graph.value(root.get("volume_size", 8), r.scope)
    kind = graph.value(root.get("volume_type", "gp3"), r.scope)
    if isinstance(gb, int | float) and kind in ("gp2", "gp3"):
        out.append(
            _monthly(
                f"root volume ({kind})", "storage", f"ebs_{kind}_gb_month", float(gb), "GB-month"
            )
        )
    return out, ""


def _db_instance(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    size = str(_static(graph, r, "instance_class"))
    multi = graph.value(r.body.get("multi_az", False), r.scope) is True
    copies = 2.0 if multi else 1.0
    label = f"RDS {size}{' Multi-AZ' if multi else ''}"
    out = [_hourly(label, "database", _key("rds_", size), copies)]
    gb = _static(graph, r, "allocated_storage")
    kind = graph.value(r.body.get("storage_type", "gp3"), r.scope)
    if not isinstance(gb, int | float):
        raise _Unpriced("allocated_storage is not a number")
    if kind != "gp3":
        raise _Unpriced(f"storage_type {kind} is not in the price catalog")
    out.append(
        _monthly(
            "RDS storage (gp3)", "database", "rds_gp3_gb_month", float(gb) * copies, "GB-month"
        )
    )
    return out, ""


def _replication_group(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    size = str(_static(graph, r, "node_type"))
    if "num_cache_clusters" in r.body:
        nodes = _static(graph, r, "num_cache_clusters")
    else:
        groups = graph.value(r.body.get("num_node_groups", 1), r.scope)
        replicas = graph.value(r.body.get("replicas_per_node_group", 0), r.scope)
        if not isinstance(groups, int) or not isinstance(replicas, int):
            raise _Unpriced("node groups or replicas are not static")
        nodes = groups * (replicas + 1)
    if not isinstance(nodes, int):
        raise _Unpriced("the node count is not static")
    return [
        _hourly(f"ElastiCache {size} × {nodes}", "cache", _key("elasticache_", size), nodes)
    ], ""


def _cache_cluster(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    size = str(_static(graph, r, "node_type"))
    nodes = _static(graph, r, "num_cache_nodes", 1)
    if not isinstance(nodes, int):
        raise _Unpriced("num_cache_nodes is not static")
    return [
        _hourly(f"ElastiCache {size} × {nodes}", "cache", _key("elasticache_", size), nodes)
    ], ""


def _opensearch(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    config = _block(r, "cluster_config")
    size = graph.value(config.get("instance_type", "m6g.large.search"), r.scope)
    count = graph.value(config.get("instance_count", 1), r.scope)
    if not isinstance(size, str) or not isinstance(count, int):
        raise _Unpriced("cluster_config is not static")
    key = "opensearch_" + size.removesuffix(".search").replace(".", "_") + "_hour"
    out = [_hourly(f"OpenSearch {size} × {count}", "search", key, count)]
    ebs = _block(r, "ebs_options")
    gb = graph.value(ebs.get("volume_size", 10), r.scope)
    if isinstance(gb, int | float):
        out.append(
            _monthly(
                "OpenSearch storage (gp3)",
                "search",
                "opensearch_gp3_gb_month",
                float(gb) * count,
                "GB-month",
            )
        )
    return out, ""


def _node_group(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    scaling = _block(r, "scaling_config")
    desired = graph.value(scaling.get("desired_size", scaling.get("min_size")), r.scope)
    types = graph.value(r.body.get("instance_types", ["t3.medium"]), r.scope)
    if not isinstance(desired, int) or not isinstance(types, list) or not isinstance(types[0], str):
        raise _Unpriced("scaling_config or instance_types is not static")
    capacity = graph.value(r.body.get("capacity_type", "ON_DEMAND"), r.scope)
    note = "priced at on-demand; Spot varies by the hour" if capacity == "SPOT" else ""
    return [
        _hourly(f"EKS nodes {types[0]} × {desired}", "compute", _key("ec2_", types[0]), desired)
    ], note


def _load_balancer(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    kind = graph.value(r.body.get("load_balancer_type", "application"), r.scope)
    key = {"application": "alb_hour", "network": "nlb_hour"}.get(str(kind))
    if key is None:
        raise _Unpriced(f"load_balancer_type {kind} is not in the price catalog")
    return [
        _hourly(f"{kind} load balancer", "network", key, 1)
    ], "capacity units (LCU) depend on traffic: not priced"


def _interface_endpoint(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    kind = graph.value(r.body.get("vpc_endpoint_type", "Gateway"), r.scope)
    if kind != "Interface":
        return [], ""
    subnets = graph.value(r.body.get("subnet_ids", []), r.scope)
    if not isinstance(subnets, list):
        raise _Unpriced("subnet_ids is not static")
    return [
        _hourly(
            "interface endpoint", "network", "vpc_interface_endpoint_hour", max(1, len(subnets))
        )
    ], "data processed depends on traffic: not priced"


def _ebs_volume(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    gb = _static(graph, r, "size")
    kind = graph.value(r.body.get("type", "gp2"), r.scope)
    if not isinstance(gb, int | float) or kind not in ("gp2", "gp3"):
        raise _Unpriced("size or type is not static, or the type is not in the catalog")
    return [_monthly(f"EBS {kind}", "storage", f"ebs_{kind}_gb_month", float(gb), "GB-month")], ""


def _fixed(component: str, category: Category, key: str, note: str = "") -> Handler:
    def handler(_graph: TerraformGraph, _r: Resource) -> tuple[list[Usage], str]:
        unit = "hours/month" if key.endswith("_hour") else "per month"
        usage = (
            _hourly(component, category, key, 1)
            if key.endswith("_hour")
            else _monthly(component, category, key, 1.0, unit)
        )
        return [usage], note

    return handler


def _usage_only(note: str) -> Handler:
    def handler(_graph: TerraformGraph, _r: Resource) -> tuple[list[Usage], str]:
        return [], note

    return handler


def _kinesis(graph: TerraformGraph, r: Resource) -> tuple[list[Usage], str]:
    shards = _static(graph, r, "shard_count", 1)
    if not isinstance(shards, int):
        raise _Unpriced("shard_count is not static")
    return [
        _hourly("Kinesis shards", "messaging", "kinesis_shard_hour", shards)
    ], "PUT payload units depend on traffic: not priced"


HANDLERS: dict[str, Handler] = {
    "aws_instance": _instance,
    "aws_db_instance": _db_instance,
    "aws_elasticache_replication_group": _replication_group,
    "aws_elasticache_cluster": _cache_cluster,
    "aws_opensearch_domain": _opensearch,
    "aws_eks_node_group": _node_group,
    "aws_lb": _load_balancer,
    "aws_alb": _load_balancer,
    "aws_vpc_endpoint": _interface_endpoint,
    "aws_ebs_volume": _ebs_volume,
    "aws_kinesis_stream": _kinesis,
    "aws_eks_cluster": _fixed("EKS control plane", "control-plane", "eks_cluster_hour"),
    "aws_nat_gateway": _fixed(
        "NAT gateway",
        "network",
        "nat_gateway_hour",
        "data processed ($/GB) depends on traffic: not priced",
    ),
    "aws_kms_key": _fixed(
        "KMS key", "security", "kms_key_month", "requests depend on traffic: not priced"
    ),
    "aws_secretsmanager_secret": _fixed("secret", "security", "secrets_manager_secret_month"),
    "aws_wafv2_web_acl": _fixed(
        "WAF web ACL",
        "security",
        "waf_web_acl_month",
        "rules ($1 each) and requests depend on the ACL's rules and traffic: not priced",
    ),
    "aws_cloudwatch_metric_alarm": _fixed("alarm", "observability", "cloudwatch_alarm_month"),
    "aws_route53_zone": _fixed("hosted zone", "network", "route53_hosted_zone_month"),
    "aws_route53_health_check": _fixed("health check", "network", "route53_health_check_month"),
    "aws_cloudwatch_log_group": _usage_only(
        "ingestion and storage depend on log volume: not priced"
    ),
    "aws_s3_bucket": _usage_only("storage and requests depend on the objects: not priced"),
    "aws_sqs_queue": _usage_only("billed per request: not priced"),
    "aws_dynamodb_table": _usage_only(
        "on-demand requests and storage depend on traffic: not priced"
    ),
    "aws_ecr_repository": _usage_only("image storage depends on the images pushed: not priced"),
    "aws_ecs_service": _usage_only(
        "Fargate tasks: desired count × the task definition's size; see the task definition"
    ),
    "aws_lambda_function": _usage_only("invocations and duration depend on traffic: not priced"),
}
