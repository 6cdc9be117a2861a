"""Shared pieces of the Kubernetes renderers: the folders and API groups, labels and
metadata, the questions every part asks of the Design (Kubernetes or not, Rollout or
Deployment, which secrets a pod reads), and the per-environment names (IRSA role ARNs,
ECR repositories) the overlays and the pipelines both print."""

from __future__ import annotations

from infra_architect.engine import (
    Design,
    EnvironmentSizing,
    ManifestSettings,
    ServicePlan,
    partition,
)
from infra_architect.errors import DesignLookupError
from infra_architect.render._bindings import env_key
from infra_architect.render._yaml import Doc

K8S = "infra/k8s"
KUSTOMIZE = "kustomize.config.k8s.io/v1beta1"
KUSTOMIZE_COMPONENT = "kustomize.config.k8s.io/v1alpha1"

ARGO = "argoproj.io/v1alpha1"
MONITORING_NAMESPACE = "monitoring"
TELEMETRY_NAMESPACE = "observability"
PROMETHEUS_URL = f"http://prometheus-operated.{MONITORING_NAMESPACE}.svc:9090"
OTLP_ENDPOINT = f"http://otel-collector.{TELEMETRY_NAMESPACE}.svc:4317"
OTLP_PORT = 4317

DIGEST_PINNED_AT_DEPLOY = (
    "CKV_K8S_43",
    (
        "the pipeline pins each image by digest at deploy time (kustomize edit set image "
        "name@sha256:...); the generated overlay names the first release tag until then"
    ),
)


def is_kubernetes(design: Design) -> bool:
    return design.compute.platform.kubernetes


def manifest_settings(design: Design) -> ManifestSettings:
    """The settings every manifest carries (the Design has them for EKS designs)."""
    if design.compute.manifests is None:
        raise DesignLookupError("Kubernetes manifest settings of design", design.name)
    return design.compute.manifests


def _labels(design: Design, service: ServicePlan) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": service.name,
        "app.kubernetes.io/part-of": design.name,
        "app.kubernetes.io/component": service.type.value,
    }


def _selector(service: ServicePlan) -> dict[str, str]:
    return {"app.kubernetes.io/name": service.name}


def _meta(name: str, labels: dict[str, str] | None = None, **extra: object) -> Doc:
    meta: Doc = {"name": name}
    if labels:
        meta["labels"] = labels
    meta.update(extra)
    return meta


def _port_name(service: ServicePlan) -> str:
    """The serving port's name: grpc for gRPC services (HTTP/2), http otherwise."""
    return "grpc" if service.protocol == "grpc" else "http"


def _grpc_edge_annotations(design: Design) -> dict[str, str]:
    """The AWS Load Balancer Controller's target group settings for a gRPC backend:
    protocol version GRPC (per-call balancing), the gRPC health method and status code."""
    grpc = design.network.grpc
    assert grpc is not None  # noqa: S101  (callers check)
    return {
        "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC",
        "alb.ingress.kubernetes.io/healthcheck-path": grpc.health_check_path,
        "alb.ingress.kubernetes.io/success-codes": grpc.success_codes,
    }


def _grpc_edge_on_ingress(design: Design) -> bool:
    """Every public service speaks gRPC: the settings go on the Ingress; otherwise each
    gRPC Service carries them (the controller lets a Service override its Ingress)."""
    grpc = design.network.grpc
    public = [s.name for s in design.compute.services if s.public and s.port is not None]
    return grpc is not None and bool(public) and set(public) <= set(grpc.edge)


def _skip_annotations(*skips: tuple[str, str]) -> dict[str, str]:
    """checkov suppressions, each with the reason a reviewer would accept."""
    return {
        f"checkov.io/skip{i}": f"{check}={reason}" for i, (check, reason) in enumerate(skips, 1)
    }


def uses_rollout(design: Design, service: ServicePlan) -> bool:
    """Services that serve requests ship through Argo Rollouts when the design chose a
    progressive strategy; workers and jobs roll (they have no request SLI to analyse)."""
    return design.delivery.release(service.name).argo_rollout


def secret_keys(design: Design, service: ServicePlan) -> list[tuple[str, str, str]]:
    """(file name in the pod, infrastructure.env key of the secret's ARN, JSON property)."""
    identity = next(i for i in design.security.identities if i.service == service.name)
    keys: list[tuple[str, str, str]] = []
    for permission in identity.permissions:
        prefix = env_key(permission.target)
        if permission.kind in ("database-secret", "broker-secret"):
            keys += [
                (f"{prefix}_USERNAME", f"{prefix}_SECRET_ARN", "username"),
                (f"{prefix}_PASSWORD", f"{prefix}_SECRET_ARN", "password"),
            ]
    # Caches have no secret: the pod signs an IAM token as {PREFIX}_USER (infrastructure.env).
    return keys


def role_arn(design: Design, env: EnvironmentSizing, service: str) -> str:
    """The IRSA role the Terraform security module creates (``<name>-<env>-<service>``)."""
    return f"arn:{_partition(design)}:iam::{env.account_id}:role/{design.name}-{env.name}-{service}"


def registry(design: Design, env: EnvironmentSizing) -> str:
    """The environment's ECR registry host."""
    suffix = ".cn" if design.region.startswith("cn-") else ""
    return f"{env.account_id}.dkr.ecr.{design.region}.amazonaws.com{suffix}"


def image_repository(design: Design, env: EnvironmentSizing, service: str) -> str:
    """The ECR repository the Terraform ecr module creates in this environment."""
    return f"{registry(design, env)}/{design.name}-{env.name}/{service}"


FIRST_RELEASE_TAG = "unreleased"
"""The tag overlays name until the pipeline's first deploy pins a digest."""


def _partition(design: Design) -> str:
    return partition(design.region)
