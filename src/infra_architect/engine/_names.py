"""AWS names with a length limit, decided once per environment so every artifact uses the
same ones (issue 20 item 11).

The spec allows project and service names of 63 characters, and an environment's prefix
(``<project>-<env>``) reaches 71; AWS caps a load balancer or target group name at 32,
an IAM role at 64. A name that fits is kept as it reads; one that does not is cut and
given a short hash of the whole name, so distinct names never meet at the cut. The
last part (``blue``/``green``, the deployment config's shape) is kept whole, so two
names that differ only there stay apart."""

from __future__ import annotations

from infra_architect.catalog import Catalog
from infra_architect.engine._bounded import bounded_name
from infra_architect.engine._design_model import (
    ComputeDesign,
    DeliveryDesign,
    NetworkDesign,
    ResourceNames,
)
from infra_architect.spec import ComputeChoice, ServiceType


def resource_names(
    catalog: Catalog,
    project: str,
    environment: str,
    *,
    compute: ComputeDesign,
    network: NetworkDesign,
    delivery: DeliveryDesign,
    recovery_region: str,
) -> ResourceNames:
    """The limited names one environment's Terraform builds."""
    limits = catalog.limits
    base = f"{project}-{environment}"
    lb, group, role = (
        limits.name("load-balancer"),
        limits.name("target-group"),
        limits.name("iam-role"),
    )
    groups: dict[str, str] = {}
    for service in sorted({r.service for r in network.routes}):
        colours = ["blue", "green"] if delivery.release(service).codedeploy_ecs else ["blue"]
        for colour in colours:
            groups[f"{service}-{colour}"] = bounded_name(group, f"{base}-{service}", colour)
    ecs = compute.platform == ComputeChoice.ECS_FARGATE
    codedeploy = [r.service for r in delivery.releases if r.mechanism.codedeploy_ecs]
    shape = (
        f"canary-{delivery.codedeploy_canary_percent}pct-{delivery.codedeploy_canary_minutes}min"
    )
    return ResourceNames(
        environment=environment,  # type: ignore[arg-type]
        load_balancer=bounded_name(lb, base),
        target_groups=groups,
        roles={
            key: bounded_name(role, base, key)
            for key in ("task-execution", "codedeploy", "scheduler")
        }
        if ecs
        else {},
        schedules={
            s.name: bounded_name(limits.name("scheduler-schedule"), f"{base}-{s.name}")
            for s in compute.services
            if ecs and s.type is ServiceType.CRON
        },
        codedeploy_configs={
            name: bounded_name(limits.name("codedeploy-deployment-config"), f"{base}-{name}", shape)
            for name in codedeploy
        },
        access_log_bucket=bounded_name(limits.name("s3-bucket"), base, "access-logs"),
        recovery_access_log_bucket=bounded_name(
            limits.name("s3-bucket"), base, f"access-logs-{recovery_region}"
        ),
    )
