"""The migration plan: from what runs today (the spec's ``existing:``) to the design.

Every difference becomes one pull-request-sized step, ordered by risk, safest first:
observability (alarms watch what later steps change), capacity (replica floors,
dead-letter queues), data (Multi-AZ, replicas, backups, sizes, new stores), the
platform, and decommissioning last, once traffic has moved. Each step's availability
effect is simulated on the worst entry path (the same reliability block diagrams and
Monte Carlo as the design's own availability study), with every step before it applied:
the plan is cumulative, so the figures read as a sequence. A fact the importer could not
read (None) is never assumed either way: it is listed as unknown, to verify.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from infra_architect._figures import number
from infra_architect.catalog import Catalog
from infra_architect.engine._addresses import queue_module, store_module
from infra_architect.engine._design_model import Design, QueuePlan, StorePlan
from infra_architect.engine._migration_model import (
    KnownFact,
    MigrationPlan,
    MigrationStep,
    PathFigures,
    Stage,
    StepRisk,
)
from infra_architect.engine._region_study import Caps, PathShape, StoreShape, path_tree
from infra_architect.engine.choose._availability import store_sla
from infra_architect.simulate import MONTH_MINUTES, Block, Component, closed_form, monte_carlo
from infra_architect.spec import (
    DatastoreEngine,
    DatastoreRole,
    Existing,
    ExistingDatastore,
    ExistingQueue,
    ExistingService,
    Requirements,
    ServiceType,
    entry_services,
)

STAGES: tuple[Stage, ...] = ("observability", "capacity", "data", "platform", "decommission")
"""Risk order, safest first: a step of an earlier stage never waits on a later one."""

PROD = "prod"
HOURS_PER_MONTH = 730
UNKNOWN = "unknown in the code: verify"
ALARM_PRICE_KEY = "cloudwatch_alarm_month"


# --- the simulated state ----------------------------------------------------------


@dataclass(frozen=True)
class _State:
    """What the availability simulation needs of one point in the migration."""

    replicas: dict[str, int]
    multi_az: dict[str, bool]
    watched: frozenset[str]


def _design_state(design: Design) -> _State:
    prod = design.environment(PROD)
    return _State(
        replicas={s.name: s.min_replicas for s in prod.services},
        multi_az={s.name: s.multi_az for s in prod.stores},
        watched=frozenset(_alarm_targets(design)),
    )


def _today_state(design: Design, existing: Existing) -> _State:
    """Today: the existing facts where read; where unknown, the design's (so an unknown
    fact is neither credited nor blamed in the simulation, only listed)."""
    designed = _design_state(design)
    services = {s.name: s for s in existing.services}
    stores = {s.name: s for s in existing.datastores}
    replicas = {
        name: (
            services[name].replicas
            if name in services and services[name].replicas is not None
            else count
        )
        for name, count in designed.replicas.items()
    }
    multi = {
        name: (
            bool(stores[name].multi_az)
            if name in stores and stores[name].multi_az is not None
            else value
        )
        for name, value in designed.multi_az.items()
    }
    watched = frozenset(a.target for a in existing.alarms if a.target is not None)
    return _State(
        replicas={k: v or 0 for k, v in replicas.items()}, multi_az=multi, watched=watched
    )


def _alarm_targets(design: Design) -> list[str]:
    """What the design alarms on: each cause alarm's store, queue or service."""
    targets = {a.target or a.service for a in design.observability.cause_alarms}
    return sorted(t for t in targets if t is not None)


@dataclass(frozen=True)
class _Simulator:
    req: Requirements
    catalog: Catalog
    design: Design

    def run(self, state: _State) -> PathFigures:
        sim = self.catalog.design.simulation
        budget = self.design.constraints.error_budget.per_30_days.value
        worst: PathFigures | None = None
        entries = entry_services(self.req) or [self.req.system.services[0].name]
        for entry in entries:
            built, _ = path_tree(
                self.req,
                self.catalog,
                entry,
                self._shape(state),
                azs=self.design.availability.availability_zones,
                caps=self._caps(),
            )
            unwatched = frozenset(_alarm_targets(self.design)) - state.watched
            tree = _unwatched(built, unwatched, sim.unalarmed_detection_minutes)
            mc = monte_carlo(
                tree, trials=sim.monte_carlo_trials, seed=sim.seed, budget_minutes=budget
            )
            figures = PathFigures(
                path=entry,
                downtime_minutes=round((1 - closed_form(tree)) * MONTH_MINUTES, 4),
                p90_minutes=round(mc.downtime_p90_minutes, 2),
                months_within_budget=round(mc.meets_slo, 4),
                budget_minutes=round(budget, 2),
            )
            if worst is None or (figures.downtime_minutes, figures.path) > (
                worst.downtime_minutes,
                worst.path,
            ):
                worst = figures
        assert worst is not None  # noqa: S101  (a spec has at least one service)
        return worst

    def _shape(self, state: _State) -> PathShape:
        platform = self.design.compute.platform
        return PathShape(
            front="api-gateway" if platform.value == "lambda" else "alb",
            replica="node" if platform.kubernetes else "task",
            repair_minutes=None,
            replicas=state.replicas,
            stores={
                s.name: StoreShape(
                    sla=store_sla(
                        DatastoreEngine(s.engine),
                        DatastoreRole(s.role),
                        multi=state.multi_az.get(s.name, s.multi_az),
                        aurora=s.kind == "aurora",
                    ),
                    multi_az=state.multi_az.get(s.name, s.multi_az),
                )
                for s in self.design.data.stores
            },
        )

    def _caps(self) -> Caps:
        chosen = self.design.constraints.topology.chosen
        if chosen.name == "active-active":
            dns = self.catalog.design.timings.dns_failover_seconds / 60
            return Caps(region=dns, every_component=dns)
        return Caps(region=chosen.region_outage_minutes)


def _unwatched(
    node: Component | Block, unwatched: frozenset[str], delay: float
) -> Component | Block:
    """The tree with every outage of ``unwatched`` (what the design alarms on and today
    does not) lasting ``delay`` longer: nobody is paged, so it lasts until someone notices.
    What the design itself leaves unalarmed is simulated as the design's own study does."""
    if isinstance(node, Component):
        if node.name.rsplit("-replica-", 1)[0] not in unwatched:
            return node
        return node.model_copy(update={"repair_minutes": node.repair_minutes + delay})
    return node.model_copy(
        update={"children": [_unwatched(c, unwatched, delay) for c in node.children]}
    )


# --- the steps --------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    """A step before it is simulated: how it changes the state, and its words."""

    id: str
    stage: Stage
    title: str
    changes: list[str]
    files: list[str]
    why: str
    evidence: list[str]
    monthly_usd: float | None
    cost_worked: str
    risk: StepRisk
    apply: Callable[[_State], _State]
    depends_on: list[str]


def _same(state: _State) -> _State:
    return state


def plan_migration(req: Requirements, catalog: Catalog, design: Design) -> MigrationPlan | None:
    """The plan from ``req.existing`` to ``design`` (None: greenfield, nothing exists)."""
    existing = req.existing
    if existing is None:
        return None
    drafts = [
        *_alarm_drafts(design, existing, catalog),
        *_replica_drafts(design, existing),
        *_queue_drafts(design, existing),
        *_store_drafts(design, existing, catalog),
        *_create_drafts(design, existing),
        *_service_drafts(req, design, existing),
        *_platform_drafts(req, design, existing),
        *_decommission_drafts(design, existing),
    ]
    drafts.sort(key=lambda d: STAGES.index(d.stage))
    simulator = _Simulator(req, catalog, design)
    state = _today_state(design, existing)
    start = simulator.run(state)
    steps: list[MigrationStep] = []
    for number_, draft in enumerate(drafts, start=1):
        before = simulator.run(state)
        state = draft.apply(state)
        steps.append(
            MigrationStep(
                number=number_,
                id=draft.id,
                stage=draft.stage,
                title=draft.title,
                changes=draft.changes,
                files=draft.files,
                why=draft.why,
                evidence=draft.evidence,
                depends_on=draft.depends_on,
                before=before,
                after=simulator.run(state),
                monthly_usd=draft.monthly_usd,
                cost_worked=draft.cost_worked,
                risk=draft.risk,
            )
        )
    return MigrationPlan(
        source=existing.source,
        today_monthly_usd=existing.monthly_usd,
        today_monthly_usd_source=existing.monthly_usd_source,
        designed_monthly_usd=round(design.cost.environment(PROD).total_monthly_usd.value, 2),
        start=start,
        end=simulator.run(state),
        steps=steps,
        as_designed=_as_designed(design, existing),
        unknown=_unknown(design, existing),
        unalarmed_detection_minutes=catalog.design.simulation.unalarmed_detection_minutes,
        alarm_grouping="one step adds every missing alarm and alerting rule: they only "
        "observe (no traffic or data changes), so they ship together and go live before "
        "the changes they watch",
    )


def _alarm_drafts(design: Design, existing: Existing, catalog: Catalog) -> list[_Draft]:
    have = {a.target for a in existing.alarms if a.target is not None}
    missing = [t for t in _alarm_targets(design) if t not in have]
    if not missing:
        return []
    alarms = [
        a
        for a in design.observability.cause_alarms
        if (a.target or a.service) in missing and PROD in a.environments
    ]
    cloudwatch = [a for a in alarms if a.rendered_in == "cloudwatch"]
    unit = catalog.price_catalog.usd(ALARM_PRICE_KEY, design.region)
    files = sorted(
        {
            "infra/terraform/modules/observability/main.tf"
            if a.rendered_in == "cloudwatch"
            else (
                f"infra/k8s/base/{a.service}/prometheusrule.yaml"
                if a.service is not None
                else "infra/k8s/base/cause-alerts.yaml"
            )
            for a in alarms
        }
    )
    names = sorted({a.name for a in alarms})
    return [
        _Draft(
            id="add-alarms",
            stage="observability",
            title=f"Add the design's alarms on {_listed(missing)}",
            changes=[f"add {name}" for name in names],
            files=files,
            why=f"{design.observability.decision.title}: {design.observability.decision.selected}"
            "; every cause the runbooks name is alarmed",
            evidence=sorted({e for a in existing.alarms for e in a.evidence}),
            monthly_usd=round(len(cloudwatch) * unit, 2),
            cost_worked=f"{len(cloudwatch)} CloudWatch alarms x ${unit:g}/alarm-month "
            f"({len(alarms) - len(cloudwatch)} Prometheus rules: no charge)",
            risk=StepRisk(
                level="low",
                what_can_go_wrong="noisy or missing pages while thresholds meet real traffic",
                rollback="remove the alarms (nothing else depends on them)",
            ),
            apply=lambda s: replace(s, watched=s.watched | frozenset(missing)),
            depends_on=[],
        )
    ]


def _replica_drafts(design: Design, existing: Existing) -> list[_Draft]:
    prod = design.environment(PROD)
    drafts = []
    for today in existing.services:
        size = next((s for s in prod.services if s.name == today.name), None)
        if size is None or today.replicas is None or today.replicas >= size.min_replicas:
            continue
        per_replica = _per_replica_usd(design, today.name)
        added = size.min_replicas - today.replicas
        drafts.append(
            _Draft(
                id=f"raise-replicas-{today.name}",
                stage="capacity",
                title=f"Raise {today.name}'s replica floor from {today.replicas} to "
                f"{size.min_replicas}",
                changes=[f"{today.name}: minimum replicas {today.replicas} -> {size.min_replicas}"],
                files=[_service_file(design, today.name)],
                why=_floor_why(design, today.name, size.min_replicas),
                evidence=list(today.evidence),
                monthly_usd=round(added * per_replica, 2) if per_replica is not None else None,
                cost_worked=f"{added} replicas x ${number(round(per_replica, 2))}/month "
                "(the prod compute lines shared by vCPU at the floor)"
                if per_replica is not None
                else "not priced: the design bills no compute per replica on this platform",
                risk=StepRisk(
                    level="low",
                    what_can_go_wrong="the new replicas need nodes or IPs; connection pools to "
                    "the stores grow with them",
                    rollback=f"set the floor back to {today.replicas}",
                ),
                apply=_with_replicas(today.name, size.min_replicas),
                depends_on=["add-alarms"] if _unwatched_in(design, existing, today.name) else [],
            )
        )
    return drafts


def _floor_why(design: Design, service: str, floor: int) -> str:
    sized = design.constraints.service(service).min_replicas
    raised = (
        f", raised to {floor} by the design's spike and fault studies"
        if floor > sized.value
        else ""
    )
    return (
        f"{design.compute.decision.title} ({design.compute.decision.selected}): prod keeps "
        f"at least {floor} replicas of {service}; sized as {sized.formula}: {sized.worked}" + raised
    )


def _with_replicas(name: str, count: int) -> Callable[[_State], _State]:
    return lambda s: replace(s, replicas={**s.replicas, name: count})


def _with_multi_az(name: str) -> Callable[[_State], _State]:
    return lambda s: replace(s, multi_az={**s.multi_az, name: True})


def _unwatched_in(design: Design, existing: Existing, target: str) -> bool:
    """The alarm step comes first when the design alarms on ``target`` and today does not."""
    have = {a.target for a in existing.alarms}
    return target in _alarm_targets(design) and target not in have


def _per_replica_usd(design: Design, service: str) -> float | None:
    lines = design.cost.environment(PROD).lines
    own = [line for line in lines if line.workload == service and line.category == "compute"]
    sizes = {s.name: s for s in design.environment(PROD).services}
    if own:
        floor = max(sizes[service].min_replicas, 1)
        return sum(line.monthly_usd.value for line in own) / floor
    shared = [line for line in lines if line.category == "compute" and not line.workload]
    vcpu = sum(s.vcpu * s.min_replicas for s in sizes.values())
    if not shared or vcpu <= 0:
        return None
    return sum(line.monthly_usd.value for line in shared) * sizes[service].vcpu / vcpu


def _service_file(design: Design, service: str) -> str:
    if design.compute.platform.kubernetes:
        return "infra/k8s/overlays/prod/horizontalpodautoscalers.yaml"
    del service
    return "infra/terraform/environments/prod/main.tf"


def _queue_drafts(design: Design, existing: Existing) -> list[_Draft]:
    planned = {q.name: q for q in design.data.queues}
    drafts = []
    for today in existing.queues:
        queue = planned.get(today.name)
        if queue is None or not queue.dead_letter or today.dead_letter is not False:
            continue
        drafts.append(
            _Draft(
                id=f"add-dead-letter-{today.name}",
                stage="capacity",
                title=f"Add a dead-letter queue to {today.name}",
                changes=[
                    (
                        f"{today.name}: redrive to a dead-letter queue after "
                        f"{queue.max_receive_count} receives"
                    )
                ],
                files=[_queue_file(queue)],
                why=queue.why,
                evidence=list(today.evidence),
                monthly_usd=0.0,
                cost_worked="an empty queue is billed per request only",
                risk=StepRisk(
                    level="low",
                    what_can_go_wrong="poison messages now leave the queue after "
                    f"{queue.max_receive_count} receives instead of retrying for ever",
                    rollback="remove the redrive policy",
                ),
                apply=_same,
                depends_on=["add-alarms"] if _unwatched_in(design, existing, today.name) else [],
            )
        )
    return drafts


def _queue_file(queue: QueuePlan) -> str:
    return f"infra/terraform/environments/prod/main.tf (module.{queue_module(queue)})"


def _store_file(store: StorePlan) -> str:
    return f"infra/terraform/environments/prod/main.tf (module.{store_module(store)})"


def _store_drafts(design: Design, existing: Existing, catalog: Catalog) -> list[_Draft]:
    planned = {s.name: s for s in design.data.stores}
    sizes = {s.name: s for s in design.environment(PROD).stores}
    drafts = []
    for today in existing.datastores:
        store = planned.get(today.name)
        if store is None:
            continue
        size = sizes[today.name]
        drafts.extend(_store_resilience(design, existing, today, store, size.read_replicas))
        if today.instance_class is not None and today.instance_class != size.instance_class:
            drafts.append(
                _resize(
                    design,
                    existing=existing,
                    today=today,
                    store=store,
                    designed=size.instance_class,
                    catalog=catalog,
                )
            )
    return drafts


def _store_resilience(
    design: Design, existing: Existing, today: ExistingDatastore, store: StorePlan, replicas: int
) -> list[_Draft]:
    changes: list[str] = []
    add_instances = 0
    multi = store.multi_az and today.multi_az is False
    if multi:
        changes.append(f"{today.name}: enable Multi-AZ (a standby in a second AZ)")
        add_instances += 1
    if today.replicas is not None and today.replicas < replicas:
        changes.append(f"{today.name}: read replicas {today.replicas} -> {replicas}")
        add_instances += replicas - today.replicas
    if (
        today.backup_retention_days is not None
        and today.backup_retention_days < store.backup_retention_days
    ):
        changes.append(
            f"{today.name}: backup retention {today.backup_retention_days} -> "
            f"{store.backup_retention_days} days"
        )
    if not changes:
        return []
    unit = _instance_usd(design, today.name)
    title = (
        f"Enable Multi-AZ on {today.name}"
        if multi
        else f"Bring {today.name}'s replicas and backups to the design"
    )
    return [
        _Draft(
            id=f"harden-{today.name}",
            stage="data",
            title=title,
            changes=changes,
            files=[_store_file(store)],
            why=store.why,
            evidence=list(today.evidence),
            monthly_usd=round(add_instances * unit, 2) if unit is not None else None,
            cost_worked=f"{add_instances} more instance(s) x ${number(round(unit, 2))}/month "
            "(the design's price for its class); longer backups bill only beyond the "
            "free allowance"
            if unit is not None
            else "not priced: the design bills no instance for this store",
            risk=StepRisk(
                level="medium",
                what_can_go_wrong="enabling Multi-AZ or a replica copies the data (higher "
                "latency and I/O while it syncs); apply it in a quiet hour",
                rollback="modify the store back (no data is lost either way)",
            ),
            apply=_with_multi_az(today.name) if multi else _same,
            depends_on=["add-alarms"] if _unwatched_in(design, existing, today.name) else [],
        )
    ]


def _instance_usd(design: Design, store: str) -> float | None:
    """One instance of ``store`` a month, from the design's own line item."""
    for line in design.cost.environment(PROD).lines:
        if line.workload == store and line.unit.endswith("-hour") and line.category != "recovery":
            return line.unit_usd * HOURS_PER_MONTH
    return None


def _resize(
    design: Design,
    *,
    existing: Existing,
    today: ExistingDatastore,
    store: StorePlan,
    designed: str | None,
    catalog: Catalog,
) -> _Draft:
    unit = _instance_usd(design, today.name)
    line = next(
        (
            line
            for line in design.cost.environment(PROD).lines
            if line.workload == today.name and line.unit.endswith("-hour")
        ),
        None,
    )
    today_unit = None
    if line is not None and designed is not None and today.instance_class is not None:
        key = line.price_key.replace(_price_part(designed), _price_part(today.instance_class))
        if key in catalog.price_catalog.items:
            today_unit = catalog.price_catalog.usd(key, design.region) * HOURS_PER_MONTH
    nodes = round(line.quantity.value / HOURS_PER_MONTH) if line is not None else 0
    priced = unit is not None and today_unit is not None
    return _Draft(
        id=f"resize-{today.name}",
        stage="data",
        title=f"Resize {today.name} from {today.instance_class} to {designed}",
        changes=[f"{today.name}: instance class {today.instance_class} -> {designed}"],
        files=[_store_file(store)],
        why=store.why,
        evidence=list(today.evidence),
        monthly_usd=round(nodes * ((unit or 0) - (today_unit or 0)), 2) if priced else None,
        cost_worked=f"{nodes} instance(s) x (${number(round(unit or 0))} - "
        f"${number(round(today_unit or 0))})/month"
        if priced
        else f"not priced: {today.instance_class} is not in the price catalog",
        risk=StepRisk(
            level="medium",
            what_can_go_wrong="a class change restarts the instance (a failover when "
            "Multi-AZ, minutes of downtime when not)",
            rollback=f"resize back to {today.instance_class}",
        ),
        apply=_same,
        depends_on=["add-alarms"] if _unwatched_in(design, existing, today.name) else [],
    )


def _price_part(instance_class: str) -> str:
    """``db.r6g.xlarge`` as it appears in a price key: ``db_r6g_xlarge``."""
    return instance_class.replace(".", "_").replace("-", "_")


def _create_drafts(design: Design, existing: Existing) -> list[_Draft]:
    """Stores and queues the design has and today does not. A kind the importer read
    nothing of is unknown (listed), not planned: reading no store is not knowing of none."""
    lines = design.cost.environment(PROD).lines
    have_stores = {s.name for s in existing.datastores}
    have_queues = {q.name for q in existing.queues}
    planned: list[tuple[StorePlan | QueuePlan, str, StepRisk]] = [
        (store, _store_file(store), _NEW_STORE_RISK)
        for store in (design.data.stores if have_stores else [])
        if store.name not in have_stores
    ]
    planned += [
        (queue, _queue_file(queue), _NEW_QUEUE_RISK)
        for queue in (design.data.queues if have_queues else [])
        if queue.name not in have_queues
    ]
    return [
        _Draft(
            id=f"create-{part.name}",
            stage="data",
            title=f"Create {part.name} ({part.engine})",
            changes=[f"create {part.name}: {part.aws_service}"],
            files=[file],
            why=part.why,
            evidence=[],
            monthly_usd=round(
                sum(line.monthly_usd.value for line in lines if line.workload == part.name), 2
            ),
            cost_worked=f"the design's prod lines for {part.name}",
            risk=risk,
            apply=_same,
            depends_on=[],
        )
        for part, file, risk in planned
    ]


_NEW_STORE_RISK = StepRisk(
    level="medium",
    what_can_go_wrong="the services that use it need its data migrated first",
    rollback="delete it before any service writes to it",
)
_NEW_QUEUE_RISK = StepRisk(
    level="low",
    what_can_go_wrong="producers and consumers must switch to it together",
    rollback="delete it before anything produces to it",
)


def _service_drafts(req: Requirements, design: Design, existing: Existing) -> list[_Draft]:
    """Services the design runs and today does not, callees first."""
    have = {s.name for s in existing.services}
    if not have:
        return []
    sizes = {s.name: s for s in design.environment(PROD).services}
    drafts = []
    for name in _leaves_first(req):
        if name in have or name not in sizes:
            continue
        per_replica = _per_replica_usd(design, name)
        floor = sizes[name].min_replicas
        drafts.append(
            _Draft(
                id=f"create-{name}",
                stage="platform",
                title=f"Deploy {name}",
                changes=[f"deploy {name} with {floor} replicas in prod"],
                files=[_service_file(design, name)]
                + (
                    [f"infra/k8s/base/{name}/deployment.yaml"]
                    if design.compute.platform.kubernetes
                    else []
                ),
                why=_floor_why(design, name, floor),
                evidence=[],
                monthly_usd=round(per_replica * floor, 2) if per_replica is not None else None,
                cost_worked=f"{floor} replicas x ${number(round(per_replica, 2))}/month"
                if per_replica is not None
                else "not priced: the design bills no compute per replica on this platform",
                risk=StepRisk(
                    level="medium",
                    what_can_go_wrong="its callers must find it (service discovery, network "
                    "policies) before they send it traffic",
                    rollback="stop routing to it, then delete it",
                ),
                apply=_same,
                depends_on=[],
            )
        )
    return drafts


def _platform_drafts(req: Requirements, design: Design, existing: Existing) -> list[_Draft]:
    if existing.compute is None or existing.compute == design.compute.platform:
        return []
    order = _leaves_first(req)
    compute = sum(
        line.monthly_usd.value
        for line in design.cost.environment(PROD).lines
        if line.category == "compute"
    )
    return [
        _Draft(
            id="migrate-platform",
            stage="platform",
            title=f"Move the services from {existing.compute.value} to "
            f"{design.compute.platform.value}",
            changes=[
                f"move {name} (route its traffic to the new platform, then retire the old copy)"
                for name in order
            ],
            files=sorted(
                {
                    "infra/terraform/environments/prod/main.tf",
                    *(
                        ["infra/k8s/overlays/prod/kustomization.yaml"]
                        if design.compute.platform.kubernetes
                        else []
                    ),
                }
            ),
            why=f"{design.compute.decision.title}: {design.compute.decision.selected}. "
            f"{design.compute.decision.why}",
            evidence=sorted({e for s in existing.services for e in s.evidence}),
            monthly_usd=None,
            cost_worked=f"the design's prod compute is ${number(round(compute))}/month; "
            "today's compute is not priced apart from today's bill: compare with it",
            risk=StepRisk(
                level="high",
                what_can_go_wrong="both platforms run at once; a service moved before what "
                "it calls crosses platforms on every call (latency, security groups)",
                rollback="route the moved service's traffic back to its old copy, which "
                "keeps running until the step is done",
            ),
            apply=_same,
            depends_on=["add-alarms"] if existing.alarms == [] else [],
        )
    ]


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _leaves_first(req: Requirements) -> list[str]:
    """The strangler order: a service moves after every service it calls (leaves first)."""
    done: list[str] = []
    remaining = sorted(s.name for s in req.system.services)
    while remaining:
        ready = [
            n
            for n in remaining
            if all(c.service in done or c.service == n for c in req.service(n).calls)
        ] or remaining[:1]
        done.extend(ready)
        remaining = [n for n in remaining if n not in ready]
    return done


def _decommission_drafts(design: Design, existing: Existing) -> list[_Draft]:
    kept = (
        {s.name for s in design.compute.services}
        | {s.name for s in design.data.stores}
        | {q.name for q in design.data.queues}
    )
    items: list[ExistingService | ExistingDatastore | ExistingQueue] = [
        *existing.services,
        *existing.datastores,
        *existing.queues,
    ]
    gone = [(item.name, list(item.evidence)) for item in items if item.name not in kept]
    return [
        _Draft(
            id=f"decommission-{name}",
            stage="decommission",
            title=f"Decommission {name}",
            changes=[f"remove {name} once no traffic reaches it"],
            files=[evidence[0].split(":", 1)[0]] if evidence else [],
            why="the design has no such component",
            evidence=evidence,
            monthly_usd=None,
            cost_worked="its share of today's bill (not priced apart: verify)",
            risk=StepRisk(
                level="medium",
                what_can_go_wrong="something still reads or writes it; take a final backup",
                rollback="restore from the final backup",
            ),
            apply=_same,
            depends_on=[],
        )
        for name, evidence in sorted(gone)
    ]


# --- facts as designed, and unknown -----------------------------------------------


def _as_designed(design: Design, existing: Existing) -> list[KnownFact]:
    floors = {s.name: s.min_replicas for s in design.environment(PROD).services}
    out = [
        KnownFact(
            subject=s.name,
            fact=f"{s.replicas} replicas (design: {floors[s.name]})",
            evidence=list(s.evidence),
        )
        for s in existing.services
        if s.name in floors and s.replicas is not None and s.replicas >= floors[s.name]
    ]
    out.extend(_stores_as_designed(design, existing))
    planned = {q.name: q for q in design.data.queues}
    out.extend(
        KnownFact(
            subject=q.name,
            fact="dead-letter queue" if q.dead_letter else "no dead-letter queue (design: none)",
            evidence=list(q.evidence),
        )
        for q in existing.queues
        if q.name in planned
        and q.dead_letter is not None
        and (q.dead_letter or not planned[q.name].dead_letter)
    )
    have = {a.target for a in existing.alarms if a.target is not None}
    out.extend(
        KnownFact(
            subject=target,
            fact="alarmed",
            evidence=sorted({e for a in existing.alarms if a.target == target for e in a.evidence}),
        )
        for target in _alarm_targets(design)
        if target in have
    )
    if existing.compute is not None and existing.compute == design.compute.platform:
        out.append(KnownFact(subject="compute", fact=existing.compute.value, evidence=[]))
    return out


def _stores_as_designed(design: Design, existing: Existing) -> list[KnownFact]:
    sizes = {s.name: s for s in design.environment(PROD).stores}
    out = []
    for d in existing.datastores:
        size = sizes.get(d.name)
        if size is None:
            continue
        facts = []
        if d.multi_az is not None and (d.multi_az or not size.multi_az):
            facts.append(f"Multi-AZ {'on' if d.multi_az else 'off (design: off)'}")
        if d.replicas is not None and d.replicas >= size.read_replicas:
            facts.append(f"{d.replicas} replicas")
        if (
            d.backup_retention_days is not None
            and d.backup_retention_days >= size.backup_retention_days
        ):
            facts.append(f"backups kept {d.backup_retention_days} days")
        if d.instance_class is not None and d.instance_class == size.instance_class:
            facts.append(d.instance_class)
        if facts:
            out.append(KnownFact(subject=d.name, fact=", ".join(facts), evidence=list(d.evidence)))
    return out


def _unknown(design: Design, existing: Existing) -> list[KnownFact]:
    out: list[KnownFact] = []

    def missing(subject: str, fields: Iterable[tuple[str, object]], evidence: list[str]) -> None:
        names = [name for name, value in fields if value is None]
        if names:
            out.append(
                KnownFact(subject=subject, fact=f"{', '.join(names)}: {UNKNOWN}", evidence=evidence)
            )

    # only what the design relies on is worth verifying: a cron job has no replica floor,
    # and a store the design runs without a standby, replicas or backups (S3, a cache)
    # leaves nothing to check for them
    crons = {s.name for s in design.compute.services if s.type == ServiceType.CRON}
    floors = {s.name for s in design.environment(PROD).services} - crons
    for s in existing.services:
        if s.name in floors:
            missing(s.name, [("replicas", s.replicas)], list(s.evidence))
    stores = {s.name: s for s in design.environment(PROD).stores}
    for d in existing.datastores:
        plan = stores.get(d.name)
        if plan is not None:
            missing(
                d.name,
                [
                    ("Multi-AZ", d.multi_az if plan.multi_az else False),
                    ("replicas", d.replicas if plan.read_replicas else 0),
                    (
                        "backup retention",
                        d.backup_retention_days if plan.backup_retention_days else 0,
                    ),
                    # S3 and DynamoDB have no class to read
                    ("instance class", d.instance_class if plan.instance_class else ""),
                ],
                list(d.evidence),
            )
    queues = {q.name for q in design.data.queues}
    for q in existing.queues:
        if q.name in queues:
            missing(q.name, [("dead-letter queue", q.dead_letter)], list(q.evidence))
    for kind, read, planned in (
        ("services", existing.services, design.compute.services),
        ("stores", existing.datastores, design.data.stores),
        ("queues", existing.queues, design.data.queues),
    ):
        if planned and not read:
            out.append(
                KnownFact(subject="system", fact=f"{kind}: none read, {UNKNOWN}", evidence=[])
            )
    missing(
        "system",
        [("compute platform", existing.compute), ("monthly bill", existing.monthly_usd)],
        [],
    )
    return out


__all__ = ["plan_migration"]
