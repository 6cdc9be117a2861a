"""The cluster add-ons EKS designs install (cluster_addons.yaml): pinned Helm charts for
Argo CD's app-of-apps, the EKS managed add-ons, and the node-group quota."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

AddonNeed = Literal[
    "always",
    "cluster-autoscaler",
    "karpenter",
    "rollouts",
    "secrets",
    "ingress",
    "custom-metrics",
    "external-metrics",
    "domain",
]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KubernetesRange(_Data):
    """Kubernetes minors a chart release supports ("1.25": 1.25 and later)."""

    min: str = Field(pattern=r"^1\.\d+$")
    max: str | None = Field(default=None, pattern=r"^1\.\d+$")

    def admits(self, version: str) -> bool:
        minor = _minor(version)
        return _minor(self.min) <= minor and (self.max is None or minor <= _minor(self.max))


def _minor(version: str) -> int:
    return int(version.split(".")[1])


class ChartAddon(_Data):
    """One Helm chart Argo CD installs, pinned to a release."""

    name: str = Field(description="Application and Helm release name.")
    chart: str
    repo_url: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="A release, never a range.")
    app_version: str
    namespace: str
    service_account: str | None = Field(
        default=None, description="The service account that needs an AWS role (Pod Identity)."
    )
    aws_role: str | None = Field(default=None, description="Which policy the role carries.")
    sync_wave: int
    when: AddonNeed
    kubernetes: KubernetesRange
    image_tags: dict[str, str] = Field(
        default_factory=dict, description="Image tag per Kubernetes minor (minor-locked apps)."
    )
    source: str
    why: str
    values: dict[str, JsonValue] = Field(default_factory=dict)


class ManagedAddon(_Data):
    """An EKS managed add-on (aws_eks_addon)."""

    name: str
    before_compute: bool
    configuration: dict[str, str] = Field(default_factory=dict)
    namespace: str | None = None
    service_account: str | None = None
    aws_role: str | None = None
    why: str


class QueueDepthMetric(_Data):
    cloudwatch_metric: str
    prometheus_series: str
    external_metric: str
    period_seconds: int = Field(gt=0)
    length_seconds: int = Field(gt=0)


class ClusterAddonsData(_Data):
    argocd: ChartAddon
    charts: list[ChartAddon]
    managed: list[ManagedAddon]
    managed_node_group_max_nodes: int = Field(gt=0)
    karpenter_controller_label: dict[str, str]
    request_rate_window: str = Field(pattern=r"^\d+[smh]$")
    queue_depth: QueueDepthMetric
