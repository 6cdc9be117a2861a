"""The design's cost: a hand calculation, properties, and the budget conflict."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra_architect.catalog import Catalog
from infra_architect.cost import LineItem, environment_cost
from infra_architect.engine import (
    BillInputs,
    Design,
    Severity,
    bill_of_materials,
    design_system,
    environment_sizes,
)
from infra_architect.spec import Requirements, load_requirements
from tests.conftest import ROOT

EXAMPLE = ROOT / "src" / "infra_architect" / "examples" / "ecommerce.yaml"
SECONDS = 730 * 3600


def _req(path: Path, catalog: Catalog) -> Requirements:
    return load_requirements(path, catalog.regions)


def _hand_calculation(design: Design, catalog: Catalog) -> dict[str, float]:
    """The bundled example's prod bill, worked out from the catalog by hand: every figure
    below is read off the design (sizes) or the catalog (prices, usage assumptions)."""
    p = catalog.price_catalog
    region = design.region
    usd = {key: p.usd(key, region) for key in p.items}
    reserved = catalog.design.usage
    rps = design.constraints.traffic.average_rps.value  # 1,000 requests/s
    pool = design.compute.node_pool
    assert pool is not None
    assert pool.instance_type == "m6i.xlarge"
    # Min replicas carry the average load (the autoscalers follow the daily peak and the
    # declared 10x ramp, which scaling on the request rate absorbs without standing
    # capacity; the ramp's node room is shared among the services, so none is raised):
    # 84 + 27 + 12 + 4 + 7 + 5 API/web pods and 20 workers, all of the unknown runtime's
    # 0.5 vCPU, = 79.5 vCPU on m6i.xlarge packed to 80 % (3.2 vCPU): 24.8 nodes, rounded
    # up to a multiple of 3 AZs = 27 (the old sizing held 27 m6i.4xlarge, four times the
    # capacity, for the step).
    mins = {s.name: s.min_replicas for s in design.compute.services}
    assert mins == {
        "storefront": 84, "catalog": 27, "search": 12, "cart": 4, "checkout": 7,
        "payments": 5, "fulfilment": 20, "sitemap": 0,
    }  # fmt: skip
    assert pool.min_nodes.whole == 27
    assert rps == 1000
    entry = rps
    internal = (
        sum(
            s.average_load.value for s in design.constraints.services if s.load_unit == "requests/s"
        )
        - entry
    )
    return {
        "EKS control plane": 730 * 0.10,
        "EKS nodes (m6i.xlarge), baseline": 27 * 730 * usd["ec2_m6i_xlarge_hour"],
        "EKS node volumes (gp3)": 27 * 50 * usd["ebs_gp3_gb_month"],
        "Application Load Balancer": 730 * usd["alb_hour"],
        "ALB capacity units": 1000 / 25 * 730 * usd["alb_lcu_hour"],
        "AWS WAF web ACL": 5.0,
        "AWS WAF managed rule groups": 4 * 1.0,
        "AWS WAF requests": 1000 * SECONDS / 1e6 * 0.60,
        # storefront (web, every request enters there) answers with an 18 kB HTML page:
        # 47,304 GB a month; the first 10 TB (10,240 GB) at $0.09 less the free 100 GB,
        # the rest at the 10-50 TB tier's $0.085
        "Data transfer out to the internet": (10_240 - 100) * 0.09,
        "Data transfer out to the internet, 10-50 TB": (1000 * 18_000 * SECONDS / 1e9 - 10_240)
        * 0.085,
        "NAT gateways": 3 * 730 * 0.045,
        "NAT data processed": 1000 * 500 * SECONDS / 1e9 * 0.045,
        # ecr.api, ecr.dkr, logs, sts, secretsmanager, kms, sqs in 3 AZs
        "VPC interface endpoints": 7 * 3 * 730 * 0.01,
        # two thirds of internal calls cross an AZ, billed $0.01/GB each way; every callee
        # is an api: 1 kB of request and a 4 kB response a call
        "Cross-AZ traffic between services": internal
        * (reserved.request_bytes + 4_000)
        * SECONDS
        / 1e9
        * (2 / 3)
        * 2
        * 0.01,
        # Relational stores are sized from their reads and writes at the growth peak
        # (30,000 storefront requests/s): orders-db takes checkout's and payments' 1,500
        # requests/s (1 read, 0.05 writes each) and fulfilment's 1,500 messages/s (1 read,
        # 1 write) = 4,500 reads + 1,650 writes/s = 9,450 read-equivalent queries/s (a
        # write costs 3): past db.r6g.xlarge's 8,000, so one read replica of its class
        # takes the reads the primary has no room for. catalog-db: catalog's 30,000
        # requests/s, 80 % of reads answered by catalog-cache: 6,000 reads + 1,500 writes =
        # 10,500: the same. Both pass gp3's small-volume 3,000 IOPS at the growth peak
        # (writes x 2 + 5 % of reads), so 400 GB is allocated on each of the 3 instances
        # for the 12,000 IOPS baseline.
        "orders-db (db.r6g.xlarge)": 3 * 730 * 0.449,
        "orders-db storage (gp3)": 400 * 3 * 0.115,
        "catalog-db (db.r6g.xlarge)": 3 * 730 * 0.449,
        "catalog-db storage (gp3)": 400 * 3 * 0.115,
        "sessions (cache.m6g.large)": 3 * 730 * 0.149,
        "catalog-cache (cache.r6g.large)": 3 * 730 * 0.206,
        "search-index (m6g.large.search)": 3 * 730 * 0.128,
        # each of 3 data nodes has a volume of 40 GB x 2 copies (primary and replica
        # shards) / 3 nodes, rounded up to 27 GB: what Terraform allocates
        "search-index storage (gp3)": 3 * 27 * 0.08,
        "assets (S3 Standard)": 500 * 0.023,
        # one message per checkout (5% of requests), 3 API calls each, $0.40/million
        "order-events (SQS requests)": 1000 * 0.05 * SECONDS * 3 / 1e6 * 0.40,
        "CloudWatch Logs ingestion": 1000 * 1000 * SECONDS / 1e9 * 0.50,
        # PCI DSS keeps logs 365 days: 365/30 months of ingest, stored at 15 %
        "CloudWatch Logs storage": 1000 * 1000 * SECONDS / 1e9 * (365 / 30) * 0.15 * 0.03,
        "KMS keys": 1.0,
        # the two RDS-managed master secrets; the caches authenticate with IAM, no secret
        "Secrets Manager": 2 * 0.40,
        # PCI DSS and GDPR controls use the audit module: its own key; CloudTrail's 1M
        # management events of 1.5 kB (1.5 GB) into CloudWatch Logs, and kept a year
        # (365 days, gzip 0.15) in S3 and in CloudWatch Logs; GuardDuty over those events
        # ($4/million) and 50 bytes of flow/DNS logs a request ($1/GB); Security Hub's
        # two standards (FSBP, PCI DSS) x 18,000 checks ($0.001 each); 5,000 Config items
        "Audit key (KMS)": 1.0,
        "CloudTrail log files (S3)": 1.5 * (365 / 30) * 0.15 * 0.023,
        "CloudTrail to CloudWatch Logs (ingestion)": 1.5 * 0.50,
        "CloudTrail in CloudWatch Logs (storage)": 1.5 * (365 / 30) * 0.15 * 0.03,
        "GuardDuty: CloudTrail events analysed": 1.0 * 4.0,
        "GuardDuty: VPC flow and DNS logs analysed": 1000 * 50 * SECONDS / 1e9 * 1.0,
        "Security Hub security checks": 2 * 18_000 / 1000 * 1.0,
        "AWS Config configuration items": 5_000 * 0.003,
        # pilot light: one cross-region replica per database, the bucket replicated
        # a read replica is created with its source's allocated storage
        "orders-db cross-region replica (db.r6g.xlarge)": 730 * 0.449,
        "orders-db cross-region replica storage": 400 * 0.115,
        "catalog-db cross-region replica (db.r6g.xlarge)": 730 * 0.449,
        "catalog-db cross-region replica storage": 400 * 0.115,
        "assets replica bucket": 500 * 0.023,
    }


def test_bundled_example_prod_estimate_equals_the_hand_calculation(catalog: Catalog) -> None:
    design = design_system(_req(EXAMPLE, catalog), catalog)
    prod = design.cost.environment("prod")
    expected = _hand_calculation(design, catalog)
    got = {line.component: line.monthly_usd.value for line in prod.lines}
    assert list(got) == list(expected), "the bill's lines, in order"
    for component, value in expected.items():
        assert got[component] == pytest.approx(value, rel=1e-6, abs=1e-4), component
    assert prod.total_monthly_usd.value == pytest.approx(sum(expected.values()), rel=1e-9)
    # 26,456 before issue 17, 14,134 after; 16,342 before issue 19 priced OpenSearch volumes
    assert round(prod.total_monthly_usd.value) == 16_339


def _scaled(req: Requirements, users: int) -> Requirements:
    traffic = req.traffic.model_copy(update={"concurrent_users": users, "growth": None})
    return req.model_copy(update={"traffic": traffic})


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    low=st.integers(min_value=100, max_value=200_000),
    factor=st.floats(min_value=1.0, max_value=5.0),
)
def test_cost_is_monotonic_in_traffic(catalog: Catalog, low: int, factor: float) -> None:
    req = _req(EXAMPLE, catalog)
    cheap = design_system(_scaled(req, low), catalog).cost
    dear = design_system(_scaled(req, int(low * factor)), catalog).cost
    assert (
        dear.environment("prod").total_monthly_usd.value
        >= cheap.environment("prod").total_monthly_usd.value - 1e-6
    )
    assert dear.total_monthly_usd.value >= cheap.total_monthly_usd.value - 1e-6


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    spec=st.sampled_from(["ecommerce", "saas-team", "internal-tool"]),
    extra=st.integers(1, 20),
    pick=st.integers(0, 50),
)
def test_cost_is_monotonic_in_replica_counts(
    catalog: Catalog, spec: str, extra: int, pick: int
) -> None:
    req = _req(ROOT / "src" / "infra_architect" / "examples" / f"{spec}.yaml", catalog)
    design = design_system(req, catalog)
    parts = BillInputs(
        req,
        design.constraints,
        catalog,
        design.compute,
        design.network,
        design.data,
        design.observability,
        design.security,
    )
    prices = catalog.price_catalog
    for env in design.environments:
        target = env.services[pick % len(env.services)].name
        more = [
            s.model_copy(
                update={
                    "min_replicas": s.min_replicas + extra,
                    "max_replicas": max(s.max_replicas, s.min_replicas + extra),
                }
            )
            if s.name == target
            else s
            for s in env.services
        ]
        base = environment_sizes(parts, env)
        bumped = environment_sizes(parts, env.model_copy(update={"services": more}))
        scale = 1.0 if env.name == "prod" else catalog.design.usage.staging_traffic_share
        before = environment_cost(
            env.name, bill_of_materials(parts, base, scale), prices, req.cloud.region
        )
        after = environment_cost(
            env.name, bill_of_materials(parts, bumped, scale), prices, req.cloud.region
        )
        assert after.total_monthly_usd.value >= before.total_monthly_usd.value - 1e-9, (
            env.name,
            target,
        )


@pytest.mark.parametrize("spec", ["ecommerce", "saas-team", "internal-tool"])
def test_staging_costs_less_than_prod(catalog: Catalog, spec: str) -> None:
    cost = design_system(
        _req(ROOT / "src" / "infra_architect" / "examples" / f"{spec}.yaml", catalog), catalog
    ).cost
    staging, prod = cost.environment("staging"), cost.environment("prod")
    assert staging.total_monthly_usd.value < prod.total_monthly_usd.value

    # and no kind of spending is larger in staging
    def by_category(lines: list[LineItem]) -> dict[str, float]:
        out: dict[str, float] = {}
        for line in lines:
            out[line.category] = out.get(line.category, 0.0) + line.monthly_usd.value
        return out

    prod_categories = by_category(prod.lines)
    for category, value in by_category(staging.lines).items():
        assert value <= prod_categories[category] + 1e-9, category


def test_over_budget_design_reports_the_levers_that_close_the_gap(catalog: Catalog) -> None:
    req = _req(EXAMPLE, catalog)
    req = req.model_copy(update={"budget": req.budget.model_copy(update={"monthly_usd": 15_000})})  # type: ignore[union-attr]
    design = design_system(req, catalog)
    check = design.cost.budget
    assert check is not None
    assert not check.within_budget
    assert check.gap_usd == pytest.approx(design.cost.total_monthly_usd.value - 15_000)
    levers = {lv.id: lv for lv in design.cost.levers}
    chosen = [levers[i] for i in check.closing_levers]
    # largest reliability-neutral savings first, just enough to close the gap
    assert check.closes_gap
    assert sum(lv.saving_usd.value for lv in chosen) >= check.gap_usd
    assert sum(lv.saving_usd.value for lv in chosen[:-1]) < check.gap_usd
    assert all(lv.reliability == "none" for lv in chosen)
    (conflict,) = [c for c in design.conflicts if c.id == "estimate-over-budget"]
    assert conflict.severity is Severity.ERROR
    assert not design.feasible
    for lever in chosen:
        assert lever.action in conflict.fix
    dod = design.definition_of_done[4]
    assert not dod.done
    assert "exceeds the budget" in dod.missing


def test_budget_no_lever_can_close_names_the_requirements_to_trade(catalog: Catalog) -> None:
    req = _req(EXAMPLE, catalog)
    req = req.model_copy(update={"budget": req.budget.model_copy(update={"monthly_usd": 2_000})})  # type: ignore[union-attr]
    design = design_system(req, catalog)
    check = design.cost.budget
    assert check is not None
    assert not check.closes_gap
    (conflict,) = [c for c in design.conflicts if c.id == "estimate-over-budget"]
    assert "availability.slo" in conflict.fix
    assert f"{round(check.closed_usd):,}" in conflict.fix


def test_growth_past_the_budget_is_a_warning_with_the_month(catalog: Catalog) -> None:
    design = design_system(_req(EXAMPLE, catalog), catalog)
    check = design.cost.budget
    assert check is not None
    assert check.within_budget
    first = next(p for p in design.cost.growth if p.within_budget is False)
    assert check.first_month_over == first.month
    (conflict,) = [c for c in design.conflicts if c.id == "growth-over-budget"]
    assert conflict.severity is Severity.WARNING
    assert f"month {first.month}" in conflict.title
    # the curve rises with traffic
    totals = [p.total_monthly_usd for p in design.cost.growth]
    assert totals == sorted(totals)
