"""Compute: EKS, ECS on Fargate or Lambda, from workload shape and what the team can run.

Complexity is a cost. Kubernetes is chosen only when the team can operate it *and*
there are enough long-running services for one scheduler and one deployment model to
pay for a cluster that must be upgraded three times a year.
"""

from __future__ import annotations

import math

from infra_architect._figures import Figure, figure, number
from infra_architect.catalog import Catalog, NodeType
from infra_architect.engine._capacity import MAX_REPLICAS
from infra_architect.engine._design_model import (
    Alternative,
    Autoscaling,
    ComputeDesign,
    CronJobSettings,
    Decision,
    ManifestSettings,
    NodePool,
    Platform,
    Probes,
    ServicePlan,
    SyncRetry,
)
from infra_architect.engine._model import Constraints, ServiceCapacity
from infra_architect.engine._standby import runs_kubernetes
from infra_architect.engine.choose._compliance import tls_to_services
from infra_architect.engine.choose._pins import ImpossiblePinError, PinProblem
from infra_architect.spec import (
    ComputeChoice,
    Protocol,
    QueueEngine,
    Requirements,
    ServiceType,
    eventbridge_cron,
    five_fields,
)

LAMBDA_MAX_MEMORY_MB = 10240
SCALE_IN_STABILISATION_SECONDS = 300
BACKLOG_PER_REPLICA = 10.0
"""Queue messages each worker replica may have waiting before another is added."""


def choose_compute(req: Requirements, constraints: Constraints, catalog: Catalog) -> ComputeDesign:
    complexity = constraints.complexity
    long_running = [s for s in req.system.services if s.type is not ServiceType.CRON]
    peak_vcpu = constraints.totals.vcpu_max.value
    design = catalog.design
    team = req.team
    team_says = (
        f"team.size={team.size}, team.ops_experience={team.ops_experience.value}, "
        f"team.kubernetes_experience={team.kubernetes_experience.value}"
    )
    k8s_short = _shortfalls(constraints, "kubernetes")
    karpenter_short = _shortfalls(constraints, "kubernetes-advanced")
    lambda_blockers = _lambda_blockers(req)

    why_not: dict[Platform, str] = {
        ComputeChoice.EKS: (
            f"the team cannot run it yet ({'; '.join(k8s_short)}): a cluster to upgrade, "
            "node groups, add-ons and networking to debug at 3 a.m. is risk, not capability"
            if k8s_short
            else f"{len(long_running)} long-running service(s) do not repay a cluster "
            f"(from {design.kubernetes_min_services}): ECS runs them with nothing to upgrade"
        ),
        ComputeChoice.EKS_KARPENTER: (
            f"Karpenter adds node provisioning the team must understand "
            f"({'; '.join(karpenter_short)})"
            if karpenter_short
            else f"peak {peak_vcpu:g} vCPU is below {design.karpenter_min_vcpu:g}: managed node "
            "groups bin-pack well enough"
        ),
        ComputeChoice.ECS_FARGATE: (
            "Fargate's per-vCPU price is about 20-30% above EC2 nodes at this scale and "
            "every service would need its own task definition and deployment wiring, "
            "where Kubernetes gives one model for all of them"
        ),
        ComputeChoice.LAMBDA: (
            "; ".join(lambda_blockers)
            if lambda_blockers
            else "long-running container services would have to be re-packaged as functions "
            "(handlers, 15-minute limit, cold starts on the spike)"
        )
        + "; App Runner, the container-serverless option, closed to new customers on "
        "2026-04-30",
    }

    pinned = req.decisions.compute
    if pinned is not None:
        platform: Platform = pinned
        _check_pin(pinned, k8s_short, karpenter_short, lambda_blockers, catalog)
        why = f"pinned in the spec (decisions.compute: {pinned.value})"
    elif runs_kubernetes(req, complexity, catalog):
        platform = (
            ComputeChoice.EKS_KARPENTER
            if not karpenter_short and peak_vcpu >= (design.karpenter_min_vcpu)
            else ComputeChoice.EKS
        )
        why = (
            f"{len(long_running)} long-running services (from "
            f"{design.kubernetes_min_services} Kubernetes repays its cost) and a team that "
            f"can operate it ({team_says}); one scheduler, one deployment model (GitOps), "
            "HPA per service and pod-level isolation"
        )
    else:
        platform = ComputeChoice.ECS_FARGATE
        reason = (
            f"the team's ceiling is {complexity.compute_ceiling} ({team_says})"
            if k8s_short
            else f"{len(long_running)} long-running service(s), below the "
            f"{design.kubernetes_min_services} from which a cluster pays for itself"
        )
        why = (
            f"{reason}; Fargate runs containers with no nodes or control plane to operate, "
            "AWS patches the hosts, and target-tracking autoscaling covers each service"
        )

    risk = {
        "eks": "cluster upgrades (three minor versions a year), add-on lifecycle and node "
        "patching are the team's job; node capacity lags pods by a node launch",
        "eks-karpenter": "Karpenter's consolidation moves pods often, so every service needs "
        "a PodDisruptionBudget and graceful shutdown; one more controller to upgrade",
        "ecs-fargate": "slower reaction than Kubernetes (CloudWatch alarms need 3 minutes of "
        "data) so more standing headroom; per-vCPU price above EC2; no DaemonSets",
        "lambda": "cold starts on a spike; 15-minute limit; concurrency quotas must be raised "
        "before launch",
    }[platform]
    decision = Decision(
        id="compute",
        title="Compute platform",
        selected=platform,
        alternatives=[
            Alternative(name=name, why_not=text)
            for name, text in why_not.items()
            if name != platform
        ],
        why=why,
        risk=risk,
        drivers=[
            "team.size",
            "team.ops_experience",
            "team.kubernetes_experience",
            "system.services",
            "constraints.complexity",
        ],
        pinned=pinned is not None,
    )
    timings = design.timings
    replica_start = (
        timings.pod_start_seconds
        if platform.kubernetes
        else timings.fargate_task_start_seconds
        if platform == ComputeChoice.ECS_FARGATE
        else timings.lambda_scale_seconds
    )
    capacity_start = timings.node_provision_seconds.get(platform, 0)
    plans = [
        _plan(req, constraints.service(s.name), platform, catalog, replica_start)
        for s in req.system.services
    ]
    node_pool = _node_pool(constraints, catalog, platform) if platform.kubernetes else None
    return ComputeDesign(
        decision=decision,
        platform=platform,
        node_pool=node_pool,
        services=plans,
        replica_start_seconds=replica_start,
        capacity_start_seconds=capacity_start,
        kubernetes_version=(
            catalog.design.engine_versions.kubernetes if platform.kubernetes else None
        ),
        pod_toleration_seconds=timings.pod_toleration_seconds,
        termination_grace_seconds=design.workloads.termination_grace_seconds,
        pre_stop_sleep_seconds=design.workloads.pre_stop_sleep_seconds,
        manifests=_manifests(catalog) if platform.kubernetes else None,
    )


def _manifests(catalog: Catalog) -> ManifestSettings:
    """The settings every Kubernetes manifest carries (design.yaml kubernetes_manifests)."""
    k8s = catalog.design.kubernetes_manifests
    return ManifestSettings(
        run_as_user=k8s.run_as_user,
        probe_timeout_seconds=k8s.probe_timeout_seconds,
        revision_history_limit=k8s.revision_history_limit,
        cronjob=CronJobSettings(**k8s.cronjob.model_dump()),
        sync_retry=SyncRetry(**k8s.sync_retry.model_dump()),
    )


def _shortfalls(constraints: Constraints, capability: str) -> list[str]:
    fit = constraints.complexity.capability(capability)
    return fit.shortfalls


def _lambda_blockers(req: Requirements) -> list[str]:
    blockers: list[str] = []
    grpc = [s.name for s in req.system.services if s.protocol is Protocol.GRPC]
    if grpc:
        blockers.append(f"API Gateway does not serve gRPC ({', '.join(grpc)})")
    big = [s.name for s in req.system.services if (s.memory_mb or 0) > LAMBDA_MAX_MEMORY_MB]
    if big:
        blockers.append(f"more memory than Lambda's {LAMBDA_MAX_MEMORY_MB} MB ({', '.join(big)})")
    return blockers


def check_compute_pin(req: Requirements, constraints: Constraints, catalog: Catalog) -> None:
    """Raise :class:`ImpossiblePinError` when ``decisions.compute`` cannot hold."""
    if req.decisions.compute is not None:
        _check_pin(
            req.decisions.compute,
            _shortfalls(constraints, "kubernetes"),
            _shortfalls(constraints, "kubernetes-advanced"),
            _lambda_blockers(req),
            catalog,
        )


def _check_pin(
    pinned: ComputeChoice,
    k8s_short: list[str],
    karpenter_short: list[str],
    lambda_blockers: list[str],
    catalog: Catalog,
) -> None:
    reason = ""
    if catalog.buildable.compute_module(pinned) is None:
        # The engine never designs what the generator cannot build (buildable.yaml).
        reason = (
            f"the generator builds no Terraform for {pinned.value} compute yet "
            "(catalog: buildable.yaml)"
        )
    elif pinned is ComputeChoice.EKS and k8s_short:
        reason = "EKS needs a team that can operate Kubernetes: " + "; ".join(k8s_short)
    elif pinned is ComputeChoice.EKS_KARPENTER and karpenter_short:
        reason = "Karpenter needs a team with advanced Kubernetes: " + "; ".join(karpenter_short)
    elif pinned is ComputeChoice.LAMBDA and lambda_blockers:
        reason = "Lambda cannot run these services: " + "; ".join(lambda_blockers)
    if reason:
        raise ImpossiblePinError(
            [
                PinProblem(
                    field="decisions.compute",
                    value=pinned.value,
                    reason=reason,
                    fix="remove the pin to let the design choose, pin ecs-fargate, or correct "
                    "the team section if it understates the team",
                )
            ]
        )


# Fargate runs fixed task sizes: CPU units, and the memory each allows (MiB).
FARGATE_SIZES: tuple[tuple[int, tuple[int, ...]], ...] = (
    (256, (512, 1024, 2048)),
    (512, tuple(range(1024, 4096 + 1, 1024))),
    (1024, tuple(range(2048, 8192 + 1, 1024))),
    (2048, tuple(range(4096, 16384 + 1, 1024))),
    (4096, tuple(range(8192, 30720 + 1, 1024))),
    (8192, tuple(range(16384, 61440 + 1, 4096))),
    (16384, tuple(range(32768, 122880 + 1, 8192))),
)


def fargate_task_size(vcpu: float, memory_mb: int) -> tuple[float, int]:
    """The smallest Fargate task size holding ``vcpu`` and ``memory_mb``."""
    for units, memories in FARGATE_SIZES:
        if units >= vcpu * 1024:
            fits = [m for m in memories if m >= memory_mb]
            if fits:
                return units / 1024, fits[0]
    units, memories = FARGATE_SIZES[-1]
    return units / 1024, memories[-1]


def disruption_min_available(min_replicas: int) -> int | None:
    """Voluntary disruptions (node drains, upgrades) take at most a quarter of the minimum
    at once; a single replica gets no budget (it would block every drain)."""
    return max(1, min_replicas - max(1, min_replicas // 4)) if min_replicas >= 2 else None


def _probes(
    catalog: Catalog, port: int | None, path: str | None, *, grpc: bool = False
) -> Probes | None:
    """One health endpoint asked three questions: started? ready for traffic? alive?"""
    if port is None or path is None:
        return None
    t, w = catalog.design.timings, catalog.design.workloads
    return Probes(
        kind="grpc" if grpc else "http",
        port=port,
        path=path,
        readiness_period_seconds=t.readiness_period_seconds,
        readiness_failure_threshold=t.readiness_failure_threshold,
        liveness_period_seconds=w.liveness_period_seconds,
        liveness_failure_threshold=w.liveness_failure_threshold,
        startup_period_seconds=w.startup_period_seconds,
        startup_failure_threshold=math.ceil(w.startup_budget_seconds / w.startup_period_seconds),
        out_of_rotation=figure(
            float(t.readiness_period_seconds * t.readiness_failure_threshold),
            "s",
            "{period_s} × {failures}",
            period_s=float(t.readiness_period_seconds),
            failures=float(t.readiness_failure_threshold),
        ),
    )


def _plan(
    req: Requirements,
    capacity: ServiceCapacity,
    platform: Platform,
    catalog: Catalog,
    replica_start: int,
) -> ServicePlan:
    service = req.service(capacity.name)
    policy = catalog.policy
    serves = service.type.serves_requests
    profile = policy.service_profiles[service.type]
    autoscaling = None
    if service.type is not ServiceType.CRON:
        by_requests = serves and service.public and platform == ComputeChoice.ECS_FARGATE
        # A worker that consumes no queue (polling a table, holding connections) has no
        # backlog to scale on; like any busy process it scales on CPU.
        # The backlog the generated autoscalers read is an SQS queue's (SNS fans out to
        # one); Kafka, Kinesis and RabbitMQ consumers scale on CPU, up to their partitions.
        by_backlog = not serves and any(
            q.name in service.uses and q.engine in (QueueEngine.SQS, QueueEngine.SNS)
            for q in req.system.queues
        )
        metric, target = (
            ("alb-requests-per-target", capacity.load_per_replica.value * 60)
            if by_requests
            else ("queue-backlog-per-replica", BACKLOG_PER_REPLICA)
            if by_backlog
            else ("cpu-utilisation", policy.target_utilisation * 100)
        )
        autoscaling = Autoscaling(
            metric=metric,
            target=round(target, 1),
            scale_out_seconds=_scale_out(
                capacity, platform, catalog, replica_start, request_metric=by_requests or by_backlog
            ),
            scale_in_stabilisation_seconds=SCALE_IN_STABILISATION_SECONDS,
            scale_up_percent=catalog.design.autoscaling.hpa_up_percent,
            scale_up_pods=catalog.design.autoscaling.hpa_up_pods,
            scale_up_period_seconds=catalog.design.autoscaling.hpa_up_period_seconds,
            scale_down_percent=catalog.design.autoscaling.hpa_down_percent,
            scale_down_period_seconds=catalog.design.autoscaling.hpa_down_period_seconds,
        )
    # past MAX_REPLICAS the constraints report the load as beyond one deployment
    minimum = min(capacity.min_replicas.whole, MAX_REPLICAS)
    vcpu = capacity.vcpu_per_replica.value
    memory_mb = round(capacity.memory_mb_per_replica.value)
    if platform == ComputeChoice.ECS_FARGATE:
        vcpu, memory_mb = fargate_task_size(vcpu, memory_mb)
    workloads = catalog.design.workloads
    port = (service.port or profile.port) if serves else None
    metrics_port = None if service.type is ServiceType.CRON else workloads.metrics_port
    grpc = serves and service.protocol is Protocol.GRPC
    # The kubelet's gRPC probe speaks no TLS (Kubernetes 1.32): a gRPC port that serves
    # TLS is probed like a worker, on its metrics port's health path.
    grpc_probe = grpc and not tls_to_services(req)[0]
    health_path = catalog.design.grpc.health_check_path if grpc else service.health_check_path
    probe_port, probe_path = (
        (port, health_path)
        if serves and (grpc_probe or not grpc)
        else (metrics_port, workloads.worker_health_path)
    )
    return ServicePlan(
        name=service.name,
        type=service.type,
        public=service.public,
        port=port,
        protocol=service.protocol.value,
        health_check_path=health_path if serves else None,
        schedule=five_fields(service.schedule) if service.schedule else None,
        eventbridge_schedule=eventbridge_cron(service.schedule) if service.schedule else None,
        vcpu=vcpu,
        cpu_limit_vcpu=vcpu * workloads.cpu_limit_multiple if platform.kubernetes else None,
        memory_mb=memory_mb,
        min_replicas=minimum,
        max_replicas=min(capacity.max_replicas.whole, MAX_REPLICAS),
        autoscaling=autoscaling,
        pod_disruption_min_available=disruption_min_available(minimum),
        calls=[c.service for c in service.calls],
        uses=list(service.uses),
        metrics_port=metrics_port,
        probes=_probes(catalog, probe_port, probe_path, grpc=grpc_probe),
    )


def scale_on_requests(
    compute: ComputeDesign, constraints: Constraints, catalog: Catalog
) -> tuple[ComputeDesign, list[str]]:
    """Request-serving services scaled on their request rate instead of CPU:
    a saturated pod reads 100 % CPU, so a CPU autoscaler sees at most 1 / target times
    its target per step, where a request rate shows the whole spike at once. The cure a
    spike tries before standing capacity (it costs nothing but the metrics adapter)."""
    if compute.platform.kubernetes:
        # the pod's request rate, served to the HPA by prometheus-adapter (req/s a pod)
        metric, per_minute, unit = "requests-per-second", False, "a pod"
    elif compute.platform == ComputeChoice.ECS_FARGATE:
        # Service Connect's RequestCount per running task, by CloudWatch metric math
        # (req/min a task): AWS's documented way to scale internal ECS services on load
        metric, per_minute, unit = "service-connect-requests-per-task", True, "a task"
    else:
        return compute, []
    changes: list[str] = []
    plans: list[ServicePlan] = []
    for plan in compute.services:
        scaling = plan.autoscaling
        if scaling is None or scaling.metric != "cpu-utilisation" or plan.port is None:
            plans.append(plan)
            continue
        capacity = constraints.service(plan.name)
        per_pod = capacity.load_per_replica.value
        plans.append(
            plan.model_copy(
                update={
                    "autoscaling": scaling.model_copy(
                        update={
                            "metric": metric,
                            "target": round(per_pod * (60 if per_minute else 1), 2),
                            "scale_out_seconds": _scale_out(
                                capacity,
                                compute.platform,
                                catalog,
                                compute.replica_start_seconds,
                                request_metric=True,
                            ),
                        }
                    )
                }
            )
        )
        changes.append(
            f"{plan.name}: scales on requests per second ({number(round(per_pod, 2))} {unit}) "
            "instead of CPU"
        )
    return compute.model_copy(update={"services": plans}), changes


def _scale_out(
    capacity: ServiceCapacity,
    platform: Platform,
    catalog: Catalog,
    replica_start: int,
    *,
    request_metric: bool,
) -> Figure:
    """Seconds from the start of a spike until the spike's replicas are serving.

    A CPU-bound replica saturates at 100%, so a CPU autoscaler sees at most
    100 / target utilisation times its target per evaluation and grows by that factor
    per step; a request-count or backlog metric sees the whole spike at once (one step).
    """
    timings = catalog.design.timings
    target = catalog.policy.target_utilisation
    growth = max(capacity.replicas_spike.value / max(capacity.min_replicas.value, 1.0), 1.0)
    steps = (
        1.0
        if request_metric
        else float(max(1, math.ceil(round(math.log(growth) / math.log(1 / target), 6))))
    )
    if platform.kubernetes:
        return figure(
            steps * (timings.metrics_resolution_seconds + timings.hpa_sync_seconds + replica_start),
            "s",
            "{steps} × ({metrics_resolution_s} + {hpa_sync_s} + {pod_start_s})",
            steps=steps,
            metrics_resolution_s=float(timings.metrics_resolution_seconds),
            hpa_sync_s=float(timings.hpa_sync_seconds),
            pod_start_s=float(replica_start),
        )
    if platform == ComputeChoice.LAMBDA:
        return figure(
            float(timings.lambda_scale_seconds),
            "s",
            "{lambda_scale_s}",
            lambda_scale_s=float(timings.lambda_scale_seconds),
        )
    return figure(
        steps * (timings.ecs_scale_out_alarm_seconds + replica_start),
        "s",
        "{steps} × ({alarm_s} + {task_start_s})",
        steps=steps,
        alarm_s=float(timings.ecs_scale_out_alarm_seconds),
        task_start_s=float(replica_start),
    )


def _node_pool(constraints: Constraints, catalog: Catalog, platform: Platform) -> NodePool:
    design = catalog.design
    azs = constraints.topology.availability_zones.whole
    totals = constraints.totals
    floor_nodes = azs * design.min_nodes_per_az

    def count(vcpu: float, memory: float, shape_vcpu: float, shape_mem: float) -> int:
        raw = max(
            vcpu / (shape_vcpu * design.node_packing), memory / (shape_mem * design.node_packing)
        )
        return math.ceil(round(raw, 6) / azs) * azs

    def held(shape: NodeType) -> float:
        """vCPU the baseline holds on ``shape`` (the floor of nodes at least)."""
        nodes = max(
            count(totals.vcpu_min.value, totals.memory_gb_min.value, shape.vcpu, shape.memory_gib),
            floor_nodes,
        )
        return nodes * shape.vcpu

    # the largest shape holding the baseline within the tolerance of the least capacity
    least = min(held(shape) for shape in design.node_types)
    chosen = max(
        (s for s in design.node_types if held(s) <= least * (1 + design.node_shape_tolerance)),
        key=lambda s: s.vcpu,
    )
    raw_min = count(
        totals.vcpu_min.value, totals.memory_gb_min.value, chosen.vcpu, chosen.memory_gib
    )
    raw_max = count(
        totals.vcpu_max.value, totals.memory_gb_max.value, chosen.vcpu, chosen.memory_gib
    )
    minimum = figure(
        float(max(raw_min, floor_nodes)),
        "nodes",
        "max(ceil(max({vcpu_min} / ({node_vcpu} × {packing}), {memory_gib_min} / "
        "({node_memory_gib} × {packing})) / {azs}) × {azs}, {azs} × {nodes_per_az})",
        vcpu_min=totals.vcpu_min.value,
        node_vcpu=chosen.vcpu,
        packing=design.node_packing,
        memory_gib_min=totals.memory_gb_min.value,
        node_memory_gib=chosen.memory_gib,
        azs=float(azs),
        nodes_per_az=float(design.min_nodes_per_az),
    )
    maximum = figure(
        float(max(raw_max, minimum.whole)),
        "nodes",
        "max(ceil(max({vcpu_max} / ({node_vcpu} × {packing}), {memory_gib_max} / "
        "({node_memory_gib} × {packing})) / {azs}) × {azs}, {min_nodes})",
        vcpu_max=totals.vcpu_max.value,
        node_vcpu=chosen.vcpu,
        packing=design.node_packing,
        memory_gib_max=totals.memory_gb_max.value,
        node_memory_gib=chosen.memory_gib,
        azs=float(azs),
        min_nodes=minimum.value,
    )
    return NodePool(
        instance_type=chosen.name,
        vcpu=chosen.vcpu,
        memory_gib=chosen.memory_gib,
        min_nodes=minimum,
        max_nodes=maximum,
        scaler="Karpenter" if platform == ComputeChoice.EKS_KARPENTER else "Cluster Autoscaler",
    )
