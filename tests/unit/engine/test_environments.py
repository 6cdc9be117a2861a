"""Staging at its smallest, and the small end of the instance ladders.

Staging keeps prod's shape but runs each part at the smallest class of its ladder that
holds staging's load: single-AZ stores without read replicas, one cache and search node,
one replica per service (Fargate's smallest task where memory allows), burstable nodes in
at most two AZs, as many as its pods need. A prod store with a few requests/s gets a
micro/small burstable class; the ladder leaves burstables where their CPU baseline ends.
The staging Terraform root carries those sizes.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pytest

from infra_architect.catalog import Catalog, load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.engine._design_model import EnvironmentSizing, StorePlan
from infra_architect.engine.choose._compute import FARGATE_SIZES
from infra_architect.engine.choose._data import Pools, db_class, size_class
from infra_architect.iac import parse_hcl
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
INSTANCE_KINDS = ("rds", "elasticache", "opensearch", "memorydb")
STAGING_ROOT = "infra/terraform/environments/staging/main.tf"


@cache
def _design(spec: Path) -> Design:
    catalog = load_catalog()
    return design_system(load_requirements(spec, catalog.regions), catalog)


def _staging(spec: Path) -> EnvironmentSizing:
    return _design(spec).environment("staging")


def _smallest(catalog: Catalog, store: StorePlan, why: str) -> str:
    """The ladder's first class; for a database, the first that holds the peak staging
    sends it (an ingest's staging still writes: 1 % of 10,000 readings/s is 100)."""
    design = catalog.design
    stated = re.search(r"a peak of ([\d,.]+) requests/s", why)
    if store.kind == "rds" and stated:
        peak = float(stated.group(1).replace(",", ""))
        return next(c.class_ for c in design.db_classes if peak < c.below_rps)
    ladder = {
        "rds": [c.class_ for c in design.db_classes],
        "elasticache": [c.class_ for c in design.cache_classes],
        "opensearch": [c.class_ for c in design.search_classes],
    }
    return ladder[store.kind][0] if store.kind in ladder else str(store.instance_class)


# --- staging, as designed ---------------------------------------------------------------


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_staging_stores_are_the_smallest_single_az_class(spec: Path, catalog: Catalog) -> None:
    design = _design(spec)
    staging = design.environment("staging")
    for store in design.data.stores:
        size = staging.store(store.name)
        assert size.why.startswith("staging: "), size.why
        assert size.read_replicas == 0
        assert size.storage_gb == pytest.approx(
            store.storage_gb * catalog.design.usage.staging_traffic_share
        )
        if store.kind in INSTANCE_KINDS:
            assert size.instance_class == _smallest(catalog, store, size.why), store.name
            assert (size.nodes, size.multi_az) == (1, False), store.name
    assert not staging.cross_region_recovery


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_staging_spans_two_azs_with_one_nat_gateway(spec: Path) -> None:
    design = _design(spec)
    staging, prod = design.environment("staging"), design.environment("prod")
    assert staging.availability_zones == min(prod.availability_zones, 2)
    assert staging.nat_gateways == 1
    assert "its own load balancer" in staging.why
    if design.network.waf:
        assert "the WAF rules run here first" in staging.why


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_staging_runs_one_replica_of_each_service(spec: Path) -> None:
    design = _design(spec)
    staging = design.environment("staging")
    fargate = {(units / 1024, memory) for units, memories in FARGATE_SIZES for memory in memories}
    for plan in design.compute.services:
        size = staging.service(plan.name)
        assert (size.min_replicas, size.max_replicas) == (
            (0, 1) if plan.type.value == "cron" else (1, min(plan.max_replicas, 2))
        )
        assert size.memory_mb == plan.memory_mb  # the process needs its memory at any load
        if design.compute.platform == "ecs-fargate":
            assert (size.vcpu, size.memory_mb) in fargate
            # the smallest CPU Fargate allows with that memory
            assert size.vcpu == min(v for v, m in fargate if m == size.memory_mb)
            assert size.vcpu <= plan.vcpu
        else:
            assert size.vcpu == plan.vcpu


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_staging_nodes_are_as_many_as_its_pods_need(spec: Path, catalog: Catalog) -> None:
    design = _design(spec)
    staging, prod = design.environment("staging"), design.environment("prod")
    if design.compute.node_pool is None:
        assert staging.node_type is None
        return
    assert staging.node_min is not None
    assert staging.node_max is not None
    assert prod.node_min is not None
    shapes = {n.name: n for n in [*catalog.design.staging_node_types, *catalog.design.node_types]}
    shape = shapes[str(staging.node_type)]
    packing = catalog.design.node_packing
    pods = [s for s in staging.services if s.min_replicas > 0]
    vcpu = sum(s.vcpu * s.min_replicas for s in pods)
    gib = sum(s.memory_mb / 1024 * s.min_replicas for s in pods)
    count = sum(s.min_replicas for s in pods)

    def holds(nodes: int) -> bool:
        return (
            vcpu <= nodes * shape.vcpu * packing
            and gib <= nodes * shape.memory_gib * packing
            and count <= nodes * shape.max_pods * packing
        )

    assert holds(staging.node_min)
    assert staging.node_min == 1 or not holds(staging.node_min - 1)  # no node to spare
    assert staging.node_min < prod.node_min
    assert staging.node_min < staging.node_max <= 2 * max(staging.node_min, 2)
    # the smallest shape whose nodes hold the largest pod, staging's burstables first
    fits = [
        n.name
        for n in shapes.values()
        if max(s.vcpu for s in pods) <= n.vcpu * packing
        and max(s.memory_mb for s in pods) / 1024 <= n.memory_gib * packing
    ]
    assert staging.node_type == fits[0]


# --- the ladders ---------------------------------------------------------------------------


def _pools(min_replicas: int, max_replicas: int | None = None) -> Pools:
    return Pools(
        min_replicas=min_replicas, max_replicas=max_replicas or min_replicas, per_replica=10
    )


@pytest.mark.parametrize(
    ("peak_rps", "replicas", "expected"),
    [
        (3, 2, "db.t4g.micro"),  # an internal tool
        (99, 6, "db.t4g.micro"),
        (100, 2, "db.t4g.small"),  # past micro's 10 % of 2 vCPU
        (150, 10, "db.t4g.small"),  # 100 connections: past micro's 66
        (150, 20, "db.t4g.medium"),  # 200 connections: past small's 150
        (250, 4, "db.t4g.large"),
        (300, 4, "db.m6g.large"),  # past the last burstable baseline
        (1500, 40, "db.m6g.large"),
        (5000, 40, "db.r6g.xlarge"),
    ],
)
def test_the_relational_ladder(
    catalog: Catalog, peak_rps: float, replicas: int, expected: str
) -> None:
    assert db_class(catalog, peak_rps, _pools(replicas)).class_ == expected


def test_burstable_thresholds_sit_at_each_class_baseline(catalog: Catalog) -> None:
    # one rate per sustained vCPU for every burstable class: none is held above its baseline
    rates = {
        c.class_: c.below_rps / (c.vcpu * c.baseline_percent / 100)
        for c in catalog.design.db_classes
        if c.baseline_percent is not None
    }
    assert set(rates) >= {"db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t4g.large"}
    assert len({round(r) for r in rates.values()}) == 1, rates
    burstable = [c.baseline_percent is not None for c in catalog.design.db_classes]
    assert burstable == sorted(burstable, reverse=True)  # burstables first, then fixed


def test_the_autoscaler_maximum_caps_the_pools_not_the_class() -> None:
    assert _pools(9, 60).cap(648) is None
    assert _pools(9, 85).cap(648) == 7
    assert _pools(9, 950).cap(648) == 0


def test_burstable_search_nodes_are_staging_only(catalog: Catalog) -> None:
    search = catalog.design.search_classes
    assert size_class(search, 1, staging=True).class_ == "t3.small.search"
    assert size_class(search, 30, staging=True).class_ == "t3.medium.search"
    assert size_class(search, 1, staging=False).class_ == "m6g.large.search"
    assert size_class(catalog.design.cache_classes, 0.1, staging=False).class_ == (
        "cache.t4g.micro"
    )


def test_a_three_request_tool_gets_a_micro_or_small_multi_az_database(
    tmp_path: Path, catalog: Catalog
) -> None:
    spec = tmp_path / "tool.yaml"
    spec.write_text(
        """\
apiVersion: infra-architect/v1
kind: Requirements
metadata: {name: asset-tracker, description: Staff asset tracker.}
system:
  services:
    - {name: app, type: web, uses: [app-db]}
  datastores:
    - {name: app-db, engine: postgres, storage_gb: 10}
traffic: {concurrent_users: 50, requests_per_user_per_minute: 3.6}
availability: {slo: 99.9}
delivery: {deploys_per_day: 1}
team: {size: 2, ops_experience: low}
cloud: {region: eu-west-1}
""",
        encoding="utf-8",
    )
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    store = next(s for s in design.data.stores if s.name == "app-db")
    assert store.instance_class in ("db.t4g.micro", "db.t4g.small")
    assert store.multi_az
    assert store.peak_rps < 20
    assert "burstable" in store.why
    prices = catalog.price_catalog.in_region("eu-west-1")
    prod = design.cost.environment("prod")
    line = next(ln for ln in prod.lines if ln.component.startswith("app-db ("))
    assert line.monthly_usd.value == pytest.approx(2 * 730 * prices.usd(store.price_key or ""))


# --- staging, as Terraform builds it ------------------------------------------------------


def _modules(spec: Path) -> dict[str, dict[str, object]]:
    files = render_all(_design(spec))
    document = parse_hcl(files[STAGING_ROOT])
    modules: dict[str, dict[str, object]] = {}
    for block in document.get("module", []):
        assert isinstance(block, dict)
        modules.update(block)
    return modules


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_the_staging_root_builds_staging_sizes(spec: Path) -> None:
    design = _design(spec)
    staging = design.environment("staging")
    modules = _modules(spec)
    vpc = modules["vpc"]
    assert isinstance(vpc["azs"], list)
    assert len(vpc["azs"]) == staging.availability_zones
    assert vpc["single_nat_gateway"] is True
    for store in design.data.stores:
        size = staging.store(store.name)
        body = next(b for k, b in modules.items() if k.endswith("_" + store.name.replace("-", "_")))
        if store.kind == "rds":
            assert body["instance_class"] == size.instance_class
            assert (body["multi_az"], body["read_replicas"]) == (False, 0)
            assert body["allocated_storage"] == max(20, math.ceil(size.storage_gb))
        elif store.kind == "elasticache":
            assert (body["node_type"], body["num_cache_clusters"]) == (size.instance_class, 1)
        elif store.kind == "opensearch":
            assert (body["instance_type"], body["instance_count"]) == (size.instance_class, 1)
            assert body["availability_zones"] == 1
    if staging.node_type is not None:
        groups = modules["eks"]["node_groups"]
        assert isinstance(groups, dict)
        # The design's groups (within the EKS per-group quota; on eks-karpenter the group
        # holds the baseline and Karpenter adds the rest), each of staging's shape.
        assert sorted(groups) == sorted(g.name for g in staging.node_groups)
        for group in staging.node_groups:
            body = groups[group.name]
            assert body["instance_types"] == [staging.node_type]
            assert (body["min_size"], body["max_size"]) == (group.min_size, group.max_size)
        assert sum(g.min_size for g in staging.node_groups) == staging.node_min
    if design.compute.platform == "ecs-fargate":
        services = modules["ecs"]["services"]
        assert isinstance(services, dict)
        for size in staging.services:
            task = services[size.name]
            assert (task["cpu"], task["memory"]) == (round(size.vcpu * 1024), size.memory_mb)
            assert (task["min_tasks"], task["max_tasks"]) == (size.min_replicas, size.max_replicas)
