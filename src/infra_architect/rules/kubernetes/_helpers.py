"""Building findings for Kubernetes objects."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import K8sObject, KubernetesGraph
from infra_architect.rules._model import Finding, RuleMeta


def finding(meta: RuleMeta, obj: K8sObject, message: str) -> Finding:
    return meta.finding(message, obj.file, obj.line, (obj.address,))


REPLICATED_KINDS = ("Deployment", "Rollout", "StatefulSet", "ReplicaSet")
"""Kinds that keep a number of replicas of one pod template running: what an
availability target is about."""
LONG_RUNNING_KINDS = (*REPLICATED_KINDS, "DaemonSet")
"""Kinds whose pods are meant to keep running (probes matter)."""
POD_KINDS = (*LONG_RUNNING_KINDS, "Job", "CronJob", "Pod")
"""Every kind that runs pods of its own."""


def workloads(graph: KubernetesGraph, *kinds: str) -> Iterator[K8sObject]:
    """The objects of these kinds, less a ReplicaSet a Deployment owns (an exported
    one: ownerReferences set); it is reviewed through its Deployment, whose replicas,
    autoscaler and budget are the ones that count."""
    for obj in graph.of_kind(*kinds):
        metadata = obj.doc.get("metadata")
        owned = isinstance(metadata, dict) and metadata.get("ownerReferences")
        if not (obj.kind == "ReplicaSet" and owned):
            yield obj
