"""Kubernetes manifests for EKS designs: kustomize base and overlays, and Argo CD.

``infra/k8s/base/<service>/`` holds one file per kind; ``overlays/<env>/`` points at the
base and changes, in small patches named after the kind they patch, only what differs
per environment: namespace, replica bounds and disruption budgets, image names and
tags, IRSA role ARNs, and the values Terraform produced (``infrastructure.env``).
``platform/<env>/`` holds each cluster's Argo CD app-of-apps: the pinned add-on charts
and the environment's workloads Application (``_k8s_platform``). Every number here
comes from the Design; the renderer decides nothing.

This module assembles the tree; each kind of output has its own module: workloads
(``_k8s_workloads``), policies (``_k8s_policies``), autoscaling (``_k8s_autoscaling``),
Argo Rollouts and Argo CD (``_k8s_argo``), observability (``_k8s_observability``) and
the overlays (``_k8s_overlays``).
"""

from __future__ import annotations

from infra_architect.engine import Design, ServicePlan
from infra_architect.render._k8s_argo import _rollout, analysis_template
from infra_architect.render._k8s_autoscaling import _hpa
from infra_architect.render._k8s_common import (
    K8S,
    KUSTOMIZE,
    _meta,
    is_kubernetes,
    secret_keys,
    uses_rollout,
)
from infra_architect.render._k8s_observability import _service_monitor, cause_rule, prometheus_rule
from infra_architect.render._k8s_overlays import overlay
from infra_architect.render._k8s_platform import render_platform
from infra_architect.render._k8s_policies import _pdb, _shared_policies, network_policy
from infra_architect.render._k8s_workloads import (
    _configmap,
    _cronjob,
    _deployment,
    _external_secret,
    _ingress,
    _secret_store,
    _service,
    _service_account,
)
from infra_architect.render._yaml import Doc, dump, dump_all
from infra_architect.spec import ServiceType


def render_kubernetes(design: Design) -> dict[str, str]:
    """Every file under infra/k8s (empty for designs that do not run on Kubernetes)."""
    if not is_kubernetes(design):
        return {}
    files = _base(design)
    for env in design.environments:
        files.update(overlay(design, env))
    files.update(render_platform(design))
    return files


def _base(design: Design) -> dict[str, str]:
    base = f"{K8S}/base"
    resources = ["namespace.yaml", "network-policies.yaml"]
    files = {
        f"{base}/namespace.yaml": dump(_namespace(design)),
        f"{base}/network-policies.yaml": dump_all(_shared_policies(design)),
    }
    if any(uses_rollout(design, s) for s in design.compute.services):
        resources.append("analysis-template.yaml")
        files[f"{base}/analysis-template.yaml"] = dump(analysis_template(design))
    causes = [a for a in design.observability.cause_alarms if a.rendered_in == "prometheus"]
    if causes:
        resources.append("cause-alerts.yaml")
        files[f"{base}/cause-alerts.yaml"] = dump(cause_rule(design, causes))
    if any(s.public for s in design.compute.services):
        resources.append("ingress.yaml")
        files[f"{base}/ingress.yaml"] = dump(_ingress(design))
    for service in design.compute.services:
        resources.append(service.name)
        files.update(_service_files(design, service))
    files[f"{base}/kustomization.yaml"] = dump(
        {
            "apiVersion": KUSTOMIZE,
            "kind": "Kustomization",
            "namespace": design.name,
            "labels": [
                {"pairs": {"app.kubernetes.io/managed-by": "infra-architect"}},
            ],
            "resources": resources,
        }
    )
    return files


def _namespace(design: Design) -> Doc:
    grpc = design.network.grpc
    extra: dict[str, object] = {}
    if grpc is not None and grpc.mesh is not None:
        # The mesh's proxy injector adds its proxy to every pod created here.
        extra["annotations"] = {"linkerd.io/inject": "enabled"}
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _meta(
            design.name,
            {
                # The restricted Pod Security Standard: the API server refuses any pod
                # that runs as root, escalates, or keeps capabilities.
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": (
                    f"v{design.compute.kubernetes_version}"
                ),
                "pod-security.kubernetes.io/warn": "restricted",
            },
            **extra,
        ),
    }


def _service_files(design: Design, service: ServicePlan) -> dict[str, str]:
    folder = f"{K8S}/base/{service.name}"
    docs: dict[str, Doc | list[Doc]] = {
        "serviceaccount.yaml": _service_account(design, service),
        "configmap.yaml": _configmap(design, service),
        "networkpolicy.yaml": network_policy(design, service),
    }
    if service.type is ServiceType.CRON:
        docs["cronjob.yaml"] = _cronjob(design, service)
    elif uses_rollout(design, service):
        docs["rollout.yaml"] = _rollout(design, service)
    else:
        docs["deployment.yaml"] = _deployment(design, service)
    if service.metrics_port is not None:
        docs["service.yaml"] = _service(design, service)
        docs["servicemonitor.yaml"] = _service_monitor(design, service)
    if service.autoscaling is not None:
        docs["hpa.yaml"] = _hpa(design, service)
    if service.pod_disruption_min_available is not None:
        docs["pdb.yaml"] = _pdb(design, service, service.pod_disruption_min_available)
    if secret_keys(design, service):
        docs["externalsecret.yaml"] = [
            _secret_store(design, service),
            _external_secret(design, service),
        ]
    if service.port is not None:
        docs["prometheusrule.yaml"] = prometheus_rule(design, service)
    files = {
        f"{folder}/{name}": dump_all(doc) if isinstance(doc, list) else dump(doc)
        for name, doc in sorted(docs.items())
    }
    files[f"{folder}/kustomization.yaml"] = dump(
        {"apiVersion": KUSTOMIZE, "kind": "Kustomization", "resources": sorted(docs)}
    )
    return files
