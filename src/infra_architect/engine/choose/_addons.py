"""What an EKS cluster runs besides the workloads, and how its nodes are grouped.

The add-ons are the ones the generated manifests rely on (an Ingress needs the load
balancer controller, an ExternalSecret its controller, a Rollout Argo Rollouts, a Pods
metric prometheus-adapter...), pinned in ``cluster_addons.yaml``; the design refuses a
chart release that does not support its Kubernetes version. Node groups follow the EKS
quota of nodes per managed node group: a larger pool becomes several alike groups.
"""

from __future__ import annotations

import math
from typing import Literal

from infra_architect.catalog import Catalog, ChartAddon, ClusterAddonsData
from infra_architect.engine._design_model import (
    AddonChart,
    ClusterAddons,
    ComputeDesign,
    DeliveryDesign,
    DnsDesign,
    EksManagedAddon,
    NodeGroupSizing,
    ObservabilityDesign,
    QueueDepth,
    SecurityDesign,
)
from infra_architect.errors import UnbuildableDesignError
from infra_architect.spec import ComputeChoice

NodeAutoscaler = Literal["cluster-autoscaler", "karpenter"]
NODE_GROUP = "general"
QUEUE_METRIC = "queue-backlog-per-replica"
POD_METRICS = {"requests-per-second", QUEUE_METRIC}
SECRET_PERMISSIONS = {"database-secret", "broker-secret"}
GROUPS_PER_CLUSTER = "eks-managed-node-groups-per-cluster"
"""limits.yaml's quota of managed node groups one EKS cluster holds."""


def split_node_groups(
    node_min: int,
    node_max: int,
    quota: int,
    labels: dict[str, str] | None = None,
    *,
    max_groups: int,
) -> list[NodeGroupSizing]:
    """The fewest alike groups that hold ``node_min..node_max`` with none above ``quota``
    nodes (EKS rejects CreateNodegroup beyond it); the sizes differ by one at most, so
    Cluster Autoscaler's balancing keeps them even. A pool needing more than
    ``max_groups`` is refused before any group is made: the count comes from a load, and
    a load past what can be built would otherwise become a list of that length."""
    if node_min > node_max:
        msg = f"a node pool whose minimum ({node_min}) exceeds its maximum ({node_max})"
        raise UnbuildableDesignError(msg)
    count = max(1, math.ceil(node_max / quota))
    if count > max_groups:
        msg = (
            f"a node pool of {node_max:,} nodes needs {count:,} managed node groups of at "
            f"most {quota}; a cluster holds {max_groups}"
        )
        raise UnbuildableDesignError(msg)

    def share(total: int, index: int) -> int:
        return total // count + (1 if index < total % count else 0)

    names = [NODE_GROUP] if count == 1 else [f"{NODE_GROUP}-{i + 1}" for i in range(count)]
    return [
        NodeGroupSizing(
            name=name,
            min_size=share(node_min, i),
            max_size=share(node_max, i),
            desired_size=share(node_min, i),
            labels=dict(labels or {}),
        )
        for i, name in enumerate(names)
    ]


def groups_per_cluster(catalog: Catalog) -> int:
    """Managed node groups one EKS cluster may hold (the new-account default)."""
    quota = catalog.limits.quota(GROUPS_PER_CLUSTER)
    if quota.default is None:
        msg = f"limits.yaml gives no default for {GROUPS_PER_CLUSTER}"
        raise UnbuildableDesignError(msg)
    return quota.default


def size_node_groups(
    catalog: Catalog, platform: ComputeChoice, node_vcpu: float, node_min: int, node_max: int
) -> tuple[list[NodeGroupSizing], int | None]:
    """The managed node groups of one environment and, on eks-karpenter, the vCPU
    Karpenter may add. With Karpenter the groups hold the baseline (node_min, where the
    controller runs) and Karpenter launches the rest up to node_max's capacity.

    The groups stop at what one cluster holds (groups per cluster × nodes per group), as
    replicas stop at MAX_REPLICAS: a larger pool is reported as a conflict
    (``node_group_conflicts``), not made into thousands of groups."""
    data = catalog.cluster_addons
    quota = data.managed_node_group_max_nodes
    max_groups = groups_per_cluster(catalog)
    ceiling = quota * max_groups
    if platform is ComputeChoice.EKS_KARPENTER:
        baseline = min(node_min, ceiling)
        groups = split_node_groups(
            baseline, baseline, quota, data.karpenter_controller_label, max_groups=max_groups
        )
        return groups, math.ceil((node_max - node_min) * node_vcpu)
    top = min(node_max, ceiling)
    return split_node_groups(min(node_min, top), top, quota, max_groups=max_groups), None


def _needs(
    compute: ComputeDesign,
    delivery: DeliveryDesign,
    security: SecurityDesign,
    dns: DnsDesign | None = None,
) -> set[str]:
    """Which of cluster_addons.yaml's `when` conditions this design meets."""
    metrics = {s.autoscaling.metric for s in compute.services if s.autoscaling is not None}
    needs = {"always"}
    needs.add(
        "karpenter" if compute.platform is ComputeChoice.EKS_KARPENTER else "cluster-autoscaler"
    )
    if any(delivery.release(s.name).argo_rollout for s in compute.services):
        needs.add("rollouts")
    if any(p.kind in SECRET_PERMISSIONS for i in security.identities for p in i.permissions):
        needs.add("secrets")
    if any(s.public for s in compute.services):
        needs.add("ingress")
    if dns is not None and dns.domains:
        needs.add("domain")
    if metrics & POD_METRICS:
        needs.add("custom-metrics")
    if QUEUE_METRIC in metrics:
        needs.add("external-metrics")
    return needs


def _chart(addon: ChartAddon, kubernetes_version: str) -> AddonChart:
    if not addon.kubernetes.admits(kubernetes_version):
        msg = (
            f"{addon.chart} {addon.version} does not support Kubernetes {kubernetes_version} "
            f"(supports {addon.kubernetes.min}+; catalog: cluster_addons.yaml)"
        )
        raise UnbuildableDesignError(msg)
    tag = addon.image_tags.get(kubernetes_version) if addon.image_tags else None
    if addon.image_tags and tag is None:
        msg = (
            f"{addon.chart} must run the cluster's minor ({kubernetes_version}) and the catalog "
            "names no image for it (cluster_addons.yaml image_tags)"
        )
        raise UnbuildableDesignError(msg)
    return AddonChart(
        name=addon.name,
        chart=addon.chart,
        repo_url=addon.repo_url,
        version=addon.version,
        namespace=addon.namespace,
        service_account=addon.service_account,
        aws_role=addon.aws_role,
        sync_wave=addon.sync_wave,
        image_tag=tag,
        values=addon.values,
        source=addon.source,
        why=addon.why,
    )


def _queue_depth(data: ClusterAddonsData) -> QueueDepth:
    q = data.queue_depth
    return QueueDepth(
        cloudwatch_metric=q.cloudwatch_metric,
        prometheus_series=q.prometheus_series,
        external_metric=q.external_metric,
        period_seconds=q.period_seconds,
        length_seconds=q.length_seconds,
    )


def choose_cluster_addons(
    catalog: Catalog,
    compute: ComputeDesign,
    delivery: DeliveryDesign,
    observability: ObservabilityDesign,
    security: SecurityDesign,
    *,
    dns: DnsDesign | None = None,
) -> ClusterAddons | None:
    """The add-ons of an EKS design (None off Kubernetes)."""
    if not compute.platform.kubernetes or compute.kubernetes_version is None:
        return None
    data = catalog.cluster_addons
    version = compute.kubernetes_version
    needs = _needs(compute, delivery, security, dns)
    charts = [_chart(a, version) for a in data.charts if a.when in needs]
    autoscaler: NodeAutoscaler = "karpenter" if "karpenter" in needs else "cluster-autoscaler"
    managed = [
        EksManagedAddon(
            name=m.name,
            before_compute=m.before_compute,
            configuration=m.configuration,
            namespace=m.namespace,
            service_account=m.service_account,
            aws_role=m.aws_role,
            why=m.why,
        )
        for m in data.managed
    ]
    return ClusterAddons(
        argocd=_chart(data.argocd, version),
        charts=charts,
        managed=managed,
        node_autoscaler=autoscaler,
        karpenter_controller_label=data.karpenter_controller_label,
        request_series=observability.sli.requests.split("{", 1)[0],
        request_rate_window=data.request_rate_window,
        queue_depth=_queue_depth(data) if "external-metrics" in needs else None,
        why=(
            "installed by Argo CD from an app-of-apps per cluster (Terraform creates only "
            "their IAM roles, bound by Pod Identity): " + ", ".join(c.name for c in charts)
        ),
    )
