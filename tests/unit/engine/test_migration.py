"""The migration plan: today's system (``existing:``) against the design it should become.

An ``existing:`` read back from the design itself has nothing to migrate; the degraded
one (a database single-AZ, no alarms, a service at one replica) has exactly those three
steps, safest first, each simulated better after than before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import Design, MigrationPlan, design_system
from infra_architect.render import design_json, render_all, render_docs
from infra_architect.spec import (
    ComputeChoice,
    DatastoreEngine,
    Existing,
    ExistingAlarm,
    ExistingDatastore,
    ExistingQueue,
    ExistingService,
    QueueEngine,
    Requirements,
    load_requirements,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "ecommerce.yaml"
DEGRADED_STORE = "orders-db"
DEGRADED_SERVICE = "checkout"
T = TypeVar("T")


def existing_as_designed(design: Design) -> Existing:
    """What the importer would read from the design's own generated tree."""
    prod = design.environment("prod")
    plans = {s.name: s for s in design.data.stores}
    targets = sorted({a.target or a.service for a in design.observability.cause_alarms} - {None})
    return Existing(
        source="generated-tree",
        compute=design.compute.platform,
        region=design.region,
        availability_zones=design.availability.availability_zones,
        services=[
            ExistingService(name=s.name, replicas=s.min_replicas, evidence=[f"k8s/{s.name}.yaml:1"])
            for s in prod.services
        ],
        datastores=[
            ExistingDatastore(
                name=s.name,
                engine=DatastoreEngine(plans[s.name].engine),
                instance_class=s.instance_class,
                multi_az=s.multi_az,
                replicas=s.read_replicas,
                backup_retention_days=s.backup_retention_days,
                evidence=[f"main.tf:{i + 10}"],
            )
            for i, s in enumerate(prod.stores)
        ],
        queues=[
            ExistingQueue(name=q.name, engine=QueueEngine(q.engine), dead_letter=q.dead_letter)
            for q in design.data.queues
        ],
        alarms=[
            ExistingAlarm(name=f"{t}-alarm", target=t, evidence=["observability.tf:3"])
            for t in targets
        ],
    )


def degraded(existing: Existing) -> Existing:
    return existing.model_copy(
        update={
            "alarms": [],
            "services": [
                s.model_copy(update={"replicas": 1}) if s.name == DEGRADED_SERVICE else s
                for s in existing.services
            ],
            "datastores": [
                d.model_copy(update={"multi_az": False}) if d.name == DEGRADED_STORE else d
                for d in existing.datastores
            ],
        }
    )


@pytest.fixture(scope="module")
def greenfield(catalog: Catalog) -> tuple[Requirements, Design]:
    req = load_requirements(EXAMPLE, catalog.regions.keys())
    return req, design_system(req, catalog)


def plan_for(catalog: Catalog, req: Requirements, existing: Existing) -> MigrationPlan:
    design = design_system(req.model_copy(update={"existing": existing}), catalog)
    assert design.migration is not None
    return design.migration


def test_greenfield_has_no_plan_and_no_key(greenfield: tuple[Requirements, Design]) -> None:
    _, design = greenfield
    assert design.migration is None
    assert '"migration"' not in design_json(design)
    assert "docs/migration.md" not in render_docs(design)


def test_existing_as_designed_has_nothing_to_migrate(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    plan = plan_for(catalog, req, existing_as_designed(design))
    assert plan.steps == []
    assert plan.start == plan.end
    subjects = {f.subject for f in plan.as_designed}
    assert {DEGRADED_STORE, DEGRADED_SERVICE, "compute"} <= subjects


def test_degraded_tree_has_exactly_the_three_steps(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    plan = plan_for(catalog, req, degraded(existing_as_designed(design)))
    assert [(s.id, s.stage) for s in plan.steps] == [
        ("add-alarms", "observability"),
        (f"raise-replicas-{DEGRADED_SERVICE}", "capacity"),
        (f"harden-{DEGRADED_STORE}", "data"),
    ]
    alarms, replicas, multi_az = plan.steps
    for step in plan.steps:
        assert step.after.downtime_minutes < step.before.downtime_minutes, step.id
    # cumulative: each step starts where the one before it ended
    assert plan.start == alarms.before
    assert plan.end == multi_az.after
    assert replicas.before == alarms.after
    assert multi_az.before == replicas.after
    assert multi_az.title == f"Enable Multi-AZ on {DEGRADED_STORE}"
    assert multi_az.changes == [f"{DEGRADED_STORE}: enable Multi-AZ (a standby in a second AZ)"]
    assert "add-alarms" in multi_az.depends_on
    assert "add-alarms" in replicas.depends_on
    assert multi_az.evidence == ["main.tf:10"]
    # Multi-AZ adds an instance; alarms cost cents; more replicas cost more
    assert (multi_az.monthly_usd or 0) > 100
    assert 0 < (alarms.monthly_usd or 0) < 10
    assert (replicas.monthly_usd or 0) > 0
    assert plan.unknown == [
        next(f for f in plan.unknown if f.subject == "system")
    ]  # only the bill is unread


def test_unknown_fact_is_listed_not_assumed(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    existing = existing_as_designed(design)
    existing = existing.model_copy(
        update={
            "datastores": [
                d.model_copy(update={"multi_az": None}) if d.name == DEGRADED_STORE else d
                for d in existing.datastores
            ]
        }
    )
    plan = plan_for(catalog, req, existing)
    assert plan.steps == []
    fact = next(f for f in plan.unknown if f.subject == DEGRADED_STORE)
    assert fact.fact == "Multi-AZ: unknown in the code: verify"


def test_only_what_the_design_relies_on_is_left_to_verify(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    """A cron job has no replica floor and a cache kept without snapshots has no backups
    to check: unread, they are not "unknown"; a floor the design keeps still is."""
    req, design = greenfield
    stores = {s.name: s for s in design.environment("prod").stores}
    unbacked = next(n for n, s in stores.items() if s.backup_retention_days == 0)
    existing = existing_as_designed(design)
    existing = existing.model_copy(
        update={
            "services": [
                s.model_copy(update={"replicas": None})
                if s.name in {"sitemap", DEGRADED_SERVICE}
                else s
                for s in existing.services
            ],
            "datastores": [
                d.model_copy(update={"backup_retention_days": None}) if d.name == unbacked else d
                for d in existing.datastores
            ],
        }
    )
    plan = plan_for(catalog, req, existing)
    assert plan.steps == []
    listed = {f.subject: f.fact for f in plan.unknown if f.subject != "system"}
    assert listed == {DEGRADED_SERVICE: "replicas: unknown in the code: verify"}


def test_migration_doc_lists_the_steps(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    existing = existing_as_designed(design)
    same = render_docs(design_system(req.model_copy(update={"existing": existing}), catalog))
    assert "Nothing to migrate" in same["docs/migration.md"]
    files = render_docs(
        design_system(req.model_copy(update={"existing": degraded(existing)}), catalog)
    )
    doc = files["docs/migration.md"]
    assert (
        doc
        == render_docs(
            design_system(req.model_copy(update={"existing": degraded(existing)}), catalog)
        )["docs/migration.md"]
    )
    rows = [line for line in doc.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 3
    assert f"## 3. Enable Multi-AZ on {DEGRADED_STORE}" in doc
    assert "`main.tf:10`" in doc
    assert "## Already as designed" in doc
    assert "Nothing to migrate" not in doc


def test_brownfield_report_and_architecture_link_the_plan(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    existing = degraded(existing_as_designed(design))
    files = render_all(design_system(req.model_copy(update={"existing": existing}), catalog))
    assert "[migration.md](migration.md)" in files["docs/architecture.md"]
    assert 'href="#migration"' in files["report.html"]
    assert "migration.md" not in render_docs(design)["docs/architecture.md"]


def _without(items: list[T], name: str) -> list[T]:
    return [i for i in items if getattr(i, "name", None) != name]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda e: e.model_copy(update={"compute": ComputeChoice.ECS_FARGATE}),
            [("migrate-platform", "platform")],
            id="other-platform",
        ),
        pytest.param(
            lambda e: e.model_copy(update={"datastores": _without(e.datastores, "sessions")}),
            [("create-sessions", "data")],
            id="store-missing",
        ),
        pytest.param(
            lambda e: e.model_copy(update={"services": _without(e.services, "payments")}),
            [("create-payments", "platform")],
            id="service-missing",
        ),
        pytest.param(
            lambda e: e.model_copy(
                update={
                    "services": [
                        *e.services,
                        ExistingService(
                            name="legacy-cron", replicas=1, evidence=["k8s/legacy.yaml:4"]
                        ),
                    ]
                }
            ),
            [("decommission-legacy-cron", "decommission")],
            id="extra-service",
        ),
        pytest.param(
            lambda e: e.model_copy(
                update={"queues": [q.model_copy(update={"dead_letter": False}) for q in e.queues]}
            ),
            [("add-dead-letter-order-events", "capacity")],
            id="no-dead-letter",
        ),
        pytest.param(
            lambda e: e.model_copy(
                update={
                    "datastores": [
                        d.model_copy(update={"instance_class": "db.r6g.large"})
                        if d.name == DEGRADED_STORE
                        else d
                        for d in e.datastores
                    ]
                }
            ),
            [(f"resize-{DEGRADED_STORE}", "data")],
            id="smaller-class",
        ),
        pytest.param(
            lambda e: e.model_copy(
                update={
                    "datastores": [
                        d.model_copy(update={"backup_retention_days": 1})
                        if d.name == DEGRADED_STORE
                        else d
                        for d in e.datastores
                    ]
                }
            ),
            [(f"harden-{DEGRADED_STORE}", "data")],
            id="short-backups",
        ),
    ],
)
def test_each_difference_is_one_step(
    catalog: Catalog,
    greenfield: tuple[Requirements, Design],
    change: Callable[[Existing], Existing],
    expected: list[tuple[str, str]],
) -> None:
    req, design = greenfield
    plan = plan_for(catalog, req, change(existing_as_designed(design)))
    assert [(s.id, s.stage) for s in plan.steps] == expected
    step = plan.steps[0]
    assert step.files
    assert step.risk.rollback


def test_platform_move_is_leaves_first(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    existing = existing_as_designed(design).model_copy(
        update={"compute": ComputeChoice.ECS_FARGATE}
    )
    (step,) = plan_for(catalog, req, existing).steps
    moved = [c.split(" ")[1] for c in step.changes]
    for name in moved:
        for call in req.service(name).calls:
            assert moved.index(call.service) < moved.index(name), (name, call.service)


def test_resize_is_priced_from_the_catalog(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    existing = existing_as_designed(design)
    existing = existing.model_copy(
        update={
            "datastores": [
                d.model_copy(update={"instance_class": "db.r6g.large"})
                if d.name == DEGRADED_STORE
                else d
                for d in existing.datastores
            ]
        }
    )
    (step,) = plan_for(catalog, req, existing).steps
    # the design's xlarge costs more than today's large
    assert (step.monthly_usd or 0) > 0


def test_the_steps_end_where_the_design_is(
    catalog: Catalog, greenfield: tuple[Requirements, Design]
) -> None:
    req, design = greenfield
    existing = existing_as_designed(design)
    target = plan_for(catalog, req, existing).start
    plan = plan_for(catalog, req, degraded(existing))
    assert plan.end == target
    assert plan.start.downtime_minutes > target.downtime_minutes
