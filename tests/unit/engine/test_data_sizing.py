"""Data sizing from reads and writes (issue 18 item 4): rows read and written per store
from the call graph and the queues, IOPS and storage growth worked by hand, Aurora
exactly when the SLO or the RTO needs its failover, and S3 lifecycle tiers on the bill."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from infra_architect._figures import given
from infra_architect.catalog import Catalog
from infra_architect.engine import Design, derive_constraints, design_system
from infra_architect.engine._data_sizing import (
    choose_aurora,
    forecast,
    gp3_performance,
    lifecycle,
    store_load,
    stored_gb,
    tier_shares,
)
from infra_architect.engine._design_model import StoreLoad
from infra_architect.spec import Requirements, load_requirements, parse_document, validate_document
from tests.conftest import ROOT

SPEC = """\
apiVersion: infra-architect/v1
kind: Requirements
metadata: {name: demo}
system:
  services:
    - {name: web, type: web, public: true, calls: [{service: api, per_request: 2}], uses: [cache]}
    - {name: api, type: api, uses: [db, cache]}
    - {name: worker, type: worker, uses: [events, db], data_access: {writes_per_request: 3}}
  datastores:
    - {name: db, engine: postgres}
    - {name: cache, engine: redis}
  queues:
    - {name: events, engine: sqs, messages_per_second: 20}
traffic: {requests_per_second: 100}
availability: {slo: 99.9}
delivery: {deploys_per_day: 2}
team: {size: 6, ops_experience: medium}
"""


def _req(catalog: Catalog, **changes: object) -> Requirements:
    doc = yaml.safe_load(SPEC)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        if isinstance(node, list):
            node[int(leaf)] = value
        else:
            node[leaf] = value
    return validate_document(parse_document(yaml.safe_dump(doc), "s.yaml"), catalog.regions)


def _load(reads: float, writes: float) -> StoreLoad:
    return StoreLoad(
        reads_per_second=given(reads, "rows read/s", "test"),
        writes_per_second=given(writes, "rows written/s", "test"),
        average_reads_per_second=given(reads / 3, "rows read/s", "test"),
        average_writes_per_second=given(writes / 3, "rows written/s", "test"),
        uses=[],
    )


# --- reads and writes from the call graph and the queues -------------------------------


def test_reads_and_writes_follow_the_call_graph_and_the_queue(catalog: Catalog) -> None:
    req = _req(catalog)
    constraints = derive_constraints(req, catalog)
    load = store_load(req, constraints.services, req.system.datastores[0], catalog)
    # By hand: 100 requests/s x peak 3 = 300 pages/s at web, which calls api twice a page:
    # 600 api requests/s. The worker drains 20 messages/s x 3 = 60 messages/s. No growth,
    # so the growth peak is the peak. web does not use db.
    # reads: api 600 x 1 row x (1 - 0.8 cache hits: it uses the cache) = 120; worker
    #        60 x 1 = 60  → 180
    # writes: api 600 x 0.05 = 30; worker 60 x 3 (stated) = 180 → 210
    assert load.reads_per_second.value == pytest.approx(180)
    assert load.writes_per_second.value == pytest.approx(210)
    # today's average: api 200 x 0.05 + worker 20 x 3
    assert load.average_writes_per_second.value == pytest.approx(70)
    assert [u.service for u in load.uses] == ["api", "worker"]


def test_stated_figures_replace_the_defaults_and_the_rest_are_assumptions(
    catalog: Catalog,
) -> None:
    req = _req(catalog)
    assumed: dict[str, set[str]] = {}
    for a in derive_constraints(req, catalog).assumptions:
        if "data_access" in a.field:
            for service in a.applies_to:
                assumed.setdefault(a.field.rsplit(".", 1)[1], set()).add(service)
    assert assumed["reads_per_request"] == {"web", "api", "worker"}
    # the worker states its writes: only web and api assume theirs
    assert assumed["writes_per_request"] == {"web", "api"}


def test_fewer_calls_a_page_send_fewer_rows_to_the_store(catalog: Catalog) -> None:
    """The derivation follows per_request: doubling the calls doubles the api's rows."""
    once = _req(catalog, system__services__0__calls=[{"service": "api"}])
    constraints = derive_constraints(once, catalog)
    load = store_load(once, constraints.services, once.system.datastores[0], catalog)
    # api 300 requests/s: reads 300 x 0.2 + 60 = 120; writes 15 + 180 = 195
    assert load.reads_per_second.value == pytest.approx(120)
    assert load.writes_per_second.value == pytest.approx(195)


# --- IOPS and storage growth, by hand -------------------------------------------------


@pytest.mark.parametrize(
    ("writes", "reads", "iops", "allocated", "provisioned_iops"),
    [
        # 10 x 2 + 100 x 0.05 = 25 IOPS: the small volume's 3,000 baseline
        pytest.param(10, 100, 25, 50, None, id="below-3000-baseline"),
        # 2,000 x 2 + 10,000 x 0.05 = 4,500: past 3,000, 400 GB for the 12,000 baseline
        pytest.param(2000, 10000, 4500, 400, None, id="400-gb-baseline"),
        # 7,000 x 2 + 10,000 x 0.05 = 14,500: past 12,000, provisioned in thousands
        pytest.param(7000, 10000, 14500, 400, 15000, id="provisioned"),
    ],
)
def test_gp3_iops_and_allocation(
    catalog: Catalog,
    writes: float,
    reads: float,
    iops: float,
    allocated: int,
    provisioned_iops: int | None,
) -> None:
    req = _req(catalog)
    store = req.system.datastores[0]
    sizing = catalog.design.data_sizing
    traffic = derive_constraints(req, catalog).traffic
    load = _load(reads, writes)
    base = forecast(store, load, traffic, sizing, 50)
    sized = gp3_performance(store, load, reads, sizing, base, 50)
    assert sized.iops is not None
    assert sized.throughput_mibps is not None
    assert sized.iops.value == pytest.approx(iops)
    assert sized.throughput_mibps.value == pytest.approx(iops * 8192 / 1048576)
    assert sized.allocated_gb == allocated
    assert sized.provisioned_iops == provisioned_iops
    if provisioned_iops is not None:
        # 14,500 x 8 KiB = 113 MiB/s, inside the 500 MiB/s a 400 GB volume includes
        assert sized.provisioned_mibps == 500
    # the ceiling: twice the forecast (writes / 3 on average x 1 KB x 730 h, 12 months)
    written = writes / 3 * 1000 * 2_628_000 / 1e9
    assert base.written_gb_per_month.value == pytest.approx(written)
    assert sized.max_allocated_gb == max(
        math.ceil(round((50 + 12 * written) * 2, 6)), math.ceil(allocated * 1.1)
    )


def test_storage_growth_by_hand() -> None:
    # 100 GB today, 10 GB written a month, no growth: 12 months later 220 GB
    assert stored_gb(100, 10, 1.0, 12, None) == pytest.approx(220)
    # traffic growing 10 % a month: 100 + 10 x (1.1 + 1.21 + 1.331)
    assert stored_gb(100, 10, 1.1, 3, None) == pytest.approx(136.41)
    # kept one month (365 / 12 days): only the last month's writes stay
    assert stored_gb(100, 10, 1.0, 12, 365 / 12) == pytest.approx(110)
    # half a month on: half a month's writes
    assert stored_gb(100, 10, 1.0, 0.5, None) == pytest.approx(105)
    assert stored_gb(100, 10, 1.0, 0, None) == 100


# --- Aurora when the SLO or the RTO needs its failover ----------------------------------


@pytest.mark.parametrize(
    ("slo", "rto", "pin", "multi", "chosen"),
    [
        # 25 % of 99.9 %'s 43.2 min = 10.8 min: a 2-min instance failover fits
        pytest.param(99.9, None, None, True, False, id="99.9-fits"),
        # 25 % of 99.95 %'s 21.6 min = 5.4 min: still fits
        pytest.param(99.95, None, None, True, False, id="99.95-fits"),
        # 25 % of 99.99 %'s 4.32 min = 1.08 min < 2 min: Aurora's 0.5 min fits
        pytest.param(99.99, None, None, True, True, id="99.99-needs-aurora"),
        pytest.param(99.9, 1.0, None, True, True, id="rto-below-instance-failover"),
        pytest.param(99.9, 5.0, None, True, False, id="rto-above-instance-failover"),
        pytest.param(99.99, None, False, True, False, id="pinned-off"),
        pytest.param(99.5, None, True, True, True, id="pinned-on"),
        pytest.param(99.99, None, None, False, False, id="single-az-no-failover"),
    ],
)
def test_aurora_exactly_when_the_failover_needs_it(
    catalog: Catalog, slo: float, rto: float | None, pin: bool | None, multi: bool, chosen: bool
) -> None:
    changes: dict[str, object] = {"availability__slo": slo}
    if rto is not None:
        changes["availability__rto_minutes"] = rto
    if pin is not None:
        changes["system__datastores__0__aurora"] = pin
    req = _req(catalog, **changes)
    choice = choose_aurora(req, catalog, req.system.datastores[0], multi=multi)
    assert choice.chosen is chosen, choice.why


def _design(catalog: Catalog, tmp_path: Path, **changes: object) -> Design:
    doc = yaml.safe_load(SPEC)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        node[leaf] = value
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(doc))
    return design_system(load_requirements(spec, catalog.regions), catalog)


def test_the_design_runs_aurora_at_99_99_and_rds_at_99_9(catalog: Catalog, tmp_path: Path) -> None:
    rds = _design(catalog, tmp_path).data.store("db")
    assert rds.kind == "rds"
    aurora = _design(catalog, tmp_path, availability__slo=99.99).data.store("db")
    assert aurora.kind == "aurora"
    assert "Aurora: an instance failover spends more than the error budget's share" in (aurora.why)
    assert "rows read/s" in aurora.why
    assert "rows written/s" in aurora.why
    prod = next(
        e
        for e in _design(catalog, tmp_path, availability__slo=99.99).cost.environments
        if e.name == "prod"
    )
    components = [line.component for line in prod.lines if line.workload == "db"]
    assert any("Aurora db.r6g" in c for c in components), components
    assert any("Aurora storage" in c for c in components), components


# --- S3 lifecycle tiers ---------------------------------------------------------------


def test_tier_shares_by_hand(catalog: Catalog) -> None:
    req = _req(
        catalog,
        system__datastores__0={"name": "db", "engine": "s3", "access_pattern": "archive"},
    )
    tiers = lifecycle(req.system.datastores[0], catalog.design.data_sizing)
    assert [(t.storage_class, t.after_days) for t in tiers] == [
        ("STANDARD_IA", 30),
        ("GLACIER_IR", 90),
    ]
    # 1,000 GB held, 1 GB written a day (365 / 12 GB a month), 1 MB objects: Standard
    # holds 30 days of writes, Standard-IA the 60 days to day 90, Glacier IR the rest;
    # every object moves twice: 365 / 12 x 1,000 objects a month into each class.
    month = 365 / 12
    shares = tier_shares(tiers, 1000, month, 1e6)
    assert [(s.storage_class, round(s.gb, 6)) for s in shares] == [
        ("STANDARD", 30),
        ("STANDARD_IA", 60),
        ("GLACIER_IR", 910),
    ]
    assert [s.transitions for s in shares] == pytest.approx([0, month * 1000, month * 1000])
    # objects under 128 KB are left in Standard by S3 Lifecycle
    assert [(s.storage_class, s.transitions) for s in tier_shares(tiers, 1000, month, 1e5)] == [
        ("STANDARD", 0.0)
    ]


def test_s3_tiers_are_bill_lines_and_lifecycle_rules(catalog: Catalog) -> None:
    design = design_system(
        load_requirements(ROOT / "tests" / "specs" / "data-sizing.yaml", catalog.regions), catalog
    )
    prod = next(e for e in design.cost.environments if e.name == "prod")
    lines = {line.component: line for line in prod.lines if line.workload == "receipts"}
    assert lines["receipts (S3 Standard)"].price_key == "s3_standard_gb_month"
    assert lines["receipts (S3 Standard-IA)"].price_key == "s3_standard_ia_gb_month"
    glacier = lines["receipts (S3 Glacier Instant Retrieval)"]
    assert glacier.price_key == "s3_glacier_ir_gb_month"
    into_ia = lines["receipts transitions to S3 Standard-IA"]
    into_glacier = lines["receipts transitions to S3 Glacier Instant Retrieval"]
    assert into_ia.price_key == "s3_transition_ia_thousand"
    assert into_glacier.price_key == "s3_transition_glacier_ir_thousand"
    store = design.data.store("receipts")
    assert store.storage is not None
    # today: 2,000 GB held; the month's objects (written GB / 300 KB) move once into each
    objects = store.storage.written_gb_per_month.value * 1e9 / 300_000
    assert into_ia.quantity.value == pytest.approx(objects / 1000)
    assert into_glacier.quantity.value == pytest.approx(objects / 1000)
    held = sum(lines[k].quantity.value for k in lines if k.startswith("receipts ("))
    assert held == pytest.approx(2000)
    # the bill prices each class at its own rate, below Standard's
    assert glacier.unit_usd < lines["receipts (S3 Standard-IA)"].unit_usd
    assert lines["receipts (S3 Standard-IA)"].unit_usd < lines["receipts (S3 Standard)"].unit_usd


def test_provisioned_iops_and_aurora_io_are_bill_lines(catalog: Catalog) -> None:
    design = design_system(
        load_requirements(ROOT / "tests" / "specs" / "data-sizing.yaml", catalog.regions), catalog
    )
    prod = next(e for e in design.cost.environments if e.name == "prod")
    events = {line.component: line for line in prod.lines if line.workload == "events-db"}
    iops = events["events-db gp3 IOPS above the baseline"]
    size = next(e for e in design.environments if e.name == "prod").store("events-db")
    assert size.iops == 13000
    # (13,000 - 12,000 baseline) x (primary + standby + read replicas)
    copies = size.nodes + size.read_replicas
    assert iops.quantity.value == pytest.approx(1000 * copies)
    assert iops.price_key == "rds_gp3_iops_month"
    ledger = {line.component for line in prod.lines if line.workload == "ledger-db"}
    assert "ledger-db Aurora I/O" in ledger or any("I/O-Optimized" in c for c in ledger)
