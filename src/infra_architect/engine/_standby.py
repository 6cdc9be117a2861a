"""What the chosen standby compute mode runs in the recovery region.

The recovery model prices a standby by the share of the primary's compute it keeps
running (policy.yaml ``standby_compute``); this turns that share into what is built, so
the bill and the Terraform describe the same thing: a pilot light keeps the load
balancer and the services at zero tasks (a failover only scales them up), a warm
standby each service at its share of prod's minimum (at least one task, so it is
"fully functional"), a hot standby prod's minimum. Only ECS designs: an EKS recovery
cluster is not buildable yet (buildable.yaml ``standby``), so the recovery choice never
asks for one.
"""

from __future__ import annotations

import math

from infra_architect.catalog import Catalog
from infra_architect.engine._design_model import (
    ComputeDesign,
    DataDesign,
    EnvironmentSizing,
    NetworkDesign,
    ServiceSize,
    StandbyService,
    StandbySizing,
)
from infra_architect.engine._model import Complexity, Recovery
from infra_architect.errors import DesignLookupError
from infra_architect.spec import ComputeChoice, Requirements, ServiceType

STANDBY_MODES = ("pilot-light", "warm-standby", "hot-standby")
NO_RECOVERY_CLUSTER = "no recovery cluster is generated for EKS yet"


def runs_kubernetes(req: Requirements, complexity: Complexity, catalog: Catalog) -> bool:
    """Whether the compute choice (choose/_compute.py) lands on EKS: pinned, or a team
    that can run Kubernetes with enough long-running services to repay a cluster. Known
    before the platform is chosen, so the recovery choice can hold to what is built."""
    pinned = req.decisions.compute
    if pinned is not None:
        return pinned.kubernetes
    fit = complexity.capability("kubernetes")
    long_running = [s for s in req.system.services if s.type is not ServiceType.CRON]
    return not fit.shortfalls and len(long_running) >= catalog.design.kubernetes_min_services


def unbuilt_standby(req: Requirements, complexity: Complexity, catalog: Catalog) -> dict[str, str]:
    """Standby compute modes the generator builds no recovery region for on this design's
    platform (buildable.yaml ``standby``), each with the reason: the recovery choice and
    the topology study never choose them."""
    pinned = req.decisions.compute
    platform = (
        pinned
        if pinned is not None
        else ComputeChoice.EKS
        if runs_kubernetes(req, complexity, catalog)
        else ComputeChoice.ECS_FARGATE
    )
    built = catalog.buildable.standby_modes(platform)
    reason = (
        NO_RECOVERY_CLUSTER
        if platform.kubernetes
        else f"no recovery region is generated for {platform} yet"
    )
    return {c.name: reason for c in catalog.policy.standby_compute if c.name not in built}


def standby_tasks(min_replicas: int, share: float) -> int:
    """Tasks a service keeps in the recovery region: its share of prod's minimum, at
    least one when anything runs there (a warm standby must serve the first request)."""
    if share <= 0:
        return 0
    return max(1, math.ceil(round(min_replicas * share, 6)))


def standby_sizing(
    recovery: Recovery,
    compute: ComputeDesign,
    network: NetworkDesign,
    data: DataDesign,
    services: list[ServiceSize],
) -> StandbySizing | None:
    """The recovery region's running part for an ECS design with a standby, else None."""
    if (
        recovery.standby_compute not in STANDBY_MODES
        or compute.platform != ComputeChoice.ECS_FARGATE
    ):
        return None
    share = recovery.standby_share
    # Scheduled jobs stay in the primary: running them in both regions would do their
    # work twice; the DR runbook starts their schedules after a failover.
    long_running = {p.name for p in compute.services if p.type is not ServiceType.CRON}
    kept = [
        StandbyService(name=s.name, tasks=standby_tasks(s.min_replicas, share))
        for s in services
        if s.name in long_running
    ]
    running = share > 0
    # A Kafka cluster needs as many brokers as its replication factor whatever it
    # carries, so a standby cluster keeps prod's brokers and only its volumes shrink.
    brokers = sorted(
        q.name
        for q in data.queues
        if running and q.sizing is not None and q.engine == "kafka"
        if q.sizing.mode == "provisioned"
    )
    edge = network.load_balancer == "alb"
    tasks = sum(s.tasks for s in kept)
    why = (
        f"{recovery.strategy}: "
        + ("the load balancer" + (" and its WAF" if network.waf else "") + " run; " if edge else "")
        + (
            f"the services run {tasks} task(s) ({share:.0%} of prod's minimum, at least one "
            "each) behind it"
            if running
            else "the services exist at 0 tasks, so a failover only scales them up "
            "(no NAT gateway until then)"
        )
        + (
            f"; {', '.join(brokers)}: a standby MSK cluster of prod's brokers at "
            f"{share:.0%} of their volume, written to by the recovery region after a failover"
            if brokers
            else ""
        )
    )
    return StandbySizing(
        mode=recovery.standby_compute,
        load_balancer=edge,
        nat_gateways=network.nat_gateways if running else 0,
        services=kept,
        brokers=brokers,
        broker_storage_share=share if brokers else 0.0,
        broker_volumes_gb={q: _standby_volume(data, q, share) for q in brokers},
        why=why,
    )


def _standby_volume(data: DataDesign, queue: str, share: float) -> int:
    """A standby broker's volume: prod's at the standby's share, in whole GB (at least 1)."""
    sizing = next(q.sizing for q in data.queues if q.name == queue)
    if sizing is None:
        raise DesignLookupError("stream sizing of the standby cluster", queue)
    return max(1, math.ceil(round(sizing.storage_gb_per_broker * share, 6)))


RECOVERY_LB_OUTPUT = "recovery_load_balancer_dns_name"
"""The prod Terraform output naming the standby's load balancer (render/_standby_terraform)."""


def failover_actions(
    prod: EnvironmentSizing, compute: ComputeDesign, cluster: str, region: str
) -> list[str]:
    """The region-outage runbook's steps when prod has a standby: start the network a
    pilot light lacks, raise every standby service to prod's minimum tasks (the autoscaling
    floor too, so it does not scale back in), point DNS at the standby's load balancer."""
    standby = prod.standby
    if standby is None:
        return []
    autoscaled = {s.name for s in compute.services if s.autoscaling is not None}
    steps = [
        (
            "declare the disaster (incident commander) once AWS confirms a regional event; "
            f"the standby: {standby.why}"
        ),
        "promote the replicated data stores in the recovery region",
    ]
    if not standby.nat_gateways:
        steps.append(
            "give the standby's tasks their way out before starting them: set "
            "enable_nat_gateway = true on module vpc_recovery in "
            "infra/terraform/environments/prod/main.tf and apply"
        )
    for kept in standby.services:
        tasks = prod.service(kept.name).min_replicas
        where = f"--cluster {cluster} --service {kept.name} --region {region}"
        command = f"`aws ecs update-service {where} --desired-count {tasks}`"
        if kept.name in autoscaled:
            command += (
                " and `aws application-autoscaling register-scalable-target "
                f"--service-namespace ecs --resource-id service/{cluster}/{kept.name} "
                "--scalable-dimension ecs:service:DesiredCount "
                f"--min-capacity {tasks} --region {region}`"
            )
        steps.append(
            f"raise {kept.name} from {kept.tasks} to prod's minimum of {tasks} task(s): {command}"
        )
    if standby.load_balancer:
        steps.append(
            "point the service's DNS record at the standby's load balancer: "
            f"`terraform -chdir=infra/terraform/environments/prod output -raw "
            f"{RECOVERY_LB_OUTPUT}`"
        )
    steps.append(
        "start the scheduled jobs' schedules in the recovery region; freeze deploys until failback"
    )
    return steps
