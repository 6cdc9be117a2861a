"""Failure paths: each scenario, the mechanism that covers it, and its timings.

One function per failure path, each reading the one :class:`FailureInputs` the design
assembles once its parts are chosen and its studies (faults, spike, availability) run.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from infra_architect._figures import Figure, capital, duration, figure, given, number, share
from infra_architect.catalog import Catalog, Timings
from infra_architect.engine._design_model import (
    ComputeDesign,
    Dashboards,
    DataDesign,
    DeliveryDesign,
    FailureScenario,
    FaultStudy,
    Measured,
    NetworkDesign,
    ObservabilityDesign,
    PathAvailability,
    SpikeStudy,
    StrategyRisk,
)
from infra_architect.engine._model import Constraints
from infra_architect.errors import named
from infra_architect.simulate import CapacityLoss, SpikeOutcome
from infra_architect.spec import ComputeChoice, Requirements


@dataclass(frozen=True)
class FailureInputs:
    """What the failure paths read: the chosen design's parts, and the studies run
    against it (absent when nothing could be simulated)."""

    req: Requirements
    constraints: Constraints
    catalog: Catalog
    regions: int
    compute: ComputeDesign
    network: NetworkDesign
    data: DataDesign
    delivery: DeliveryDesign
    observability: ObservabilityDesign
    faults: FaultStudy | None = None
    spike_study: SpikeStudy | None = None
    paths: tuple[PathAvailability, ...] = ()

    @property
    def timings(self) -> Timings:
        return self.catalog.design.timings

    @property
    def dashboards(self) -> Dashboards:
        return self.observability.dashboards

    @property
    def kubernetes(self) -> bool:
        """Pods on a node group (EKS), rather than tasks or Lambda environments."""
        return self.compute.platform.kubernetes and self.compute.node_pool is not None


def failure_scenarios(inputs: FailureInputs) -> list[FailureScenario]:
    """The design's failure paths, in the order the runbooks list them."""
    detection = detection_figure(inputs.catalog, inputs.network)
    scale_time = _scale_out_time(inputs)
    return [
        _node_failure(inputs, detection),
        _traffic_spike(inputs, scale_time),
        _failed_rollout(inputs),
        _az_outage(inputs, detection, scale_time),
        _region_outage(inputs),
        _emergency_rollback(inputs),
    ]


def _node_rows(inputs: FailureInputs) -> list[Measured]:
    faults = inputs.faults
    return (
        _not_simulated(faults, f"one {faults.unit}" if faults else "")
        + _loss_rows(faults.node if faults else None)
        + _path_rows(list(inputs.paths))
    )


def _thin(compute: ComputeDesign) -> list[str]:
    """Services that run a single replica: one failure takes all of their capacity."""
    return [s.name for s in compute.services if s.type.value != "cron" and s.min_replicas < 2]


def _node_failure(inputs: FailureInputs, detection: Figure) -> FailureScenario:
    if inputs.kubernetes:
        return _pod_or_node_failure(inputs, detection)
    if inputs.compute.platform == ComputeChoice.LAMBDA:
        return _execution_environment_failure(inputs)
    return _task_failure(inputs, detection)


def _pod_or_node_failure(inputs: FailureInputs, detection: Figure) -> FailureScenario:
    compute, faults = inputs.compute, inputs.faults
    pool = compute.node_pool
    assert pool is not None  # noqa: S101  (inputs.kubernetes holds a node pool)
    thin = _thin(compute)
    reschedule = reschedule_figure(inputs.catalog, compute)
    if faults is not None and faults.node is not None:
        reschedule = _waits_for_a_node(inputs.catalog, compute, reschedule, faults.node)
    return FailureScenario(
        id="node-failure",
        title="A pod, task or node fails",
        mechanism=f"replicas spread across AZs and nodes (topology spread constraints), "
        f"PodDisruptionBudgets, readiness probes and load balancer health checks; the "
        f"{pool.scaler} replaces the node",
        detection=detection,
        recovery=reschedule,
        impact=f"one of {pool.min_nodes.whole} nodes is {100 / pool.min_nodes.value:.0f}% of "
        "capacity; requests in flight on it fail and are retried, the rest never notice",
        operator_actions=[
            "none: confirm the replacement node joined (kubectl get nodes)",
            "if pods stay Pending: check the node group's max size and EC2 capacity errors",
        ],
        look_at=[
            inputs.dashboards.capacity,
            "Kubernetes events: kubectl get events -A --sort-by=.lastTimestamp",
        ],
        covered=not thin,
        gap=f"single replica: {', '.join(thin)}" if thin else "",
        simulated=_node_rows(inputs),
    )


def _execution_environment_failure(inputs: FailureInputs) -> FailureScenario:
    start = float(inputs.compute.replica_start_seconds)
    return FailureScenario(
        id="node-failure",
        title="An execution environment fails",
        mechanism="Lambda runs each request in an execution environment and replaces a "
        "failed one itself",
        detection=given(0.0, "s", "the invocation fails"),
        recovery=figure(start, "s", "{environment_start_s}", environment_start_s=start),
        impact="requests in flight in the failed environment fail and are retried; the "
        "next requests start in another environment",
        operator_actions=[
            "none: confirm the function's errors and throttles are back to their usual level"
        ],
        look_at=[
            inputs.dashboards.capacity,
            "Lambda metrics: Errors, Throttles, ConcurrentExecutions",
        ],
        covered=True,
        simulated=_node_rows(inputs),
    )


def _task_failure(inputs: FailureInputs, detection: Figure) -> FailureScenario:
    compute = inputs.compute
    thin = _thin(compute)
    recovery = figure(
        detection.value + compute.replica_start_seconds,
        "s",
        "{detection_s} + {replica_start_s}",
        detection_s=detection.value,
        replica_start_s=float(compute.replica_start_seconds),
    )
    return FailureScenario(
        id="node-failure",
        title="A task or its host fails",
        mechanism="at least 2 tasks per service spread across AZs; the load balancer stops "
        "routing to a failed task and the service scheduler starts a replacement",
        detection=detection,
        recovery=recovery,
        impact="requests in flight on the failed task fail and are retried; capacity "
        "drops by one task until its replacement passes health checks",
        operator_actions=["none: confirm the service's running count is back to desired"],
        look_at=[inputs.dashboards.capacity, "ECS service events (aws ecs describe-services)"],
        covered=not thin,
        gap=f"single replica: {', '.join(thin)}" if thin else "",
        simulated=_node_rows(inputs),
    )


def _scale_out_time(inputs: FailureInputs) -> Figure:
    """Until the spike's capacity serves: the slowest autoscaler (and, on EKS, a new
    node and its pods), or what the spike simulation measured when every
    request-serving service reached capacity."""
    compute, t = inputs.compute, inputs.timings
    slowest = max(
        (s for s in compute.services if s.autoscaling is not None),
        key=lambda s: (s.autoscaling.scale_out_seconds.value if s.autoscaling else 0.0, s.name),
        default=None,
    )
    scale_time: Figure = (
        slowest.autoscaling.scale_out_seconds
        if slowest is not None and slowest.autoscaling is not None
        else given(0.0, "s", "nothing autoscales")
    )
    if inputs.kubernetes:
        scale_time = figure(
            max(scale_time.value, compute.capacity_start_seconds + t.pod_start_seconds),
            "s",
            "max({pods_scale_out_s}, {node_provision_s} + {pod_start_s})",
            pods_scale_out_s=scale_time.value,
            node_provision_s=float(compute.capacity_start_seconds),
            pod_start_s=float(t.pod_start_seconds),
        )
    study = inputs.spike_study
    if study is not None:
        steady = [o for o in study.tuned if o.max_backlog == 0]
        reached = [o.seconds_to_capacity for o in steady]
        if reached and all(r is not None for r in reached):
            scale_time = given(
                float(max(r or 0 for r in reached)),
                "s",
                f"simulated {study.shape}, slowest request-serving service",
            )
    return scale_time


def _spike_impact(inputs: FailureInputs) -> str:
    """What the first request-serving service's held replicas serve of the spike."""
    compute, constraints = inputs.compute, inputs.constraints
    serving = [s for s in compute.services if s.type.serves_requests]
    if not serving:
        return "capacity follows within the scale-out time"
    entry = serving[0]
    cap = constraints.service(entry.name)
    held = entry.min_replicas
    served = (
        held
        * cap.load_per_replica.value
        / inputs.catalog.policy.target_utilisation
        / max(cap.spike_load.value, 1e-9)
        * 100
    )
    return (
        f"{held} replicas of {entry.name} at 100% CPU serve "
        f"{min(served, 100):.0f}% of the {cap.spike_load.value:,.0f} {cap.load_unit} spike "
        "until scale-out completes; the rest queue or are shed (429/503)"
    )


def _spike_mechanism(inputs: FailureInputs) -> str:
    pool = inputs.compute.node_pool
    if inputs.compute.platform.kubernetes:
        scales = (
            f"HPA per service ({_metrics(inputs.compute)}) scales pods; the "
            + (pool.scaler if pool else "")
            + " adds nodes up to "
            + (f"{pool.max_nodes.whole}" if pool else "")
        )
    else:
        scales = "ECS target tracking per service scales tasks up to each service's maximum"
    return scales + "; maximum replicas are sized for the spike"


def _traffic_spike(inputs: FailureInputs, scale_time: Figure) -> FailureScenario:
    t, study, dash = inputs.timings, inputs.spike_study, inputs.dashboards
    k8s = inputs.compute.platform.kubernetes
    short = [
        s.name
        for s in inputs.constraints.services
        if s.type.value != "cron" and s.max_replicas.value < s.replicas_spike.value
    ]
    delay = float(t.metrics_resolution_seconds if k8s else t.ecs_scale_out_alarm_seconds)
    if short:
        gap = f"max replicas below the spike: {', '.join(short)}"
    elif study is not None and not study.within:
        gap = "the simulated spike spends more than its share of the error budget"
    else:
        gap = ""
    return FailureScenario(
        id="traffic-spike",
        title=f"{inputs.req.traffic.spike_multiplier:g}x traffic spike",
        mechanism=_spike_mechanism(inputs),
        detection=figure(delay, "s", "{metric_delay_s}", metric_delay_s=delay),
        recovery=scale_time,
        impact=_spike_impact(inputs),
        operator_actions=[
            "none while replicas are below their maximum",
            (
                "if a service sits at its maximum: raise max replicas (and node maximum), "
                "then update the spec's traffic.spike_multiplier"
            ),
            "before a planned event: pre-scale min replicas and pre-warm the load balancer",
        ],
        look_at=[dash.capacity, dash.slo],
        covered=not short and (study is None or study.within),
        gap=gap,
        simulated=_spike_rows(study),
    )


def _failed_rollout(inputs: FailureInputs) -> FailureScenario:
    delivery, dash = inputs.delivery, inputs.dashboards
    exposure = _chosen_risk(delivery).exposure
    if delivery.strategy == "canary":
        stops = (
            f"canary at {delivery.canary_steps[0]}% with automated analysis of error rate and "
            "latency; a failed analysis aborts and shifts all traffic back"
        )
    else:
        stops = "alarms on error rate stop the deploy and roll back"
    return FailureScenario(
        id="failed-rollout",
        title="A deployment fails mid-rollout",
        mechanism=f"{delivery.strategy} by {delivery.tool}: " + stops,
        detection=delivery.detection,
        recovery=delivery.rollback,
        impact=f"{exposure:.0%} of requests see the bad version until rollback",
        operator_actions=[
            "none: the rollback is automatic; read the failed check in the pipeline run",
            "fix forward through the pipeline; never patch production by hand",
        ],
        look_at=[dash.deploys, dash.services],
        covered=True,
        simulated=_rollout_rows(inputs.faults, delivery.strategy),
    )


def _az_outage(inputs: FailureInputs, detection: Figure, scale_time: Figure) -> FailureScenario:
    data, constraints, faults = inputs.data, inputs.constraints, inputs.faults
    multi_stores = [s.name for s in data.stores if s.engine in ("postgres", "mysql") and s.multi_az]
    single = [s.name for s in data.stores if not s.multi_az]
    azs = constraints.topology.availability_zones.whole
    failover = constraints.recovery.in_region_failover_minutes
    covered = azs >= 2 and not single
    gap = "one AZ only" if azs < 2 else f"single-AZ stores: {', '.join(single)}"
    return FailureScenario(
        id="az-outage",
        title="An availability zone fails",
        mechanism=f"{azs} AZs: load balancer stops routing to the failed AZ, "
        + (f"RDS Multi-AZ fails over ({', '.join(multi_stores)}), " if multi_stores else "")
        + "autoscaling refills the lost capacity in the surviving AZs",
        detection=detection,
        recovery=figure(
            max(failover.value * 60, scale_time.value),
            "s",
            "max({db_failover_s}, {scale_out_s})",
            db_failover_s=failover.value * 60,
            scale_out_s=scale_time.value,
        ),
        impact=f"{100 / azs:.0f}% of capacity lost until replaced; writes pause during the "
        "database failover; clients retry",
        operator_actions=[
            "confirm the failover in the RDS events; watch replicas refill",
            "if a single-AZ component was in the failed AZ: follow its restore procedure",
        ],
        look_at=[inputs.dashboards.slo, inputs.dashboards.data, "AWS Health Dashboard"],
        simulated=_not_simulated(faults, "one AZ") + _loss_rows(faults.zone if faults else None),
        covered=covered,
        gap="" if covered else gap,
    )


def _chosen_risk(delivery: DeliveryDesign) -> StrategyRisk:
    """The comparison row of the strategy the delivery chooser picked."""
    return named(
        delivery.comparison, delivery.strategy, "strategy risk", key=attrgetter("strategy")
    )


def _region_actions(inputs: FailureInputs) -> list[str]:
    dr = inputs.constraints.recovery
    if inputs.regions == 1:
        return [
            "declare the disaster (incident commander) once AWS confirms a regional event",
            "promote the replicated data stores in the recovery region",
            "apply the prod environment in the recovery region; switch DNS",
        ]
    if inputs.constraints.topology.name == "active-active":
        serves = "the other region serves at full capacity"
    else:
        serves = f"the {dr.standby_compute} scales out to full capacity"
    return [f"confirm DNS moved; {serves}; freeze deploys until failback"]


def _region_outage(inputs: FailureInputs) -> FailureScenario:
    dr, t = inputs.constraints.recovery, inputs.timings
    two_regions = inputs.regions > 1
    return FailureScenario(
        id="region-outage",
        title="The region fails",
        mechanism=(
            "DNS fails over to the second region's load balancer: Route 53 failover records "
            "with health checks on your domain (not generated: the spec names no domain; "
            "the prod root outputs recovery_load_balancer_dns_name to point them at)"
            if two_regions
            else dr.why
        ),
        detection=figure(
            float(t.dns_failover_seconds),
            "s",
            "{dns_failover_s}",
            dns_failover_s=float(t.dns_failover_seconds),
        )
        if two_regions
        else given(0.0, "s", "an operator declares a regional disaster"),
        recovery=figure(
            dr.strategy_rto_minutes * 60,
            "s",
            "{strategy_rto_min} × 60",
            strategy_rto_min=dr.strategy_rto_minutes,
        ),
        impact=f"up to {duration(dr.strategy_rpo_minutes)} of data lost (RPO), service "
        f"back within {dr.strategy_rto_minutes:g} min (RTO)",
        operator_actions=_region_actions(inputs),
        look_at=["AWS Health Dashboard", inputs.dashboards.slo],
        simulated=_region_rows(list(inputs.paths)),
        covered=dr.meets_stated,
        gap="" if dr.meets_stated else "no recovery strategy meets the stated RTO/RPO",
    )


def _emergency_rollback(inputs: FailureInputs) -> FailureScenario:
    k8s = inputs.compute.platform.kubernetes
    return FailureScenario(
        id="emergency-rollback",
        title="Emergency rollback",
        mechanism="redeploy the previous image digest (Git revert of the release commit; "
        + ("Argo CD syncs it" if k8s else "the pipeline deploys it")
        + "); during a rollout, abort it",
        detection=given(0.0, "s", "an operator decides"),
        recovery=inputs.delivery.emergency_rollback,
        impact="the previous version serves everyone; data migrations must be backward "
        "compatible for this to be safe",
        operator_actions=[
            "abort an in-flight rollout: "
            + ("kubectl argo rollouts abort <service>" if k8s else "stop the deployment"),
            "revert the release commit and let the pipeline deploy the previous digest",
        ],
        look_at=[inputs.dashboards.deploys],
        covered=True,
        simulated=_redeploy_rows(inputs.faults),
    )


def detection_figure(catalog: Catalog, network: NetworkDesign) -> Figure:
    """Until a failed replica stops receiving requests: health checks, or readiness."""
    t = catalog.design.timings
    if network.health_check:
        return network.health_check.detection
    return figure(
        float(t.readiness_period_seconds * t.readiness_failure_threshold),
        "s",
        "{period_s} × {failure_threshold}",
        period_s=float(t.readiness_period_seconds),
        failure_threshold=float(t.readiness_failure_threshold),
    )


def _waits_for_a_node(
    catalog: Catalog, compute: ComputeDesign, reschedule: Figure, loss: CapacityLoss
) -> Figure:
    """At the peak the survivors may have no room for the lost pods: they wait for the
    node the scaler adds. The simulation says which; the figure says how long."""
    if loss.seconds_to_restore <= reschedule.value:
        return reschedule
    t = catalog.design.timings
    return figure(
        float(
            t.node_monitor_grace_seconds
            + t.pod_toleration_seconds
            + compute.capacity_start_seconds
            + t.pod_start_seconds
        ),
        "s",
        "{node_monitor_grace_s} + {toleration_s} + {node_provision_s} + {pod_start_s} (at the "
        "peak the surviving nodes have no room: the lost pods wait for a new node)",
        node_monitor_grace_s=float(t.node_monitor_grace_seconds),
        toleration_s=float(t.pod_toleration_seconds),
        node_provision_s=float(compute.capacity_start_seconds),
        pod_start_s=float(t.pod_start_seconds),
    )


def reschedule_figure(catalog: Catalog, compute: ComputeDesign) -> Figure:
    """Until a lost replica serves again elsewhere."""
    t = catalog.design.timings
    if compute.platform.kubernetes:
        return figure(
            float(t.node_monitor_grace_seconds + t.pod_toleration_seconds + t.pod_start_seconds),
            "s",
            "{node_monitor_grace_s} + {toleration_s} + {pod_start_s}",
            node_monitor_grace_s=float(t.node_monitor_grace_seconds),
            toleration_s=float(t.pod_toleration_seconds),
            pod_start_s=float(t.pod_start_seconds),
        )
    return figure(
        float(compute.replica_start_seconds),
        "s",
        "{replica_start_s}",
        replica_start_s=float(compute.replica_start_seconds),
    )


def _count(value: float) -> str:
    return number(round(value))


def _not_simulated(faults: FaultStudy | None, what: str) -> list[Measured]:
    if faults is None or not faults.not_simulated:
        return []
    return [Measured(what=f"Loss of {what}", value=f"not simulated: {faults.not_simulated}")]


def _loss_rows(loss: CapacityLoss | None) -> list[Measured]:
    if loss is None:
        return []
    replicas = f"{loss.replica}s"
    lost = (
        Measured(
            what="Tasks lost when one task fails (at peak)",
            value=f"1 of {loss.worst_service}'s {loss.replicas_running} "
            f"({loss.capacity_lost_share:.0%} of its serving capacity; the service where "
            "one task costs the most)",
        )
        if loss.event == "task"
        else Measured(
            what=f"{capital(replicas)} lost with {loss.what_fails} (at peak)",
            value=f"{loss.replicas_lost} ({loss.capacity_lost_share:.0%} of serving capacity)",
        )
    )
    return [
        lost,
        Measured(
            what="Surviving replicas carry the peak at once",
            value="yes" if loss.absorbs_peak else "no: the autoscaler must add replicas first",
        ),
        Measured(
            what="Requests failed before detection",
            value=f"{_count(loss.failed_before_detection)} (sent to the lost "
            + (loss.replica if loss.replicas_lost == 1 else replicas)
            + ")",
        ),
        Measured(
            what="Requests shed after detection",
            value=_count(loss.shed_after_detection),
        ),
        Measured(
            what="Error budget spent",
            value=f"{share(loss.budget_share)} of the month's (most exposed: {loss.worst_service})",
        ),
        Measured(what="Every lost replica serving again", value=f"{loss.seconds_to_restore} s"),
    ]


def _path_rows(paths: list[PathAvailability]) -> list[Measured]:
    rows: list[Measured] = []
    for path in paths:
        mc = path.monte_carlo
        rows.append(
            Measured(
                what=f"Availability of {path.path}'s path "
                f"(Monte Carlo, {number(mc.trials)} months)",
                value=f"{mc.mean * 100:.4f}% (95% CI {mc.ci_low * 100:.4f}-{mc.ci_high * 100:.4f}; "
                f"closed form {mc.closed_form * 100:.4f}%); months within the budget "
                f"{mc.meets_slo:.1%}",
            )
        )
    return rows


def _region_rows(paths: list[PathAvailability]) -> list[Measured]:
    rows: list[Measured] = []
    for path in paths:
        for label, mc in (
            (path.topology, path.monte_carlo),
            (path.alternative_topology, path.alternative),
        ):
            rows.append(
                Measured(
                    what=f"{path.path}, {label}",
                    value=f"mean downtime {number(round(mc.downtime_mean_minutes, 1))} min/month, "
                    f"p99 {number(round(mc.downtime_p99_minutes, 1))} min; months within the "
                    f"{number(mc.budget_minutes)} min budget: {mc.meets_slo:.1%}",
                )
            )
    return rows


_METRIC_WORDS = {
    "cpu-utilisation": "CPU",
    "requests-per-second": "requests per second",
    "queue-backlog-per-replica": "queue backlog",
    "alb-requests-per-target": "requests per target",
    "service-connect-requests-per-task": "requests per task",
}


def _metrics(compute: ComputeDesign) -> str:
    used = dict.fromkeys(
        _METRIC_WORDS.get(p.autoscaling.metric, p.autoscaling.metric)
        for p in compute.services
        if p.autoscaling is not None
    )
    return ", ".join(used) or "none"


def _spike_row(what: str, found: list[SpikeOutcome]) -> Measured:
    serving = [o for o in found if o.max_backlog == 0]
    slowest = max((o.seconds_to_capacity or 0 for o in serving), default=0)
    never = [o.service for o in serving if o.seconds_to_capacity is None]
    worst = max(found, key=lambda o: (o.budget_share, o.service))
    return Measured(
        what=what,
        value=(
            f"capacity in {slowest} s"
            if not never
            else "never reaches capacity: " + ", ".join(never)
        )
        + f"; {_count(sum(o.shed for o in found))} requests shed; worst "
        f"{worst.service} spends {share(worst.budget_share)} of its monthly error budget",
    )


def _spike_rows(study: SpikeStudy | None) -> list[Measured]:
    if study is None:
        return []
    rows: list[Measured] = []
    rows.extend(
        _spike_row(f"{study.shape}, {label}", found)
        for label, found in (("first sizing", study.designed), ("design", study.tuned))
    )
    if not study.declared_step:
        rows.append(
            _spike_row(f"Instant {number(study.multiplier)}x step, design (a risk)", study.step)
        )
    option = study.absorb_step
    if option is not None:
        worst = max(option.outcomes, key=lambda o: (o.budget_share, o.service))
        rows.append(
            Measured(
                what="Absorbing an instant step instead (an option)",
                value=f"+${number(round(option.monthly_usd.value))}/month: "
                + "; ".join(option.changes)
                + f"; the step then spends at most {share(worst.budget_share)} "
                f"({worst.service})",
            )
        )
    queued = [o for o in study.tuned if o.max_backlog > 0]
    rows.extend(
        Measured(
            what=f"Queue backlog of {o.service}",
            value=f"at most {_count(o.max_backlog)} messages, none lost",
        )
        for o in queued
    )
    rows.append(
        Measured(
            what="Settings the simulation set",
            value="; ".join(study.changes) if study.changes else "none: the first sizing fits",
        )
    )
    rows.append(
        Measured(
            what="Budget share a spike may spend",
            value=f"{share(study.budget_share_limit)} ({number(study.spikes_per_month)} a month)"
            + ("" if study.within else " (not met: see the gap)"),
        )
    )
    return rows


def _rollout_rows(faults: FaultStudy | None, chosen: str) -> list[Measured]:
    if faults is None:
        return []
    return [
        Measured(
            what=f"{r.strategy}" + (" (chosen)" if r.strategy == chosen else ""),
            value=f"up to {r.exposure_peak:.0%} of requests on the bad version; detected at "
            f"{number(r.seconds_to_detect)} s, none on it after {number(r.seconds_to_recover)} s; "
            f"{_count(r.failed)} requests fail at peak ({share(r.budget_share)} of the monthly "
            "error budget)",
        )
        for r in faults.rollouts
    ]


def _redeploy_rows(faults: FaultStudy | None) -> list[Measured]:
    if faults is None:
        return []
    e = faults.emergency
    return [
        Measured(
            what="Previous version on every replica",
            value=f"{number(e.seconds)} s for {e.replicas} replicas in batches of "
            f"{e.surge_pods}"
            + (" (the first batch waits for a new node)" if e.waits_for_nodes else ""),
        )
    ]
