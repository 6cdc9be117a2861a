"""Odd but valid requirements are designed, and loads no deployment can carry are
conflicts (issue 16): the engine never crashes on what the spec accepts, and
``constraints`` says what ``design`` would stop on."""

from __future__ import annotations

import pytest

from infra_architect.engine import (
    Constraints,
    ImpossiblePinError,
    Severity,
    check_pins,
    derive_constraints,
    design_only_checks,
    design_system,
)
from infra_architect.engine._capacity import MAX_REPLICAS
from infra_architect.render import render_all
from infra_architect.spec import (
    Requirements,
    cron_problem,
    entry_services,
    parse_document,
    validate_document,
)
from infra_architect.spec._semantic import cron_runs_per_month, five_fields
from tests.conftest import VALID

WORKER = "- {name: worker, type: worker, uses: [events]}"


def _requirements(catalog, text: str) -> Requirements:
    return validate_document(parse_document(text, "s.yaml"), catalog.regions)


def _constraints(catalog, text: str) -> Constraints:
    return derive_constraints(_requirements(catalog, text), catalog)


@pytest.mark.parametrize(
    "worker",
    [
        "- {name: worker, type: worker}",
        "- {name: worker, type: worker, uses: [db]}",
    ],
    ids=["uses-nothing", "polls-a-table"],
)
@pytest.mark.parametrize("compute", ["ecs-fargate", "eks"])
def test_a_worker_without_a_queue_scales_on_cpu_and_renders(catalog, worker, compute) -> None:
    text = VALID.replace(WORKER, worker) + f"decisions: {{compute: {compute}}}\n"
    text = text.replace(
        "team: {size: 6, ops_experience: medium}",
        "team: {size: 6, ops_experience: high, kubernetes_experience: medium}",
    )
    design = design_system(_requirements(catalog, text), catalog)
    plan = next(s for s in design.compute.services if s.name == "worker")
    assert plan.autoscaling is not None
    assert plan.autoscaling.metric == "cpu-utilisation"
    files = render_all(design)
    assert not any(
        "queue" in text and "worker" in name
        for name, text in files.items()
        if name.endswith("hpa.yaml")
    )


@pytest.mark.parametrize(
    ("macro", "fields"),
    [
        ("@hourly", "0 * * * *"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@ANNUALLY", "0 0 1 1 *"),
        ("  15   2 * *  1-5 ", "15 2 * * 1-5"),
    ],
)
def test_schedules_are_five_fields_in_the_design(macro: str, fields: str) -> None:
    assert five_fields(macro) == fields
    assert cron_problem(fields) is None
    assert cron_runs_per_month(fields) == pytest.approx(cron_runs_per_month(macro))


def test_a_cron_macro_renders_an_eventbridge_schedule(catalog) -> None:
    text = VALID.replace(WORKER, "- {name: worker, type: cron, schedule: '@hourly'}")
    design = design_system(_requirements(catalog, text), catalog)
    assert next(s for s in design.compute.services if s.name == "worker").schedule == "0 * * * *"
    files = render_all(design)
    assert any("0 * * * ? *" in text for name, text in files.items() if name.endswith("main.tf"))


BILLION_USERS = "traffic: {concurrent_users: 1000000000, requests_per_user_per_minute: 10000}"


def test_a_load_beyond_one_deployment_is_a_conflict_and_bounds_stop(catalog) -> None:
    text = VALID.replace("traffic: {requests_per_second: 100}", BILLION_USERS)
    constraints = _constraints(catalog, text)
    beyond = [c for c in constraints.conflicts if c.id == "load-beyond-one-deployment"]
    assert {c.severity for c in beyond} == {Severity.ERROR}
    assert {c.title.split(" ")[0] for c in beyond} >= {"web", "api"}
    design = design_system(_requirements(catalog, text), catalog)
    assert not design.feasible
    assert max(s.max_replicas for s in design.compute.services) == MAX_REPLICAS
    assert max(s.max_replicas for e in design.environments for s in e.services) <= MAX_REPLICAS


def test_a_store_no_database_class_serves_is_a_conflict(catalog) -> None:
    text = VALID.replace("traffic: {requests_per_second: 100}", BILLION_USERS)
    found = {c.id: c for c in _constraints(catalog, text).conflicts}
    assert found["store-load-beyond-largest-class"].severity is Severity.ERROR
    assert "db must serve" in found["store-load-beyond-largest-class"].title
    design = design_system(_requirements(catalog, text), catalog)
    db = next(s for s in design.data.stores if s.name == "db")
    assert db.instance_class == catalog.design.db_classes[-1].class_


def test_an_ordinary_spec_is_far_from_the_bounds(catalog) -> None:
    ids = {c.id for c in _constraints(catalog, VALID).conflicts}
    assert not ids & {
        "load-beyond-one-deployment",
        "store-load-beyond-largest-class",
        "terraform-not-generated",
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("{name: events, engine: sqs}", "{name: events, engine: kafka}"),
        ("{name: events, engine: sqs}", "{name: events, engine: rabbitmq}"),
        ("{name: events, engine: sqs}", "{name: events, engine: kinesis}"),
        ("{name: db, engine: postgres}", "{name: db, engine: redis, role: primary}"),
    ],
    ids=["kafka", "rabbitmq", "kinesis", "redis-primary"],
)
def test_streams_and_memorydb_are_designed_without_a_gap(catalog, old, new) -> None:
    """Every queue engine and a redis primary are buildable (catalog/buildable.yaml): the
    constraints announce no Terraform gap and the design sizes them."""
    text = VALID.replace(old, new, 1)
    assert "terraform-not-generated" not in {c.id for c in _constraints(catalog, text).conflicts}
    design = design_system(_requirements(catalog, text), catalog)
    assert design.feasible


def test_a_pinned_platform_without_a_module_is_refused_by_constraints_and_design(catalog) -> None:
    text = VALID.replace("team: {size: 6,", "decisions: {compute: lambda}\nteam: {size: 6,")
    requirements = _requirements(catalog, text)
    with pytest.raises(ImpossiblePinError, match="builds no Terraform for lambda"):
        check_pins(requirements, derive_constraints(requirements, catalog), catalog)
    with pytest.raises(ImpossiblePinError, match="builds no Terraform for lambda"):
        design_system(requirements, catalog)


def test_pins_fail_in_constraints_as_in_design(catalog) -> None:
    text = VALID.replace(
        "team: {size: 6, ops_experience: medium}",
        "team: {size: 2, ops_experience: low}\ndecisions: {compute: eks, topology: single-region}",
    )
    requirements = _requirements(catalog, text)
    with pytest.raises(ImpossiblePinError) as checked:
        check_pins(requirements, derive_constraints(requirements, catalog), catalog)
    with pytest.raises(ImpossiblePinError) as designed:
        design_system(requirements, catalog)
    assert checked.value.problems == designed.value.problems


def test_constraints_say_design_prices_the_budget(catalog) -> None:
    within = _requirements(catalog, VALID + "budget: {monthly_usd: 1500}\n")
    constraints = derive_constraints(within, catalog)
    [check] = design_only_checks(within, constraints)
    assert check.startswith("budget: $1,500/month covers the cost floor")
    below = _requirements(catalog, VALID + "budget: {monthly_usd: 10}\n")
    assert design_only_checks(below, derive_constraints(below, catalog)) == []
    assert design_only_checks(_requirements(catalog, VALID), _constraints(catalog, VALID)) == []


def test_a_worker_calling_the_only_web_service_leaves_it_the_entry(catalog) -> None:
    """Calls from a worker are no request path: the web service still takes the traffic
    and the load balancer still fronts it (it fronted nothing, and no Terraform came)."""
    text = VALID.replace("      public: true\n", "").replace(
        WORKER, "- {name: worker, type: worker, uses: [events], calls: [web]}"
    )
    requirements = _requirements(catalog, text)
    assert entry_services(requirements) == ["web"]
    design = design_system(requirements, catalog)
    assert {f.target for f in design.network.flows if f.source == "alb"} == {"web"}
    render_all(design)  # raises UnbuildableDesignError if Terraform cannot be built


def test_redis_as_primary_under_compliance_gets_terraform(catalog) -> None:
    text = (
        VALID.replace("{name: db, engine: postgres}", "{name: db, engine: redis, role: primary}")
        + "compliance: [pci-dss]\n"
    )
    design = design_system(_requirements(catalog, text), catalog)
    render_all(design)  # raises UnbuildableDesignError if Terraform cannot be built
