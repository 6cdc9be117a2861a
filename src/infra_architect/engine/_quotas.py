"""New-account service quotas a design can outgrow (issue 20 item 11): found at design
time, so the increase is requested before the first apply instead of failing it."""

from __future__ import annotations

import math

from infra_architect.catalog import AccountQuota, Catalog
from infra_architect.engine._design_model import ComputeDesign, EnvironmentSizing
from infra_architect.engine._model import Conflict, Severity
from infra_architect.spec import ComputeChoice


def _commands(quota: AccountQuota, region: str, needed: int) -> str:
    code = f"--service-code {quota.service_code} --quota-code {quota.quota_code}"
    return (
        f"read it: aws service-quotas get-service-quota {code} --region {region}; raise it: "
        f"aws service-quotas request-service-quota-increase {code} "
        f"--desired-value {needed} --region {region}"
    )


def _conflict(quota: AccountQuota, env: EnvironmentSizing, region: str, needed: float) -> Conflict:
    whole = math.ceil(needed)
    over = quota.default is not None and whole > quota.default
    told = (
        f"over the new-account default of {quota.default}"
        if over
        else f"AWS sets it per account; check the applied value covers {whole}"
    )
    return Conflict(
        id=f"quota-{quota.id}",
        severity=Severity.WARNING if over else Severity.INFO,
        title=f"{env.name} needs {whole} of '{quota.title}' ({quota.quota_code}) at its "
        f"maximum size: {told}",
        detail=f"Service Quotas {quota.service_code} {quota.quota_code}; source: {quota.source}",
        fix=_commands(quota, region, whole) + " (before the first apply)",
        fields=["traffic.requests_per_second", "traffic.spike_multiplier"],
    )


def quota_conflicts(
    catalog: Catalog, region: str, compute: ComputeDesign, environments: list[EnvironmentSizing]
) -> list[Conflict]:
    """Per environment (its own account), each quota the design's maximum size reaches."""
    limits = catalog.limits
    out: list[Conflict] = []
    for env in environments:
        if compute.platform == ComputeChoice.ECS_FARGATE:
            vcpu = sum(s.max_replicas * s.vcpu for s in env.services)
            out.append(_conflict(limits.quota("fargate-on-demand-vcpu"), env, region, vcpu))
        if compute.platform.kubernetes and env.node_max is not None:
            group = limits.quota("eks-nodes-per-managed-node-group")
            if group.default is not None and env.node_max > group.default:
                out.append(_conflict(group, env, region, env.node_max))
            shapes = [*catalog.design.node_types, *catalog.design.staging_node_types]
            node = next((n for n in shapes if n.name == env.node_type), None)
            if node is not None:
                vcpu = env.node_max * node.vcpu
                quota = limits.quota("ec2-on-demand-standard-vcpu")
                out.append(_conflict(quota, env, region, vcpu))
    return out
