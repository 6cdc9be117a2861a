"""A first-order monthly estimate of the chosen design, to check it against the budget.

On-demand list prices (us-east-1) at the steady-state minimum of every component; the
full cost model (regional prices, commitments, usage curves) refines it.
"""

from __future__ import annotations

from collections.abc import Callable

from infra_architect.catalog import Catalog
from infra_architect.engine._design_model import (
    ComputeDesign,
    CostEstimate,
    DataDesign,
    NetworkDesign,
    SecurityDesign,
)
from infra_architect.engine._figures import figure
from infra_architect.engine._model import Constraints, CostLine
from infra_architect.spec import Requirements

Hourly = Callable[[str, float, str, str], CostLine]
"""Prices ``count`` units of an hourly price key for a month: (component, count, key, note)."""

SECONDS_PER_MONTH = 2_628_000
MANAGED_RULE_GROUPS = 4
WARM_STANDBY_COMPUTE_SHARE = 0.5

LEVERS = {
    "compute": "Compute Savings Plans (1 year, about 30% off); Graviton (about 20% cheaper); "
    "measure cpu_ms_per_request and rightsize; Spot for workers",
    "database": "Reserved Instances after 3 months of stable sizing (about 35% off); "
    "rightsize the class from measured CPU; Aurora I/O-Optimized only if I/O dominates",
    "logs": "drop debug and health-check logs at the source, sample access logs, "
    "Infrequent Access log class for audit logs (half the ingest price)",
    "network": "VPC gateway endpoints for S3/DynamoDB (free) take API traffic off NAT",
    "other": "review usage monthly against this estimate",
}


def estimate_cost(  # noqa: PLR0917  (one argument per design part)
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    security: SecurityDesign,
) -> CostEstimate:
    prices = catalog.prices
    hours = prices.hours_per_month

    def hourly(component: str, count: float, key: str, note: str) -> CostLine:
        usd = prices.usd(key)
        return CostLine(
            component=component,
            monthly_usd=figure(
                count * usd * hours,
                "USD/month",
                "{count} × {usd_per_hour} × {hours}",
                count=count,
                usd_per_hour=usd,
                hours=hours,
            ),
            note=note,
        )

    def flat(component: str, count: float, key: str, note: str) -> CostLine:
        usd = prices.usd(key)
        return CostLine(
            component=component,
            monthly_usd=figure(
                count * usd, "USD/month", "{count} × {usd_each}", count=count, usd_each=usd
            ),
            note=note,
        )

    lines: list[CostLine] = []
    pool = compute.node_pool
    if pool is not None:
        lines.append(hourly("EKS control plane", 1.0, "eks_cluster_hour", "one cluster"))
        node_type = next(n for n in catalog.design.node_types if n.name == pool.instance_type)
        lines.append(
            hourly(
                f"EKS nodes ({pool.instance_type})",
                pool.min_nodes.value,
                node_type.price_key,
                f"{pool.min_nodes.whole} nodes at minimum, up to {pool.max_nodes.whole} at spike",
            )
        )
    else:
        floor_compute = next(
            line for line in constraints.cost_floor.lines if line.component.startswith("Compute")
        )
        lines.append(
            CostLine(
                component="ECS on Fargate (minimum replicas)",
                monthly_usd=floor_compute.monthly_usd,
                note="tasks at minimum replicas; the spike is billed per second on top",
            )
        )
    if network.load_balancer == "alb":
        lines.append(hourly("Application Load Balancer", 1.0, "alb_hour", "hourly charge"))
        lcus = constraints.traffic.average_rps.value / catalog.design.requests_per_lcu_second
        lines.append(
            hourly(
                "ALB capacity units",
                lcus,
                "alb_lcu_hour",
                f"{lcus:.1f} LCU at the average rate (new connections dominate)",
            )
        )
    lines.append(
        hourly(
            "NAT gateways",
            float(network.nat_gateways),
            "nat_gateway_hour",
            f"{network.nat_decision.selected}; data processing extra",
        )
    )
    if network.waf:
        requests = constraints.traffic.average_rps.value * SECONDS_PER_MONTH / 1e6
        waf = (
            prices.usd("waf_web_acl_month")
            + MANAGED_RULE_GROUPS * prices.usd("waf_rule_month")
            + requests * prices.usd("waf_million_requests")
        )
        lines.append(
            CostLine(
                component="AWS WAF",
                monthly_usd=figure(
                    waf,
                    "USD/month",
                    "{acl} + {rule_groups} × {per_rule} + {million_requests} × {per_million}",
                    acl=prices.usd("waf_web_acl_month"),
                    rule_groups=float(MANAGED_RULE_GROUPS),
                    per_rule=prices.usd("waf_rule_month"),
                    million_requests=requests,
                    per_million=prices.usd("waf_million_requests"),
                ),
                note="web ACL, 4 managed rule groups, requests inspected",
            )
        )
    if network.interface_endpoints:
        azs = constraints.topology.availability_zones.whole
        lines.append(
            hourly(
                "VPC interface endpoints",
                float(len(network.interface_endpoints) * azs),
                "vpc_interface_endpoint_hour",
                f"{len(network.interface_endpoints)} endpoints × {azs} AZs",
            )
        )
    data_lines = _data_lines(data, hourly, prices.usd("rds_gp3_gb_month"), constraints)
    lines.extend(data_lines)
    lines.extend(
        line
        for line in constraints.cost_floor.lines
        if any(line.component.startswith(q.name + " (") for q in data.queues)
    )
    gb = (
        constraints.traffic.average_rps.value
        * catalog.design.log_bytes_per_request
        * SECONDS_PER_MONTH
        / 1e9
    )
    lines.append(
        CostLine(
            component="CloudWatch Logs ingestion",
            monthly_usd=figure(
                gb * prices.usd("cloudwatch_logs_ingest_gb"),
                "USD/month",
                "{gb_per_month} × {usd_per_gb}",
                gb_per_month=gb,
                usd_per_gb=prices.usd("cloudwatch_logs_ingest_gb"),
            ),
            note=f"{catalog.design.log_bytes_per_request:g} bytes of logs per request "
            "(assumed; measure it)",
        )
    )
    lines.append(
        flat(
            "Secrets Manager",
            float(len(security.secrets)),
            "secrets_manager_secret_month",
            f"{len(security.secrets)} secrets",
        )
    )
    lines.append(flat("KMS keys", 1.0, "kms_key_month", "one customer-managed key"))
    region = _second_region(constraints, lines, data_lines)
    if region is not None:
        lines.append(region)
    values = {f"line_{i + 1}": line.monthly_usd.value for i, line in enumerate(lines)}
    total = figure(
        sum(values.values()),
        "USD/month",
        " + ".join("{%s}" % key for key in values),  # noqa: UP031  (braces are the template)
        **values,
    )
    largest = max(lines, key=lambda line: (line.monthly_usd.value, line.component))
    budget = req.budget.monthly_usd if req.budget else None
    return CostEstimate(
        lines=lines,
        total_monthly_usd=total,
        budget_monthly_usd=budget,
        within_budget=None if budget is None else total.value <= budget,
        largest=largest,
        levers=_levers(largest.component),
        prices_as_of=prices.as_of,
        note=" ".join((__doc__ or "").split("\n\n")[1].split()),
    )


def _data_lines(
    data: DataDesign, hourly: Hourly, gp3: float, constraints: Constraints
) -> list[CostLine]:
    out: list[CostLine] = []
    for store in data.stores:
        if store.price_key is not None:
            count = float(store.nodes + store.read_replicas)
            if store.engine in ("redis", "opensearch"):
                count = float(store.nodes)
            out.append(
                hourly(
                    f"{store.name} ({store.instance_class})",
                    count,
                    store.price_key,
                    f"{store.nodes} node(s)"
                    + (f" + {store.read_replicas} read replica" if store.read_replicas else "")
                    if store.engine in ("postgres", "mysql")
                    else f"{store.nodes} node(s)",
                )
            )
        if store.engine in ("postgres", "mysql"):
            copies = float(store.nodes + store.read_replicas)
            out.append(
                CostLine(
                    component=f"{store.name} storage",
                    monthly_usd=figure(
                        store.storage_gb * copies * gp3,
                        "USD/month",
                        "{gb} × {copies} × {usd_per_gb}",
                        gb=store.storage_gb,
                        copies=copies,
                        usd_per_gb=gp3,
                    ),
                    note="gp3",
                )
            )
    out.extend(
        line
        for line in constraints.cost_floor.lines
        if any(line.component.startswith(f"{s.name} (") for s in data.stores)
        and ("s3" in line.component or "dynamodb" in line.component)
    )
    return out


def _second_region(
    constraints: Constraints, lines: list[CostLine], data_lines: list[CostLine]
) -> CostLine | None:
    strategy = constraints.recovery.strategy
    first = sum(line.monthly_usd.value for line in lines)
    data_total = sum(line.monthly_usd.value for line in data_lines)
    if constraints.topology.regions > 1 and constraints.topology.multi_region == "active-active":
        return CostLine(
            component="Second region (active-active)",
            monthly_usd=figure(first, "USD/month", "{first_region}", first_region=first),
            note="a full copy serving traffic",
        )
    if constraints.topology.regions > 1 or strategy == "warm-standby":
        value = data_total + WARM_STANDBY_COMPUTE_SHARE * (first - data_total)
        return CostLine(
            component="Second region (warm standby)",
            monthly_usd=figure(
                value,
                "USD/month",
                "{data} + {share} × ({first_region} - {data})",
                data=data_total,
                share=WARM_STANDBY_COMPUTE_SHARE,
                first_region=first,
            ),
            note="replicated data plus a scaled-down copy of the rest",
        )
    if constraints.recovery.needs_second_region:
        return CostLine(
            component="Second region (pilot light)",
            monthly_usd=figure(data_total, "USD/month", "{data}", data=data_total),
            note="data stores replicated; compute started on disaster",
        )
    return None


def _levers(component: str) -> list[str]:
    lowered = component.lower()
    if "node" in lowered or "fargate" in lowered or "compute" in lowered:
        key = "compute"
    elif "log" in lowered:
        key = "logs"
    elif "nat" in lowered:
        key = "network"
    elif "region" in lowered:
        key = "other"
    else:
        key = "database"
    return [LEVERS[key]]
