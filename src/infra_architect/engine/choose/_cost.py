"""A first-order monthly estimate of the chosen design, to check it against the budget.

On-demand list prices (us-east-1) at the steady-state minimum of every component; the
full cost model (regional prices, commitments, usage curves) refines it.
"""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.catalog import Catalog
from infra_architect.engine._design_model import (
    ComputeDesign,
    CostEstimate,
    DataDesign,
    NetworkDesign,
    SecurityDesign,
)
from infra_architect.engine._floor import (
    Pricer,
    compute_line,
    messaging_lines,
    object_store_line,
    sum_lines,
)
from infra_architect.engine._model import Constraints, CostLine
from infra_architect.spec import Requirements

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
    pricer = Pricer(prices)
    lines: list[CostLine] = []
    pool = compute.node_pool
    if pool is not None:
        lines.append(pricer.hourly("EKS control plane", 1.0, "eks_cluster_hour", "one cluster"))
        node_type = next(n for n in catalog.design.node_types if n.name == pool.instance_type)
        lines.append(
            pricer.hourly(
                f"EKS nodes ({pool.instance_type})",
                pool.min_nodes.value,
                node_type.price_key,
                f"{pool.min_nodes.whole} nodes at minimum, up to {pool.max_nodes.whole} at spike",
            )
        )
    else:
        lines.append(
            compute_line(pricer, constraints.services).model_copy(
                update={
                    "component": "ECS on Fargate (minimum replicas)",
                    "note": "tasks at minimum replicas; the spike is billed per second on top",
                }
            )
        )
    if network.load_balancer == "alb":
        lines.append(pricer.hourly("Application Load Balancer", 1.0, "alb_hour", "hourly charge"))
        lcus = constraints.traffic.average_rps.value / catalog.design.requests_per_lcu_second
        lines.append(
            pricer.hourly(
                "ALB capacity units",
                lcus,
                "alb_lcu_hour",
                f"{lcus:.1f} LCU at the average rate (new connections dominate)",
            )
        )
    lines.append(
        pricer.hourly(
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
            pricer.hourly(
                "VPC interface endpoints",
                float(len(network.interface_endpoints) * azs),
                "vpc_interface_endpoint_hour",
                f"{len(network.interface_endpoints)} endpoints × {azs} AZs",
            )
        )
    data_lines = _data_lines(req, data, pricer)
    lines.extend(data_lines)
    lines.extend(
        messaging_lines(pricer, req, catalog.policy, constraints.topology.availability_zones.whole)
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
        pricer.flat(
            "Secrets Manager",
            float(len(security.secrets)),
            "secrets_manager_secret_month",
            f"{len(security.secrets)} secrets",
        )
    )
    lines.append(pricer.flat("KMS keys", 1.0, "kms_key_month", "one customer-managed key"))
    region = _second_region(constraints, lines, data_lines)
    if region is not None:
        lines.append(region)
    total = sum_lines(lines)
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


def _data_lines(req: Requirements, data: DataDesign, pricer: Pricer) -> list[CostLine]:
    out: list[CostLine] = []
    specs = {d.name: d for d in req.system.datastores}
    for store in data.stores:
        relational = store.engine in ("postgres", "mysql")
        if store.price_key is not None:
            count = store.nodes + (store.read_replicas if relational else 0)
            note = f"{store.nodes} node(s)"
            if relational and store.read_replicas:
                note += f" + {store.read_replicas} read replica"
            out.append(
                pricer.hourly(
                    f"{store.name} ({store.instance_class})", float(count), store.price_key, note
                )
            )
        if relational:
            copies = float(store.nodes + store.read_replicas)
            out.append(
                pricer.storage(
                    f"{store.name} storage", store.storage_gb, copies, "rds_gp3_gb_month", "gp3"
                )
            )
        elif store.engine in ("s3", "dynamodb"):
            out.append(object_store_line(pricer, specs[store.name], store.storage_gb))
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
