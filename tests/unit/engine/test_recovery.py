"""Issue 18: RPO from data replication, RTO from standby compute, chosen independently;
RPO 0 scoped; how many regions decided by the availability Monte Carlo."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import (
    Constraints,
    Design,
    ImpossiblePinError,
    Severity,
    derive_constraints,
    design_system,
)
from infra_architect.spec import Requirements, load_requirements, parse_document, validate_document
from tests.conftest import ROOT

SPECS = ROOT / "tests" / "specs"
IOT = SPECS / "iot-ingest.yaml"
PAYMENTS = SPECS / "payment-gateway.yaml"


def _req(path: Path, catalog: Catalog, **availability: object) -> Requirements:
    req = load_requirements(path, catalog.regions)
    if availability:
        req = req.model_copy(
            update={
                "availability": req.availability.model_validate(
                    {**req.availability.model_dump(exclude_unset=True), **availability}
                )
            }
        )
    return req


def _line(constraints: Constraints, component: str) -> float:
    return next(
        line.monthly_usd.value
        for line in constraints.cost_floor.lines
        if line.component == component
    )


# The IoT spec (readings-db: 2,000 GB of PostgreSQL; 3 AZs): each row is priced by hand
# from the catalog's floor prices. RPO 5 min with RTO 4 h buys a replica, no compute.
TABLE = [
    # (rpo, rto, data replication, standby compute, parts of the recovery region's bill)
    (60, 240, "backup-copy", "none", ("backup",)),
    (5, 240, "async-replica", "none", ("replica",)),
    (60, 60, "async-replica", "pilot-light", ("replica", "network")),
    (5, 60, "async-replica", "pilot-light", ("replica", "network")),
    (5, 15, "async-replica", "warm-standby", ("replica", "network", "half-compute")),
    (0.5, 5, "async-replica", "hot-standby", ("replica", "network", "compute")),
]


@pytest.mark.parametrize(
    ("rpo", "rto", "data", "standby", "billed"),
    TABLE,
    ids=[f"rpo{r[0]:g}-rto{r[1]:g}" for r in TABLE],
)
def test_rpo_and_rto_are_chosen_independently(
    catalog: Catalog, rpo: float, rto: float, data: str, standby: str, billed: tuple[str, ...]
) -> None:
    constraints = derive_constraints(_req(IOT, catalog, rpo_minutes=rpo, rto_minutes=rto), catalog)
    recovery = constraints.recovery
    assert (recovery.data_replication, recovery.standby_compute) == (data, standby)
    assert recovery.meets_stated
    prices, hours = catalog.prices, catalog.prices.hours_per_month
    compute = _line(constraints, "Compute at minimum replicas (Fargate)")
    parts = {
        "backup": 2000 * prices.usd("rds_backup_gb_month"),
        "replica": prices.usd("rds_db_t4g_micro_hour") * hours
        + 2000 * prices.usd("rds_gp3_gb_month"),
        "network": (3 * prices.usd("nat_gateway_hour") + prices.usd("alb_hour")) * hours,
        "half-compute": compute * 0.5,
        "compute": compute,
    }
    expected = sum(parts[p] for p in billed)
    assert recovery.monthly_usd.value == pytest.approx(expected, rel=1e-9)
    # the cost floor's recovery region is exactly the recovery the design runs
    assert _line(constraints, "Recovery region") == pytest.approx(expected, rel=1e-9)
    # and it was the cheapest combination that meets both
    meeting = [o for o in recovery.options if o.meets]
    assert min(o.monthly_usd.value for o in meeting) == pytest.approx(expected, rel=1e-9)


def test_rpo_of_minutes_does_not_buy_a_running_standby(catalog: Catalog) -> None:
    design = design_system(_req(IOT, catalog), catalog)
    assert design.constraints.recovery.standby_compute == "none"
    assert not [
        line
        for line in design.cost.environment("prod").lines
        if "(standby region)" in line.component
    ]
    db = next(s for s in design.data.stores if s.name == "readings-db")
    assert db.recovery == "read-replica"


def test_rpo_zero_is_a_scoped_warning_and_the_design_stays_feasible(catalog: Catalog) -> None:
    design = design_system(_req(PAYMENTS, catalog), catalog)
    found = {c.id: c for c in design.conflicts}
    assert found["rpo-zero-scoped"].severity is Severity.WARNING
    assert "an AZ loss loses nothing" in found["rpo-zero-scoped"].detail
    assert "rto-rpo-unreachable" not in found
    assert design.feasible
    assert design.constraints.recovery.data_replication == "async-replica"
    assert any(
        a.field == "availability.rpo_scope" and a.value == "zone" for a in design.assumptions
    )


def test_rpo_zero_through_a_region_loss_names_the_stores_that_can_and_their_cost(
    catalog: Catalog,
) -> None:
    constraints = derive_constraints(_req(PAYMENTS, catalog, rpo_scope="region"), catalog)
    found = {c.id: c for c in constraints.conflicts}
    error = found["rpo-zero-region"]
    assert error.severity is Severity.ERROR
    assert "DynamoDB global tables, multi-Region strong consistency" in error.detail
    assert "Aurora DSQL" in error.detail
    # 500 GB x 3 regions x $0.25 and 500 GB x 2 regions x $0.33
    assert "$375/month" in error.detail
    assert "$330/month" in error.detail
    assert "rpo-zero-scoped" not in found
    assert "rto-rpo-unreachable" not in found  # one error, the one that says what can


def _with_threshold(catalog: Catalog, share: float) -> Catalog:
    policy = catalog.policy.model_copy(update={"months_within_budget": share})
    return catalog.model_copy(update={"policy": policy})


def test_the_topology_follows_the_monte_carlo_and_the_catalog_threshold(
    catalog: Catalog,
) -> None:
    req = _req(IOT, catalog)
    shipped = derive_constraints(req, catalog).topology
    single = next(c for c in shipped.candidates if c.standby_compute == "none")
    warm = next(c for c in shipped.candidates if c.standby_compute == "warm-standby")
    assert single.months_within_budget < warm.months_within_budget
    between = (single.months_within_budget + warm.months_within_budget) / 2
    low = derive_constraints(req, _with_threshold(catalog, single.months_within_budget)).topology
    high = derive_constraints(req, _with_threshold(catalog, between)).topology
    assert (low.name, low.regions, low.standby_compute) == ("single-region", 1, "none")
    assert (high.name, high.regions, high.standby_compute) == (
        "active-passive",
        2,
        "warm-standby",
    )
    assert high.meets_threshold
    assert low.meets_threshold
    assert f"must reach {between:.0%}" in high.why


def _dynamo(catalog: Catalog, **decisions: str) -> Requirements:
    text = f"""\
apiVersion: infra-architect/v1
kind: Requirements
metadata: {{name: wallet}}
system:
  services:
    - {{name: api, type: api, public: true, runtime: go, uses: [balances]}}
  datastores:
    - {{name: balances, engine: dynamodb, storage_gb: 100}}
traffic: {{requests_per_second: 200}}
availability: {{slo: 99.99}}
delivery: {{deploys_per_day: 1}}
team: {{size: 10, ops_experience: high}}
decisions: {decisions or {}}
"""
    return validate_document(parse_document(text, "wallet.yaml"), catalog.regions)


def test_one_region_holds_four_nines_when_the_simulation_says_so(catalog: Catalog) -> None:
    # Well-Architected's 99.99% scenario: one region, three AZs, a regional store
    topology = derive_constraints(_dynamo(catalog), catalog).topology
    assert (topology.name, topology.standby_compute, topology.meets_threshold) == (
        "single-region",
        "none",
        True,
    )


def test_single_region_pin_at_four_nines_is_accepted_with_a_warning(catalog: Catalog) -> None:
    # a stricter share of months than one region keeps: two regions serving are chosen...
    strict = _with_threshold(catalog, 0.95)
    unpinned = derive_constraints(_dynamo(catalog), strict).topology
    assert unpinned.name == "active-active"
    # ...and pinning one region is the user's trade: a warning, not a refusal
    design = design_system(_dynamo(catalog, topology="single-region"), strict)
    assert design.availability.regions == 1
    assert design.constraints.topology.name == "single-region"
    warning = next(c for c in design.conflicts if c.id == "topology-pin-below-simulation")
    assert warning.severity is Severity.WARNING
    assert "two regions serving" in warning.detail
    assert design.feasible


def test_active_active_runs_full_capacity_and_multi_writer_stores(catalog: Catalog) -> None:
    design: Design = design_system(_dynamo(catalog), _with_threshold(catalog, 0.95))
    assert design.availability.decision.selected.startswith("active-active")
    recovery = design.constraints.recovery
    assert (recovery.standby_compute, recovery.data_replication) == (
        "active-active",
        "multi-writer",
    )
    assert recovery.standby_share == 1.0
    store = design.data.stores[0]
    assert store.recovery == "global-table"
    assert "writes in both regions" in store.cross_region
    assert not [s for s in design.data.stores if s.recovery == "read-replica"]
    # the second region is the first again, line for line
    lines = design.cost.environment("prod").lines
    second = {
        line.component.removesuffix(" (second region)"): line.monthly_usd.value
        for line in lines
        if line.component.endswith("(second region)")
    }
    assert second
    assert not [line for line in lines if "(standby region)" in line.component]
    first = {line.component: line.monthly_usd.value for line in lines if line.component in second}
    assert first == pytest.approx(second)
    # the floor's recovery region: the whole primary floor again
    floor = design.constraints.cost_floor
    primary = sum(line.monthly_usd.value for line in floor.lines[:-1])
    assert floor.lines[-1].monthly_usd.value == pytest.approx(primary, rel=1e-9)


def test_active_active_with_a_single_writer_database_is_refused(catalog: Catalog) -> None:
    req = _req(IOT, catalog)
    req = req.model_copy(
        update={"decisions": req.decisions.model_validate({"topology": "active-active"})}
    )
    with pytest.raises(ImpossiblePinError, match="multi-writer store"):
        design_system(req, catalog)


def test_warm_standby_floor_matches_the_designs_standby_share(catalog: Catalog) -> None:
    design = design_system(_req(IOT, catalog, rto_minutes=15), catalog)
    recovery = design.constraints.recovery
    assert recovery.standby_compute == "warm-standby"
    compute = _line(design.constraints, "Compute at minimum replicas (Fargate)")
    standby = next(line for line in recovery.lines if line.component == "Compute (recovery region)")
    assert standby.monthly_usd.value == pytest.approx(compute * recovery.standby_share)
    standby_lines = [
        line
        for line in design.cost.environment("prod").lines
        if line.component.endswith("(standby region)")
    ]
    # the standby's Fargate tasks are billed from the tasks it runs (prod's StandbySizing),
    # the rest at the standby's share or whole (load balancer, network)
    tasks = [ln for ln in standby_lines if ln.component.startswith("Fargate, standby tasks")]
    assert tasks
    shares = {
        line.quantity.inputs.get("standby_share") for line in standby_lines if line not in tasks
    }
    assert shares <= {recovery.standby_share, 1.0}
