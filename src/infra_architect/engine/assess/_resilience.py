"""The simulations run against the design, and what they change in it.

- the 10x spike against the chosen autoscaling: min replicas and spare nodes are
  raised until the spike spends at most the catalog's share of the monthly error
  budget (max replicas up to what the scaler settles on), so "10x with no manual
  step" is true of the settings the Terraform and manifests carry;
- availability per request path: closed form and Monte Carlo, under the chosen
  topology and the other one;
- faults at peak: a node, a zone, a bad deploy under each strategy, an emergency
  rollback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Literal

from infra_architect._figures import figure, number
from infra_architect.catalog import Catalog
from infra_architect.engine._capacity import MAX_REPLICAS
from infra_architect.engine._design_model import (
    ComputeDesign,
    DataDesign,
    DeliveryDesign,
    Design,
    FaultStudy,
    PathAvailability,
    SpikeSeries,
    SpikeStudy,
)
from infra_architect.engine._model import Constraints, TopologyCandidate
from infra_architect.engine._region_study import Caps, PathShape, StoreShape, path_tree
from infra_architect.engine.choose._availability import store_sla
from infra_architect.engine.choose._compute import disruption_min_available, scale_on_requests
from infra_architect.simulate import (
    Block,
    Cluster,
    Component,
    Run,
    Scaler,
    Settings,
    ShedTotals,
    SimService,
    Spike,
    SpikeOutcome,
    Tuned,
    bad_rollout,
    capacity_loss,
    emergency_rollback,
    minimum_settings,
    monte_carlo,
    outcomes,
    shed_totals,
    simulate,
)
from infra_architect.spec import (
    ComputeChoice,
    DatastoreEngine,
    DatastoreRole,
    Requirements,
    ServiceType,
    entry_services,
)

SECONDS_PER_BUDGET_MONTH = 30 * 86_400
"""The error budget's month, 30 days (as ``ErrorBudget.per_30_days``); the bill's month
is 730 hours."""
PLOT_STEP_SECONDS = 15
PLOT_SECONDS = 1200


@dataclass(frozen=True)
class SpikeSetup:
    """The spike simulation's inputs, built from a design's compute."""

    names: list[str]
    services: list[SimService]
    scaler: Scaler
    cluster: Cluster
    declared: Spike
    step: Spike
    replica_cost: list[float]
    node_cost: float
    buffer_step: int


def spike_setup(
    req: Requirements, constraints: Constraints, catalog: Catalog, compute: ComputeDesign
) -> SpikeSetup | None:
    """What the spike runs against; None when nothing autoscales."""
    design = catalog.design
    t, a = design.timings, design.autoscaling
    target = catalog.policy.target_utilisation
    pool = compute.node_pool
    kubernetes = compute.platform.kubernetes and pool is not None
    plans = [p for p in compute.services if p.autoscaling is not None]
    if not plans:
        return None
    budget_fraction = (100 - req.availability.slo) / 100
    services: list[SimService] = []
    costs: list[float] = []
    for plan in plans:
        cap = constraints.service(plan.name)
        share = 0.0
        if kubernetes and pool is not None:
            packing = design.node_packing
            share = max(
                plan.vcpu / (pool.vcpu * packing),
                plan.memory_mb / 1024 / (pool.memory_gib * packing),
            )
        scaling = plan.autoscaling
        assert scaling is not None  # noqa: S101  (filtered above)
        services.append(
            SimService(
                name=plan.name,
                baseline=cap.average_load.value,
                capacity_per_replica=cap.load_per_replica.value / target,
                target=target,
                saturates=scaling.metric == "cpu-utilisation",
                min_replicas=max(plan.min_replicas, 1),
                max_replicas=max(plan.max_replicas, plan.min_replicas, 1),
                node_share=share,
                queued=plan.type is ServiceType.WORKER,
                monthly_budget=max(cap.average_load.value, 1e-9)
                * SECONDS_PER_BUDGET_MONTH
                * budget_fraction,
            )
        )
        costs.append(plan.vcpu)
    policy = plans[0].autoscaling
    assert policy is not None  # noqa: S101  (filtered above)
    if kubernetes and pool is not None:
        scaler = Scaler(
            kind="hpa",
            sync_seconds=t.hpa_sync_seconds,
            metric_delay_seconds=t.metrics_resolution_seconds,
            tolerance=a.hpa_tolerance,
            up_percent=policy.scale_up_percent,
            up_pods=policy.scale_up_pods,
            down_stabilisation_seconds=policy.scale_in_stabilisation_seconds,
            down_percent=policy.scale_down_percent,
            down_period_seconds=policy.scale_down_period_seconds,
            pod_start_seconds=compute.replica_start_seconds,
            node_provision_seconds=compute.capacity_start_seconds,
        )
        cluster = Cluster(nodes=pool.min_nodes.whole, max_nodes=pool.max_nodes.whole)
        node_cost = pool.vcpu
    else:
        scaler = Scaler(
            kind="target-tracking",
            sync_seconds=a.ecs_metric_period_seconds,
            metric_delay_seconds=a.ecs_metric_period_seconds,
            alarm_periods=a.ecs_alarm_datapoints,
            cooldown_seconds=a.ecs_scale_out_cooldown_seconds,
            down_stabilisation_seconds=policy.scale_in_stabilisation_seconds,
            down_percent=a.hpa_down_percent,
            down_period_seconds=a.hpa_down_period_seconds,
            pod_start_seconds=compute.replica_start_seconds,
        )
        cluster = Cluster(nodes=0, max_nodes=0)
        node_cost = 0.0
    step, declared = spikes(req, catalog)
    return SpikeSetup(
        names=[p.name for p in plans],
        services=services,
        scaler=scaler,
        cluster=cluster,
        declared=declared,
        step=step,
        replica_cost=costs,
        node_cost=node_cost,
        buffer_step=constraints.topology.availability_zones.whole if kubernetes else 0,
    )


def spikes(req: Requirements, catalog: Catalog) -> tuple[Spike, Spike]:
    """(an instant step, the spike the spec declares): the declared one rises over
    ``traffic.spike_ramp_seconds`` (0: it is the step)."""
    sim = catalog.design.simulation
    ramp_seconds = round(req.traffic.spike_ramp_seconds)
    step = Spike(
        shape="step",
        multiplier=req.traffic.spike_multiplier,
        start_seconds=sim.spike_start_seconds,
        hold_seconds=sim.spike_hold_seconds,
        horizon_seconds=max(
            sim.horizon_seconds,
            sim.spike_start_seconds + ramp_seconds + sim.spike_hold_seconds + sim.tail_seconds,
        ),
    )
    if ramp_seconds == 0:
        return step, step
    return step, step.model_copy(update={"shape": "ramp", "ramp_seconds": ramp_seconds})


def spike_budget_share(req: Requirements, catalog: Catalog) -> float:
    """What one spike may spend of a month's error budget: the catalog's share for
    spikes, divided among the spikes the spec expects a month."""
    return catalog.design.spike_budget_share / max(req.traffic.spikes_per_month, 1.0)


@dataclass(frozen=True)
class SpikeTuning:
    """The compute design carrying the settings the declared spike needs, the study, and
    (when the spike is declared as a ramp) the compute that would absorb an instant step,
    for the design to price as an option."""

    compute: ComputeDesign
    study: SpikeStudy | None
    absorb_step: ComputeDesign | None
    absorb_changes: list[str]
    absorb_outcomes: list[SpikeOutcome]
    absorb_within: bool


def tune_for_spike(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    *,
    totals: ShedTotals = shed_totals,
) -> SpikeTuning:
    """Simulate the declared spike under the first sizing, find the least settings that
    keep it within its budget share, and return the compute design carrying them; then
    simulate an instant step against those settings (the risk) and find what absorbing
    it would take (the option). ``totals`` runs the searches' alternatives (the full
    simulation's shed sums are its reference)."""
    setup = spike_setup(req, constraints, catalog, compute)
    if setup is None:
        return SpikeTuning(compute, None, None, [], [], absorb_within=True)
    share = spike_budget_share(req, catalog)
    designed = outcomes(
        simulate(setup.services, setup.scaler, setup.cluster, setup.declared),
        setup.services,
        setup.declared,
        _own(setup),
    )
    changes: list[str] = []
    if any(o.budget_share > share + 1e-12 for o in designed):
        # the free cure first: scale on the request rate, which shows the whole spike
        cured, cure = scale_on_requests(compute, constraints, catalog)
        if cure:
            compute, changes = cured, cure
            setup = spike_setup(req, constraints, catalog, compute)
            assert setup is not None  # noqa: S101  (the same services autoscale)
    updated = _apply(compute, setup, _least(setup, setup.declared, share, totals).settings, changes)
    # What the Terraform and manifests will carry, simulated again: the figures quoted.
    final = spike_setup(req, constraints, catalog, updated)
    assert final is not None  # noqa: S101  (the same services autoscale)
    settings = _own(final)
    declared_run = simulate(final.services, final.scaler, final.cluster, final.declared)
    tuned = outcomes(declared_run, final.services, final.declared, settings)
    # the study keeps the plotted service's series, not the run of every service
    entry = plotted(req, final)
    series = _series(declared_run, final, entry, constraints) if entry is not None else None
    del declared_run
    step = (
        tuned
        if final.declared is final.step
        else outcomes(
            simulate(final.services, final.scaler, final.cluster, final.step),
            final.services,
            final.step,
            settings,
        )
    )
    absorb: ComputeDesign | None = None
    absorb_changes: list[str] = []
    absorbed: list[SpikeOutcome] = []
    absorb_within = True
    if final.declared is not final.step and any(o.budget_share > share + 1e-12 for o in step):
        least = _least(final, final.step, share, totals)
        absorb = _apply(updated, final, least.settings, absorb_changes)
        absorbed, absorb_within = least.outcomes, least.within
    study = SpikeStudy(
        multiplier=final.declared.multiplier,
        start_seconds=final.declared.start_seconds,
        hold_seconds=final.declared.hold_seconds,
        ramp_seconds=final.declared.ramp_seconds,
        spikes_per_month=req.traffic.spikes_per_month,
        budget_share_limit=share,
        designed=designed,
        tuned=tuned,
        step=step,
        buffer_nodes=updated.node_pool.buffer_nodes if updated.node_pool else 0,
        within=all(o.budget_share <= share + 1e-12 for o in tuned),
        changes=changes,
        series=series,
    )
    return SpikeTuning(updated, study, absorb, absorb_changes, absorbed, absorb_within)


def _least(setup: SpikeSetup, spike: Spike, share: float, totals: ShedTotals) -> Tuned:
    return minimum_settings(
        setup.services,
        setup.scaler,
        setup.cluster,
        spike,
        share,
        setup.replica_cost,
        setup.node_cost,
        setup.buffer_step,
        totals=totals,
    )


def spike_run(
    req: Requirements, design: Design, catalog: Catalog
) -> tuple[Run, list[str], int] | None:
    """The design's spike, every second of the horizon, for the plot: the run, every
    simulated service's name (in the run's order) and the index of the one the design's
    series follows (None when nothing autoscales)."""
    setup = spike_setup(req, design.constraints, catalog, design.compute)
    if setup is None:
        return None
    index = plotted(req, setup)
    if index is None:
        return None
    run = simulate(setup.services, setup.scaler, setup.cluster, setup.declared)
    return run, list(setup.names), index


def _own(setup: SpikeSetup) -> Settings:
    return Settings(
        min_replicas=[s.min_replicas for s in setup.services],
        max_replicas=[s.max_replicas for s in setup.services],
        buffer_nodes=setup.cluster.buffer_nodes,
    )


def _apply(
    compute: ComputeDesign,
    setup: SpikeSetup,
    chosen: Settings,
    changes: list[str],
) -> ComputeDesign:
    bounds = zip(chosen.min_replicas, chosen.max_replicas, strict=True)
    by_name = dict(zip(setup.names, bounds, strict=True))
    plans = []
    for plan in compute.services:
        if plan.name not in by_name:
            plans.append(plan)
            continue
        # the tuner may ask for more than one service can run; the constraints report it
        low, high = (min(bound, MAX_REPLICAS) for bound in by_name[plan.name])
        if low != plan.min_replicas:
            changes.append(f"{plan.name}: min replicas {plan.min_replicas} → {low}")
        if high != plan.max_replicas:
            changes.append(f"{plan.name}: max replicas {plan.max_replicas} → {high}")
        plans.append(
            plan.model_copy(
                update={
                    "min_replicas": low,
                    "max_replicas": high,
                    "pod_disruption_min_available": disruption_min_available(low),
                }
            )
        )
    pool = compute.node_pool
    if pool is not None:
        shares = dict(zip(setup.names, (s.node_share for s in setup.services), strict=True))
        held = sum(p.min_replicas * shares.get(p.name, 0.0) for p in plans)
        azs = max(setup.buffer_step, 1)
        needed = math.ceil(round(held, 6) / azs) * azs
        buffer = math.ceil(chosen.buffer_nodes / azs) * azs
        minimum = figure(
            float(max(pool.min_nodes.value, needed) + buffer),
            "nodes",
            "max({design_min_nodes}, {nodes_for_min_replicas}) + {spike_buffer_nodes}",
            design_min_nodes=pool.min_nodes.value,
            nodes_for_min_replicas=float(needed),
            spike_buffer_nodes=float(buffer),
        )
        maximum = pool.max_nodes
        if maximum.value < minimum.value:
            maximum = figure(minimum.value, "nodes", "{min_nodes}", min_nodes=minimum.value)
        if minimum.value != pool.min_nodes.value:
            changes.append(
                f"node group: min {pool.min_nodes.whole} → {minimum.whole} nodes"
                + (f" ({buffer} spare for the spike)" if buffer else "")
            )
        pool = pool.model_copy(
            update={"min_nodes": minimum, "max_nodes": maximum, "buffer_nodes": buffer}
        )
    return compute.model_copy(update={"services": plans, "node_pool": pool})


def plotted(req: Requirements, setup: SpikeSetup) -> int | None:
    """The service the plot shows: the busiest entry service that autoscales."""
    entries = [n for n in entry_services(req) if n in setup.names]
    pool = entries or setup.names
    if not pool:
        return None
    best = max(pool, key=lambda n: (setup.services[setup.names.index(n)].baseline, n))
    return setup.names.index(best)


def _series(run: Run, setup: SpikeSetup, index: int, constraints: Constraints) -> SpikeSeries:
    horizon = min(PLOT_SECONDS, run.load.shape[2])
    seconds = list(range(0, horizon, PLOT_STEP_SECONDS))
    name = setup.names[index]
    return SpikeSeries(
        service=name,
        unit=constraints.service(name).load_unit,
        step_seconds=PLOT_STEP_SECONDS,
        seconds=seconds,
        load=[round(float(run.load[0, index, t]), 3) for t in seconds],
        capacity=[round(float(run.capacity[0, index, t]), 3) for t in seconds],
        ready=[int(run.ready[0, index, t]) for t in seconds],
        desired=[int(run.desired[0, index, t]) for t in seconds],
    )


# --- faults -------------------------------------------------------------------------

LAMBDA_NOT_SIMULATED = (
    "Lambda holds no node or task to lose: it replaces a failed execution environment "
    'itself and runs functions in several AZs (AWS Lambda Developer Guide, "Resilience in '
    'AWS Lambda"); the design keeps no standing replicas whose loss a simulation could '
    "measure"
)


def fault_study(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    delivery: DeliveryDesign,
    *,
    detection_seconds: float,
    reschedule_seconds: float,
) -> FaultStudy:
    design = catalog.design
    t = design.timings
    unit = failure_unit(compute)
    node = zone = None
    not_simulated = ""
    setup = spike_setup(req, constraints, catalog, compute)
    if unit == "execution environment":
        not_simulated = LAMBDA_NOT_SIMULATED
    elif setup is not None:
        cluster = setup.cluster.model_copy(
            update={"buffer_nodes": compute.node_pool.buffer_nodes if compute.node_pool else 0}
        )
        peaks = [constraints.service(n).peak_load.value for n in setup.names]
        zones = constraints.topology.availability_zones.whole
        # Pods are recreated once their node is declared dead (NotReady + toleration),
        # then take a pod start to serve. A task is replaced by the ECS service scheduler
        # as soon as the target group marks it unhealthy (or its task stops), then takes a
        # Fargate task start: "If a task is marked unhealthy, the service scheduler will
        # first start a replacement task" (Amazon ECS Developer Guide, "Amazon ECS
        # services").
        evict = math.ceil(
            max(detection_seconds, reschedule_seconds - compute.replica_start_seconds)
            if unit == "node"
            else detection_seconds
        )
        lose = partial(
            capacity_loss,
            setup.services,
            peaks,
            setup.scaler,
            cluster,
            zones=zones,
            detection_seconds=detection_seconds,
            evict_seconds=evict,
        )
        node = lose("node" if unit == "node" else "task")
        zone = lose("zone") if zones >= 2 else None
    peak = constraints.traffic.peak_rps.value
    budget = (
        constraints.traffic.average_rps.value
        * SECONDS_PER_BUDGET_MONTH
        * (100 - req.availability.slo)
        / 100
    )
    canary_weight = (delivery.canary_steps[0] / 100) if delivery.canary_steps else 0.1
    detect = {
        r.strategy: r.detect_and_revert.inputs.get("detect_s", 0.0) for r in delivery.comparison
    }
    rollouts = [
        bad_rollout(
            strategy,
            peak,
            max(budget, 1e-9),
            pod_start_seconds=compute.replica_start_seconds,
            batches=round(1 / design.autoscaling.surge_share),
            detect_seconds=detect[strategy],
            shift_seconds=float(t.traffic_shift_seconds),
            canary_weight=canary_weight,
        )
        for strategy in ("rolling", "blue-green", "canary")
    ]
    entry = max(
        (p for p in compute.services if p.type.serves_requests),
        key=lambda p: (p.min_replicas, p.name),
        default=None,
    )
    replicas = entry.min_replicas if entry is not None else 1
    spare = 0
    pool = compute.node_pool
    if pool is not None and entry is not None:
        per_node = int(pool.vcpu * design.node_packing / max(entry.vcpu, 1e-9))
        spare = pool.buffer_nodes * per_node + _slack_pods(compute, design.node_packing)
    emergency = emergency_rollback(
        replicas,
        surge_share=design.autoscaling.surge_share,
        pod_start_seconds=compute.replica_start_seconds,
        node_provision_seconds=compute.capacity_start_seconds if pool is not None else 0,
        spare_pods=spare,
        trigger_seconds=float(t.traffic_shift_seconds),
    )
    return FaultStudy(
        unit=unit,
        node=node,
        zone=zone,
        not_simulated=not_simulated,
        rollouts=rollouts,
        emergency=emergency,
    )


def failure_unit(compute: ComputeDesign) -> Literal["node", "task", "execution environment"]:
    """What one failure takes out: a node with its pods (EKS), one task (Fargate runs
    each task on its own micro-VM: there is no node to lose), or one Lambda execution
    environment."""
    if compute.node_pool is not None:
        return "node"
    return "execution environment" if compute.platform == ComputeChoice.LAMBDA else "task"


def _slack_pods(compute: ComputeDesign, packing: float) -> int:
    """Pods of the largest service that fit in the node group's unused minimum."""
    pool = compute.node_pool
    if pool is None:
        return 0
    used = sum(p.vcpu * p.min_replicas for p in compute.services)
    free = pool.min_nodes.value * pool.vcpu * packing - used
    biggest = max((p.vcpu for p in compute.services), default=1.0)
    return max(0, int(free / biggest))


# --- availability -------------------------------------------------------------------


def availability_study(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    compute: ComputeDesign,
    data: DataDesign,
    *,
    regions: int,
    reschedule_seconds: float,
) -> list[PathAvailability]:
    """Each entry path under the chosen topology and the strongest other candidate the
    constraints simulated, now with the design's replicas, repair times and stores."""
    del regions  # the topology carries it
    sim = catalog.design.simulation
    budget = constraints.error_budget.per_30_days.value
    topology = constraints.topology
    chosen = topology.chosen
    others = [c for c in topology.candidates if c.available and c is not chosen]
    other = max(others, key=lambda c: (c.months_within_budget, -c.monthly_usd.value), default=None)
    shape = _design_shape(compute, data, reschedule_seconds)
    azs = topology.availability_zones.whole
    dns = catalog.design.timings.dns_failover_seconds / 60
    out: list[PathAvailability] = []
    for entry in entry_services(req):
        tree, _ = path_tree(req, catalog, entry, shape, azs=azs, caps=_caps(chosen, dns))
        alternative = other or chosen
        other_tree, _ = path_tree(req, catalog, entry, shape, azs=azs, caps=_caps(alternative, dns))
        out.append(
            PathAvailability(
                path=entry,
                topology=f"{chosen.label}: a region-wide outage ends after at most "
                f"{number(chosen.region_outage_minutes)} min",
                structure=_describe(tree),
                monte_carlo=monte_carlo(
                    tree, trials=sim.monte_carlo_trials, seed=sim.seed, budget_minutes=budget
                ),
                alternative_topology=f"{alternative.label}: region-wide outages capped at "
                f"{number(alternative.region_outage_minutes)} min",
                alternative=monte_carlo(
                    other_tree, trials=sim.monte_carlo_trials, seed=sim.seed, budget_minutes=budget
                ),
            )
        )
    return out


def _caps(candidate: TopologyCandidate, dns_minutes: float) -> Caps:
    if candidate.name == "active-active":
        return Caps(region=dns_minutes, every_component=dns_minutes)
    return Caps(region=candidate.region_outage_minutes)


def _design_shape(compute: ComputeDesign, data: DataDesign, reschedule_seconds: float) -> PathShape:
    return PathShape(
        front="api-gateway" if compute.platform == ComputeChoice.LAMBDA else "alb",
        replica="node" if compute.platform.kubernetes else "task",
        repair_minutes=max(reschedule_seconds / 60, 0.1),
        replicas={p.name: p.min_replicas for p in compute.services},
        stores={
            s.name: StoreShape(
                sla=store_sla(
                    DatastoreEngine(s.engine),
                    DatastoreRole(s.role),
                    multi=s.multi_az,
                    aurora=s.kind == "aurora",
                ),
                multi_az=s.multi_az,
            )
            for s in data.stores
        },
    )


def _describe(node: Component | Block) -> list[str]:
    lines: list[str] = []

    def walk(n: Component | Block, depth: int) -> None:
        pad = "  " * depth
        if isinstance(n, Component):
            cap = f", ends by failover within {number(n.cap_minutes)} min" if n.cap_minutes else ""
            lines.append(
                f"{pad}{n.name}: {number(n.incidents_per_year)}/year, repair "
                f"{number(round(n.repair_minutes, 2))} min{cap} "
                f"(A = {n.availability * 100:.5f}%)"
            )
            return
        label = {"series": "all of", "parallel": "any of", "k-of-n": f"at least {n.k} of"}[n.kind]
        lines.append(f"{pad}{n.name}: {label}")
        for child in n.children:
            walk(child, depth + 1)

    walk(node, 0)
    return lines
