"""Kustomize overlays, one per environment: the namespace, image names and tags, IRSA role
ARNs, replica bounds and disruption budgets, and the values Terraform produced
(``infrastructure.env``) wired in by replacements."""

from __future__ import annotations

from collections.abc import Iterable

from infra_architect.engine import (
    RELEASE_COMPONENT,
    Design,
    EnvironmentSizing,
    ServicePlan,
    infrastructure_env_path,
    release_kustomization,
)
from infra_architect.render._bindings import PENDING, infrastructure_bindings
from infra_architect.render._k8s_autoscaling import _hpa_metric
from infra_architect.render._k8s_common import (
    FIRST_RELEASE_TAG,
    K8S,
    KUSTOMIZE,
    KUSTOMIZE_COMPONENT,
    image_repository,
    role_arn,
    secret_keys,
)
from infra_architect.render._yaml import Doc, dump, dump_all


def overlay(design: Design, env: EnvironmentSizing) -> dict[str, str]:
    folder = f"{K8S}/overlays/{env.name}"
    services = design.compute.services
    patches: dict[str, list[Doc]] = {
        "serviceaccounts.yaml": [_sa_patch(design, env, s) for s in services],
        "configmaps.yaml": [_config_patch(env, s) for s in services],
    }
    hpas = [_hpa_patch(design, env, s) for s in services if s.autoscaling is not None]
    if any(s.public for s in services):
        patches["ingress.yaml"] = [_ingress_patch(design, env)]
    if hpas:
        patches["horizontalpodautoscalers.yaml"] = hpas
    pdbs = [_pdb_patch(env, s) for s in services if s.pod_disruption_min_available is not None]
    if pdbs:
        patches["poddisruptionbudgets.yaml"] = pdbs
    files = {f"{folder}/{name}": dump_all(docs) for name, docs in sorted(patches.items())}
    files[infrastructure_env_path(env.name)] = infrastructure_env(design, env)
    files[release_kustomization(env.name)] = dump(
        {
            "apiVersion": KUSTOMIZE_COMPONENT,
            "kind": "Component",
            # Seeded with the tag no image has yet; each release replaces a service's
            # entry with its digest (the pipeline's GitOps commit), and design leaves
            # this file alone from then on.
            "images": [{"name": s.name, "newTag": FIRST_RELEASE_TAG} for s in services],
        }
    )
    kustomization: Doc = {
        "apiVersion": KUSTOMIZE,
        "kind": "Kustomization",
        "namespace": env.namespace,
        "resources": ["../../base"],
        "labels": [{"pairs": {"app.kubernetes.io/instance": f"{design.name}-{env.name}"}}],
        # the registry here; the tag or digest in the release component (kustomize
        # merges both entries of an image: the overlay must not set a tag, or it wins)
        "images": [
            {"name": s.name, "newName": image_repository(design, env, s.name)} for s in services
        ],
        "components": [RELEASE_COMPONENT],
        "configMapGenerator": [
            {
                "name": "infrastructure",
                "envs": ["infrastructure.env"],
                # A fixed name: Rollouts and CronJobs reference it, and kustomize only
                # rewrites hashed names inside the kinds it knows.
                "options": {"disableNameSuffixHash": True},
            }
        ],
        "patches": [{"path": name} for name in sorted(patches)],
    }
    replacements = _replacements(design, env)
    if replacements:
        kustomization["replacements"] = replacements
    files[f"{folder}/kustomization.yaml"] = dump(kustomization)
    return files


def infrastructure_env(design: Design, env: EnvironmentSizing) -> str:
    lines = [
        f"# {design.name} {env.name}: values Terraform produces, read by every pod and by the",
        "# kustomize replacements. Refresh after each `terraform apply` with:",
        (
            f"#   terraform -chdir=infra/terraform/environments/{env.name} output -raw "
            f"kubernetes_infrastructure_env > infra/k8s/overlays/{env.name}/infrastructure.env"
        ),
        f"# Until then the values read {PENDING}: secrets and the load balancer stay unbound.",
    ]
    lines += [f"{binding.key}={PENDING}" for binding in infrastructure_bindings(design)]
    return "\n".join(lines) + "\n"


def _ingress_patch(design: Design, env: EnvironmentSizing) -> Doc:
    attributes = [
        "access_logs.s3.enabled=true",
        # The access-log bucket the Terraform s3_logs module creates in this environment.
        f"access_logs.s3.bucket={design.names_of(env.name).access_log_bucket}",
        "access_logs.s3.prefix=alb",
        f"deletion_protection.enabled={'true' if env.deletion_protection else 'false'}",
        "routing.http.drop_invalid_header_fields.enabled=true",
    ]
    annotations = {
        "alb.ingress.kubernetes.io/load-balancer-attributes": ",".join(attributes),
        "alb.ingress.kubernetes.io/tags": f"Project={design.name},Environment={env.name}",
    }
    domain = design.dns.domain(env.name)
    if domain is not None:
        # external-dns writes this name as an alias to the ALB the controller creates
        # (external-dns docs, "Setting up ExternalDNS ... AWS": the hostname annotation).
        annotations["external-dns.alpha.kubernetes.io/hostname"] = domain.name
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": design.name, "annotations": annotations},
    }


def _sa_patch(design: Design, env: EnvironmentSizing, service: ServicePlan) -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": service.name,
            "annotations": {
                "eks.amazonaws.com/role-arn": role_arn(design, env, service.name),
                "eks.amazonaws.com/sts-regional-endpoints": "true",
            },
        },
    }


def _config_patch(env: EnvironmentSizing, service: ServicePlan) -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{service.name}-config"},
        "data": {"DEPLOY_ENVIRONMENT": env.name},
    }


def _hpa_patch(design: Design, env: EnvironmentSizing, service: ServicePlan) -> Doc:
    size = env.service(service.name)
    spec: Doc = {"minReplicas": size.min_replicas, "maxReplicas": size.max_replicas}
    if (
        service.autoscaling is not None
        and service.autoscaling.metric == "queue-backlog-per-replica"
    ):
        # The queue is named per environment; a list is replaced whole by the patch.
        spec["metrics"] = [_hpa_metric(design, service, env.name)]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": service.name},
        "spec": spec,
    }


def _pdb_patch(env: EnvironmentSizing, service: ServicePlan) -> Doc:
    size = env.service(service.name)
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": service.name},
        # One replica in staging: no budget to hold (it would block every node drain).
        "spec": {"minAvailable": size.pod_disruption_min_available or 0},
    }


def _replacement(key: str, kind: str, name: str, paths: Iterable[str]) -> Doc:
    return {
        "source": {"kind": "ConfigMap", "name": "infrastructure", "fieldPath": f"data.{key}"},
        "targets": [
            {
                "select": {"kind": kind, "name": name},
                "fieldPaths": list(paths),
                "options": {"create": True},
            }
        ],
    }


def _replacements(design: Design, env: EnvironmentSizing) -> list[Doc]:
    out: list[Doc] = []
    if any(s.public for s in design.compute.services):
        out.append(
            _replacement(
                "CERTIFICATE_ARN",
                "Ingress",
                design.name,
                ["metadata.annotations.[alb.ingress.kubernetes.io/certificate-arn]"],
            )
        )
        if design.network.waf:
            out.append(
                _replacement(
                    "WAF_ACL_ARN",
                    "Ingress",
                    design.name,
                    ["metadata.annotations.[alb.ingress.kubernetes.io/wafv2-acl-arn]"],
                )
            )
    for service in design.compute.services:
        keys = secret_keys(design, service)
        by_binding: dict[str, list[str]] = {}
        for secret_key, key, _ in keys:
            by_binding.setdefault(key, []).append(
                f"spec.data.[secretKey={secret_key}].remoteRef.key"
            )
        out.extend(
            _replacement(key, "ExternalSecret", service.name, paths)
            for key, paths in by_binding.items()
        )
    return out
