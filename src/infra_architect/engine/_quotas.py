"""New-account service quotas a design can outgrow (issue 20 item 11): found at design
time, so the increase is requested before the first apply instead of failing it.

One :class:`QuotaCheck` per quota and environment carries the commands; the design's
conflicts and the day-one document's quota step both print them."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._figures import number
from infra_architect.catalog import AccountQuota, Catalog
from infra_architect.engine._design_model import ComputeDesign, EnvironmentSizing
from infra_architect.engine._model import Conflict, Severity
from infra_architect.engine.choose._addons import GROUPS_PER_CLUSTER, groups_per_cluster
from infra_architect.spec import ComputeChoice


class QuotaCheck(BaseModel):
    """One quota an environment's maximum size reaches, in that environment's account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quota_id: str
    title: str
    environment: str
    account_id: str
    service_code: str
    quota_code: str
    needed: int = Field(description="What the design reaches at its maximum size.")
    default: int | None = Field(description="The new-account default (None: per account).")
    source: str
    get_command: str = Field(description="Prints the value the account has.")
    request_command: str = Field(description="Asks AWS for the value the design needs.")

    @property
    def over_default(self) -> bool:
        return self.default is not None and self.needed > self.default


def _check(quota: AccountQuota, env: EnvironmentSizing, region: str, needed: float) -> QuotaCheck:
    whole = math.ceil(needed)
    code = f"--service-code {quota.service_code} --quota-code {quota.quota_code}"
    return QuotaCheck(
        quota_id=quota.id,
        title=quota.title,
        environment=env.name,
        account_id=env.account_id,
        service_code=quota.service_code,
        quota_code=quota.quota_code,
        needed=whole,
        default=quota.default,
        source=quota.source,
        get_command=f"aws service-quotas get-service-quota {code} --region {region}",
        request_command=(
            f"aws service-quotas request-service-quota-increase {code} "
            f"--desired-value {whole} --region {region}"
        ),
    )


def _conflict(check: QuotaCheck) -> Conflict:
    told = (
        f"over the new-account default of {check.default}"
        if check.over_default
        else f"AWS sets it per account; check the applied value covers {check.needed}"
    )
    return Conflict(
        id=f"quota-{check.quota_id}",
        severity=Severity.WARNING if check.over_default else Severity.INFO,
        title=f"{check.environment} needs {check.needed} of '{check.title}' "
        f"({check.quota_code}) at its maximum size: {told}",
        detail=f"Service Quotas {check.service_code} {check.quota_code}; source: {check.source}",
        fix=f"read it: {check.get_command}; raise it: {check.request_command} "
        "(before the first apply)",
        fields=["traffic.requests_per_second", "traffic.spike_multiplier"],
    )


def quota_checks(
    catalog: Catalog, region: str, compute: ComputeDesign, environments: list[EnvironmentSizing]
) -> list[QuotaCheck]:
    """Per environment (its own account), each quota the design's maximum size reaches."""
    limits = catalog.limits
    out: list[QuotaCheck] = []
    for env in environments:
        if compute.platform == ComputeChoice.ECS_FARGATE:
            vcpu = sum(s.max_replicas * s.vcpu for s in env.services)
            out.append(_check(limits.quota("fargate-on-demand-vcpu"), env, region, vcpu))
        if compute.platform.kubernetes and env.node_max is not None:
            group = limits.quota("eks-nodes-per-managed-node-group")
            if group.default is not None and env.node_max > group.default:
                out.append(_check(group, env, region, env.node_max))
            shapes = [*catalog.design.node_types, *catalog.design.staging_node_types]
            node = next((n for n in shapes if n.name == env.node_type), None)
            if node is not None:
                vcpu = env.node_max * node.vcpu
                quota = limits.quota("ec2-on-demand-standard-vcpu")
                out.append(_check(quota, env, region, vcpu))
    return out


def quota_conflicts(checks: list[QuotaCheck]) -> list[Conflict]:
    """The checks as the design's conflicts: a warning over a documented default, a
    note to check the applied value where AWS sets it per account."""
    return [_conflict(check) for check in checks]


def node_group_conflicts(
    catalog: Catalog, compute: ComputeDesign, environments: list[EnvironmentSizing]
) -> list[Conflict]:
    """An EKS environment whose node pool needs more managed node groups than a cluster
    holds: an error, the groups having stopped at the cluster's size
    (``size_node_groups``). 30 groups of 450 nodes is 13,500 nodes, well past the 5,000
    nodes Kubernetes is tested to: a load that needs more is mis-stated (CPU per request,
    traffic, fan-out) or needs cells, not a bigger cluster."""
    if not compute.platform.kubernetes:
        return []
    per_group = catalog.cluster_addons.managed_node_group_max_nodes
    max_groups = groups_per_cluster(catalog)
    quota = catalog.limits.quota(GROUPS_PER_CLUSTER)
    karpenter = compute.platform is ComputeChoice.EKS_KARPENTER
    out: list[Conflict] = []
    for env in environments:
        pool = env.node_min if karpenter else env.node_max
        if pool is None:
            continue
        needed = math.ceil(pool / per_group)
        if needed <= max_groups:
            continue
        which = (
            "baseline (node_min, the groups Karpenter's controller runs on)"
            if karpenter
            else "maximum size"
        )
        out.append(
            Conflict(
                id="node-groups-beyond-one-cluster",
                severity=Severity.ERROR,
                title=f"{env.name} needs {number(pool)} nodes at its {which}: "
                f"{number(needed)} managed node groups of at most {per_group}; one EKS cluster "
                f"holds {max_groups} ('{quota.title}', {quota.quota_code})",
                detail=f"The design stops the node groups at {max_groups} × {per_group} = "
                f"{number(max_groups * per_group)} nodes, so its Terraform does not hold this "
                "load. Kubernetes is tested to 5,000 nodes in one cluster; source: "
                f"{quota.source}",
                fix="measure cpu_ms_per_request and check the traffic figures and the "
                "per_request fan-out (they size the nodes); or split the system into cells "
                "(one spec each) that share the traffic",
                fields=["traffic", "system.services[*].cpu_ms_per_request"],
            )
        )
    return out
