"""Kubernetes manifests for EKS designs: kustomize base and overlays, and Argo CD.

``infra/k8s/base/<service>/`` holds one file per kind; ``overlays/<env>/`` points at the
base and changes, in small patches named after the kind they patch, only what differs
per environment: namespace, replica bounds and disruption budgets, image names and
tags, IRSA role ARNs, and the values Terraform produced (``infrastructure.env``).
``argocd/`` holds the AppProject and one Application per environment. Every number
here comes from the Design; the renderer decides nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from infra_architect.engine._design_model import (
    CauseAlarm,
    Design,
    EnvironmentSizing,
    Probes,
    ServicePlan,
    SloAlert,
)
from infra_architect.errors import DesignLookupError
from infra_architect.render._bindings import PENDING, env_key, infrastructure_bindings
from infra_architect.render._yaml import Doc, dump, dump_all
from infra_architect.spec import ServiceType

K8S = "infra/k8s"
KUSTOMIZE = "kustomize.config.k8s.io/v1beta1"
ARGO = "argoproj.io/v1alpha1"
RUN_AS = 10001
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
    return design.compute.platform.startswith("eks")


def render_kubernetes(design: Design) -> dict[str, str]:
    """Every file under infra/k8s (empty for designs that do not run on Kubernetes)."""
    if not is_kubernetes(design):
        return {}
    files = _base(design)
    for env in design.environments:
        files.update(overlay(design, env))
    files.update(_argocd(design))
    return files


# --- shared pieces -----------------------------------------------------------------------


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


# --- base ------------------------------------------------------------------------------


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


def _shared_policies(design: Design) -> list[Doc]:
    deny = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta("default-deny"),
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }
    dns = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta("allow-dns"),
        "spec": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                            },
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
    }
    return [deny, dns]


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


def _service_account(design: Design, service: ServicePlan) -> Doc:
    # The overlay adds eks.amazonaws.com/role-arn: the role lives in each environment's account.
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(service.name, _labels(design, service)),
        "automountServiceAccountToken": False,
    }


def _configmap(design: Design, service: ServicePlan) -> Doc:
    data: dict[str, str] = {
        "SERVICE_NAME": service.name,
        "OTEL_SERVICE_NAME": service.name,
        "OTEL_EXPORTER_OTLP_ENDPOINT": OTLP_ENDPOINT,
        "AWS_REGION": design.region,
        "AWS_STS_REGIONAL_ENDPOINTS": "regional",
        "LOG_FORMAT": "json",
    }
    if service.port is not None:
        data["PORT"] = str(service.port)
    if service.metrics_port is not None:
        data["METRICS_PORT"] = str(service.metrics_port)
    if secret_keys(design, service):
        data["SECRETS_DIR"] = "/etc/secrets"
    grpc = design.network.grpc
    calls_grpc = False
    for callee in service.calls:
        target = design.compute.service(callee)
        if grpc is not None and callee in grpc.services:
            # A gRPC target, not a URL: dns:/// makes the client resolve every pod.
            data[f"{env_key(callee)}_URL"] = f"{grpc.client_target_prefix}{callee}:{target.port}"
            calls_grpc = True
            continue
        scheme = "https" if design.security.tls_to_services else "http"
        data[f"{env_key(callee)}_URL"] = f"{scheme}://{callee}:{target.port}"
    if grpc is not None and calls_grpc and grpc.client_service_config is not None:
        data["GRPC_SERVICE_CONFIG"] = grpc.client_service_config
    if (
        grpc is not None
        and service.name in grpc.services
        and grpc.max_connection_age_seconds is not None
    ):
        data["GRPC_MAX_CONNECTION_AGE_SECONDS"] = str(grpc.max_connection_age_seconds)
        data["GRPC_MAX_CONNECTION_AGE_GRACE_SECONDS"] = str(grpc.max_connection_age_grace_seconds)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(f"{service.name}-config", _labels(design, service)),
        "data": data,
    }


def _probe(probes: Probes, period: int, failures: int, *, tls: bool) -> Doc:
    if probes.kind == "grpc":
        # The kubelet calls grpc.health.v1.Health/Check itself (GA since Kubernetes 1.27).
        handler: Doc = {"grpc": {"port": probes.port}}
    else:
        get: Doc = {"path": probes.path, "port": probes.port}
        if tls:  # the port serves TLS; the kubelet does not verify the certificate
            get["scheme"] = "HTTPS"
        handler = {"httpGet": get}
    return {
        **handler,
        "periodSeconds": period,
        "timeoutSeconds": 2,
        "failureThreshold": failures,
    }


def _container(design: Design, service: ServicePlan) -> Doc:
    compute = design.compute
    if service.cpu_limit_millicores is None:
        raise DesignLookupError("Kubernetes CPU limit for service", service.name)
    container: Doc = {
        "name": service.name,
        "image": service.name,  # the overlays name the registry and the release
        "imagePullPolicy": "Always",
    }
    ports = []
    if service.port is not None:
        ports.append(
            {"name": _port_name(service), "containerPort": service.port, "protocol": "TCP"}
        )
    if service.metrics_port is not None:
        ports.append({"name": "metrics", "containerPort": service.metrics_port, "protocol": "TCP"})
    if ports:
        container["ports"] = ports
    container["envFrom"] = [
        {"configMapRef": {"name": f"{service.name}-config"}},
        {"configMapRef": {"name": "infrastructure"}},
    ]
    container["resources"] = {
        "requests": {
            "cpu": f"{service.cpu_request_millicores}m",
            "memory": f"{service.memory_mb}Mi",
        },
        "limits": {
            "cpu": f"{service.cpu_limit_millicores}m",
            "memory": f"{service.memory_mb}Mi",
        },
    }
    if service.probes is not None:
        p = service.probes
        tls = design.security.tls_to_services
        container["startupProbe"] = _probe(
            p, p.startup_period_seconds, p.startup_failure_threshold, tls=tls
        )
        container["readinessProbe"] = _probe(
            p, p.readiness_period_seconds, p.readiness_failure_threshold, tls=tls
        )
        container["livenessProbe"] = _probe(
            p, p.liveness_period_seconds, p.liveness_failure_threshold, tls=tls
        )
    if service.port is not None and compute.pre_stop_sleep_seconds:
        # Keep serving while the load balancer and kube-proxy stop sending new requests.
        container["lifecycle"] = {"preStop": {"sleep": {"seconds": compute.pre_stop_sleep_seconds}}}
    container["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": RUN_AS,
        "runAsGroup": RUN_AS,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    mounts: list[Doc] = [{"name": "tmp", "mountPath": "/tmp"}]  # noqa: S108  (an emptyDir, not the host's /tmp)
    if secret_keys(design, service):
        mounts.append({"name": "secrets", "mountPath": "/etc/secrets", "readOnly": True})
    container["volumeMounts"] = mounts
    return container


def _pod_spec(design: Design, service: ServicePlan, *, restart: str | None = None) -> Doc:
    compute = design.compute
    spec: Doc = {
        "serviceAccountName": service.name,
        # IRSA's web-identity token is projected by the EKS webhook; the API token is not needed.
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    if restart is not None:
        spec["restartPolicy"] = restart
    if service.type is not ServiceType.CRON:
        spec["topologySpreadConstraints"] = [
            {
                # Replicas spread evenly across zones: an AZ outage takes a third, not all.
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": _selector(service)},
            },
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": _selector(service)},
            },
        ]
        spec["tolerations"] = [
            {
                # Leave a dead node after this, not Kubernetes' default 300 s.
                "key": taint,
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": compute.pod_toleration_seconds,
            }
            for taint in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
        ]
    spec["terminationGracePeriodSeconds"] = compute.termination_grace_seconds
    spec["containers"] = [_container(design, service)]
    volumes: list[Doc] = [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}]
    if secret_keys(design, service):
        volumes.append({"name": "secrets", "secret": {"secretName": f"{service.name}-secrets"}})
    spec["volumes"] = volumes
    return spec


def _template(design: Design, service: ServicePlan) -> Doc:
    return {
        "metadata": {"labels": _labels(design, service)},
        "spec": _pod_spec(design, service),
    }


def _deployment(design: Design, service: ServicePlan) -> Doc:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(
            service.name,
            _labels(design, service),
            annotations=_skip_annotations(DIGEST_PINNED_AT_DEPLOY),
        ),
        "spec": {
            # No replicas: the HorizontalPodAutoscaler owns the count.
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": _selector(service)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
            },
            "template": _template(design, service),
        },
    }


def _rollout(design: Design, service: ServicePlan) -> Doc:
    delivery = design.delivery
    pause = delivery.analysis_interval_seconds * delivery.analysis_failure_limit
    analysis = {
        "templates": [{"templateName": "slo"}],
        "args": [
            {"name": "service", "value": service.name},
            {
                "name": "canary-hash",
                "valueFrom": {"podTemplateHashValue": "Latest"},
            },
        ],
    }
    if delivery.strategy == "canary":
        steps: list[Doc] = []
        for weight in delivery.canary_steps:
            steps += [{"setWeight": weight}, {"pause": {"duration": f"{pause}s"}}]
        strategy: Doc = {
            "canary": {
                "maxSurge": "25%",
                "maxUnavailable": 0,
                # Analysis runs from the first step; a failed check aborts and scales the
                # canary away, which is the automated rollback.
                "analysis": {**analysis, "startingStep": 1},
                "steps": steps,
            }
        }
    else:
        strategy = {
            "blueGreen": {
                "activeService": service.name,
                "previewService": f"{service.name}-preview",
                "autoPromotionEnabled": True,
                "prePromotionAnalysis": analysis,
                "scaleDownDelaySeconds": pause,
            }
        }
    return {
        "apiVersion": ARGO,
        "kind": "Rollout",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": _selector(service)},
            "strategy": strategy,
            "template": _template(design, service),
        },
    }


def _cronjob(design: Design, service: ServicePlan) -> Doc:
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": _meta(
            service.name,
            _labels(design, service),
            annotations=_skip_annotations(DIGEST_PINNED_AT_DEPLOY),
        ),
        "spec": {
            "schedule": service.schedule,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 600,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 2,
                    "activeDeadlineSeconds": 3600,
                    "ttlSecondsAfterFinished": 86400,
                    "template": {
                        "metadata": {"labels": _labels(design, service)},
                        "spec": _pod_spec(design, service, restart="Never"),
                    },
                }
            },
        },
    }


def _service(design: Design, service: ServicePlan) -> list[Doc]:
    grpc = design.network.grpc
    is_grpc = grpc is not None and service.name in grpc.services
    ports = []
    if service.port is not None:
        name = _port_name(service)
        port: Doc = {"name": name, "port": service.port, "targetPort": name, "protocol": "TCP"}
        if grpc is not None and is_grpc:
            port["appProtocol"] = grpc.app_protocol
        ports.append(port)
    if service.metrics_port is not None:
        ports.append(
            {
                "name": "metrics",
                "port": service.metrics_port,
                "targetPort": "metrics",
                "protocol": "TCP",
            }
        )
    names = [service.name]
    if uses_rollout(design, service) and design.delivery.strategy == "blue-green":
        names.append(f"{service.name}-preview")  # blue-green's preview of the new version
    spec: Doc = {"type": "ClusterIP"}
    if grpc is not None and service.name in grpc.headless:
        # Headless: DNS answers with every ready pod, and the callers' round_robin
        # spreads calls over them (kube-proxy would pin each HTTP/2 connection to one).
        spec["clusterIP"] = "None"
    spec.update({"selector": _selector(service), "ports": ports})
    extra: dict[str, object] = {}
    if is_grpc and service.public and not _grpc_edge_on_ingress(design):
        extra["annotations"] = _grpc_edge_annotations(design)
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta(name, _labels(design, service), **extra),
            "spec": spec,
        }
        for name in names
    ]


def _hpa_metric(design: Design, service: ServicePlan, env: str) -> Doc:
    scaling = service.autoscaling
    assert scaling is not None  # noqa: S101  (callers check)
    if scaling.metric == "queue-backlog-per-replica":
        queue = next(u for u in service.uses if any(q.name == u for q in design.data.queues))
        return {
            # SQS depth as an external metric (the CloudWatch metrics adapter, or KEDA's
            # aws-sqs-queue scaler, publishes it); the target is messages per replica.
            "type": "External",
            "external": {
                "metric": {
                    "name": "sqs_approximate_number_of_messages_visible",
                    "selector": {"matchLabels": {"queue": f"{design.name}-{env}-{queue}"}},
                },
                "target": {"type": "AverageValue", "averageValue": f"{scaling.target:g}"},
            },
        }
    if scaling.metric == "requests-per-second":
        return {
            # The SLI's request rate per pod, served by prometheus-adapter's custom
            # metrics API; the target is the requests a pod serves at its CPU target.
            "type": "Pods",
            "pods": {
                "metric": {"name": design.observability.sli.request_rate_metric},
                "target": {"type": "AverageValue", "averageValue": f"{scaling.target:g}"},
            },
        }
    return {
        "type": "Resource",
        "resource": {
            "name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": round(scaling.target)},
        },
    }


def _hpa(design: Design, service: ServicePlan) -> Doc:
    scaling = service.autoscaling
    assert scaling is not None  # noqa: S101  (callers check)
    metric = _hpa_metric(design, service, "prod")
    kind = "Rollout" if uses_rollout(design, service) else "Deployment"
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "scaleTargetRef": {
                "apiVersion": ARGO if kind == "Rollout" else "apps/v1",
                "kind": kind,
                "name": service.name,
            },
            "minReplicas": service.min_replicas,
            "maxReplicas": service.max_replicas,
            "metrics": [metric],
            "behavior": {
                "scaleUp": {
                    # The design's policy (the spike simulation ran this): a share or a
                    # number of pods per period, whichever is more.
                    "stabilizationWindowSeconds": 0,
                    "selectPolicy": "Max",
                    "policies": [
                        {
                            "type": "Percent",
                            "value": scaling.scale_up_percent,
                            "periodSeconds": scaling.scale_up_period_seconds,
                        },
                        {
                            "type": "Pods",
                            "value": scaling.scale_up_pods,
                            "periodSeconds": scaling.scale_up_period_seconds,
                        },
                    ],
                },
                "scaleDown": {
                    "stabilizationWindowSeconds": scaling.scale_in_stabilisation_seconds,
                    "policies": [
                        {
                            "type": "Percent",
                            "value": scaling.scale_down_percent,
                            "periodSeconds": scaling.scale_down_period_seconds,
                        }
                    ],
                },
            },
        },
    }


def _pdb(design: Design, service: ServicePlan, min_available: int) -> Doc:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "minAvailable": min_available,
            "selector": {"matchLabels": _selector(service)},
            # A pod that is not ready is already down: draining it must not be blocked.
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
        },
    }


def _subnets(design: Design, tier: str) -> list[str]:
    return [s.cidr for s in design.network.subnets if s.tier == tier]


def network_policy(design: Design, service: ServicePlan) -> Doc:
    """What the call graph allows: callers in, callees and stores out; the rest denied."""
    ingress: list[Doc] = []
    callers = [s.name for s in design.compute.services if service.name in s.calls]
    grpc = design.network.grpc
    # Meshed pod-to-pod traffic arrives on the mesh proxy's inbound port, not the
    # service's own; the proxies also reach their control plane in its namespace.
    mesh_ports = grpc.mesh_ports if grpc is not None and grpc.mesh is not None else []
    if service.port is not None and callers:
        ingress.append(
            {
                "from": [
                    {"podSelector": {"matchLabels": {"app.kubernetes.io/name": c}}} for c in callers
                ],
                "ports": [{"protocol": "TCP", "port": p} for p in [service.port, *mesh_ports[:1]]],
            }
        )
    if service.public and service.port is not None:
        # The ALB sends to pod IPs (target type ip) from its nodes in the public subnets.
        ingress.append(
            {
                "from": [{"ipBlock": {"cidr": c}} for c in _subnets(design, "public")],
                "ports": [{"protocol": "TCP", "port": service.port}],
            }
        )
    if service.metrics_port is not None:
        ingress.append(
            {
                "from": [
                    {
                        "namespaceSelector": {
                            "matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}
                        }
                    }
                ],
                "ports": [{"protocol": "TCP", "port": service.metrics_port}],
            }
        )
    egress: list[Doc] = [
        {
            "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": callee}}}],
            "ports": [
                {"protocol": "TCP", "port": p}
                for p in [design.compute.service(callee).port, *mesh_ports[:1]]
            ],
        }
        for callee in service.calls
    ]
    if grpc is not None and grpc.mesh_namespace is not None:
        egress.append(
            {
                "to": [
                    {
                        "namespaceSelector": {
                            "matchLabels": {"kubernetes.io/metadata.name": grpc.mesh_namespace}
                        }
                    }
                ],
                "ports": [{"protocol": "TCP", "port": p} for p in mesh_ports],
            }
        )
    store_ports = sorted(
        {
            store.port
            for store in design.data.stores
            if store.name in service.uses and store.port is not None
        }
        # Kafka and RabbitMQ brokers live in the data subnets too.
        | {
            queue.port
            for queue in design.data.queues
            if queue.name in service.uses and queue.port is not None
        }
    )
    if store_ports:
        egress.append(
            {
                "to": [{"ipBlock": {"cidr": c}} for c in _subnets(design, "data")],
                "ports": [{"protocol": "TCP", "port": p} for p in store_ports],
            }
        )
    # AWS APIs through the VPC's interface endpoints (STS for IRSA, Secrets Manager, SQS…).
    egress.append(
        {
            "to": [{"ipBlock": {"cidr": design.network.vpc_cidr}}],
            "ports": [{"protocol": "TCP", "port": 443}],
        }
    )
    if any(s.name in service.uses and s.kind in ("s3", "dynamodb") for s in design.data.stores):
        # S3 and DynamoDB gateway endpoints route to the services' public address ranges.
        egress.append(
            {
                "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": [design.network.vpc_cidr]}}],
                "ports": [{"protocol": "TCP", "port": 443}],
            }
        )
    egress.append(
        {
            "to": [
                {
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": TELEMETRY_NAMESPACE}
                    }
                }
            ],
            "ports": [{"protocol": "TCP", "port": OTLP_PORT}],
        }
    )
    spec: Doc = {"podSelector": {"matchLabels": _selector(service)}, "policyTypes": []}
    if ingress:
        spec["policyTypes"].append("Ingress")
        spec["ingress"] = ingress
    spec["policyTypes"].append("Egress")
    spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": spec,
    }


def _secret_store(design: Design, service: ServicePlan) -> Doc:
    # Each service reads its secrets as itself: the store authenticates with the service's
    # own IRSA identity, whose role may read exactly these secrets and no others.
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "SecretStore",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "provider": {
                "aws": {
                    "service": "SecretsManager",
                    "region": design.region,
                    "auth": {"jwt": {"serviceAccountRef": {"name": service.name}}},
                }
            }
        },
    }


def _external_secret(design: Design, service: ServicePlan) -> Doc:
    data = []
    for secret_key, _, prop in secret_keys(design, service):
        # The overlay replaces the key with the secret's ARN from infrastructure.env.
        remote: Doc = {"key": PENDING}
        if prop:
            remote["property"] = prop
        data.append({"secretKey": secret_key, "remoteRef": remote})
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"name": service.name, "kind": "SecretStore"},
            "target": {"name": f"{service.name}-secrets", "creationPolicy": "Owner"},
            "data": data,
        },
    }


def _service_monitor(design: Design, service: ServicePlan) -> Doc:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "selector": {"matchLabels": _selector(service)},
            "endpoints": [
                {
                    "port": "metrics",
                    "path": design.observability.sli.metrics_path,
                    "interval": "30s",
                    "relabelings": [
                        {
                            # Canary analysis tells the new version's series apart by this.
                            "sourceLabels": [
                                "__meta_kubernetes_pod_label_rollouts_pod_template_hash"
                            ],
                            "targetLabel": "rollouts_pod_template_hash",
                        },
                        {
                            "sourceLabels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
                            "targetLabel": "service",
                        },
                    ],
                }
            ],
        },
    }


# --- SLO rules and canary analysis ---------------------------------------------------------


def sli(template: str, selector: str) -> str:
    return template.format(selector=selector)


def error_ratio(design: Design, selector: str, window: str) -> str:
    s = design.observability.sli
    return (
        f"sum(rate({sli(s.errors, selector)}[{window}]))"
        f" / sum(rate({sli(s.requests, selector)}[{window}]))"
    )


def burn_threshold(alert: SloAlert) -> float:
    """The error ratio at which the budget burns ``burn_rate`` times too fast."""
    return alert.error_rate_threshold.value / 100


def _windows(design: Design) -> list[str]:
    seen: list[str] = []
    for alert in design.observability.alerts:
        for window in (alert.short_window, alert.long_window):
            if window not in seen:
                seen.append(window)
    return seen


def _record(window: str) -> str:
    return f"slo:sli_error:ratio_rate{window}"


def prometheus_rule(design: Design, service: ServicePlan) -> Doc:
    """Multi-window burn-rate alerts on the service's request SLI (recording rules first)."""
    selector = f'service="{service.name}"'
    slo = design.constraints.error_budget.slo
    records = [
        {
            "record": _record(window),
            "expr": error_ratio(design, selector, window),
            "labels": {"service": service.name},
        }
        for window in _windows(design)
    ]
    alerts = []
    for alert in design.observability.alerts:
        threshold = f"{burn_threshold(alert):g}"
        label = f'{{service="{service.name}"}}'
        alerts.append(
            {
                "alert": f"SLOErrorBudgetBurn{alert.long_window}",
                "expr": (
                    f"({_record(alert.long_window)}{label} > {threshold})"
                    f" and ({_record(alert.short_window)}{label} > {threshold})"
                ),
                "labels": {"severity": alert.severity, "service": service.name},
                "annotations": {
                    "summary": f"{service.name}: error budget burning {alert.burn_rate:g}x "
                    f"too fast ({alert.long_window} and {alert.short_window} windows)",
                    "description": f"At this rate {alert.budget_spent_percent:g}% of the "
                    f"30-day error budget of a {slo:g}% SLO is gone within "
                    f"{alert.long_window}; error ratio above {threshold} "
                    f"({alert.error_rate_threshold.worked} %).",
                    "runbook_url": "docs/runbooks/failed-rollout.md"
                    if alert.severity == "page"
                    else "docs/runbooks/node-failure.md",
                },
            }
        )
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "groups": [
                {"name": f"{service.name}-slo-recording", "interval": "30s", "rules": records},
                {"name": f"{service.name}-slo-alerts", "rules": alerts},
            ]
        },
    }


def cause_rule(design: Design, causes: list[CauseAlarm]) -> Doc:
    """The design's cause alarms on kube-state-metrics, as tickets."""
    rules = []
    for cause in causes:
        labels = {"severity": "ticket"}
        if cause.service is not None:
            labels["service"] = cause.service
        rule: Doc = {
            "alert": cause.name,
            "expr": f"{cause.signal} {cause.comparison} {cause.threshold or 0:g}",
        }
        if cause.for_seconds:
            rule["for"] = f"{cause.for_seconds}s"
        rule |= {"labels": labels, "annotations": {"summary": cause.summary}}
        rules.append(rule)
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": _meta("cause-alerts", {"app.kubernetes.io/part-of": design.name}),
        "spec": {"groups": [{"name": "causes", "rules": rules}]},
    }


def analysis_template(design: Design) -> Doc:
    """The canary must not burn budget fast enough to page, nor be slower than the bound."""
    page = next(a for a in design.observability.alerts if a.severity == "page")
    delivery = design.delivery
    s = design.observability.sli
    canary = 'service="{{args.service}}",rollouts_pod_template_hash="{{args.canary-hash}}"'
    window = f"{delivery.analysis_interval_seconds * 2}s"
    latency = (
        f"histogram_quantile(0.99, sum by (le) (rate({sli(s.latency_bucket, canary)}[{window}])))"
    )
    common = {
        "interval": f"{delivery.analysis_interval_seconds}s",
        # Argo fails the analysis when failures exceed the limit: the design's
        # analysis_failure_limit-th failed measurement aborts the rollout.
        "failureLimit": delivery.analysis_failure_limit - 1,
    }
    return {
        "apiVersion": ARGO,
        "kind": "AnalysisTemplate",
        "metadata": _meta("slo"),
        "spec": {
            "args": [{"name": "service"}, {"name": "canary-hash"}],
            "metrics": [
                {
                    "name": "error-ratio",
                    **common,
                    # No traffic yet is not a failure: an empty result counts as 0.
                    "successCondition": f"len(result) == 0 || result[0] <= "
                    f"{burn_threshold(page):g}",
                    "provider": {
                        "prometheus": {
                            "address": PROMETHEUS_URL,
                            "query": error_ratio(design, canary, window),
                        }
                    },
                },
                {
                    "name": "latency-p99",
                    **common,
                    "successCondition": f"len(result) == 0 || result[0] <= "
                    f"{s.latency_p99_seconds:g}",
                    "provider": {"prometheus": {"address": PROMETHEUS_URL, "query": latency}},
                },
            ],
        },
    }


# --- ingress ----------------------------------------------------------------------------


def _ingress(design: Design) -> Doc:
    public = [s for s in design.compute.services if s.public and s.port is not None]
    check = design.network.health_check
    first = public[0]
    scheme = "HTTPS" if design.security.tls_to_services else "HTTP"
    annotations = {
        "alb.ingress.kubernetes.io/scheme": design.network.load_balancer_scheme,
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTPS": 443}]),
        "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "alb.ingress.kubernetes.io/backend-protocol": scheme,
        # The controller health-checks over HTTP unless told otherwise, which a TLS port fails.
        "alb.ingress.kubernetes.io/healthcheck-protocol": scheme,
        # Replaced per environment from infrastructure.env (Terraform outputs).
        "alb.ingress.kubernetes.io/certificate-arn": PENDING,
    }
    if design.network.waf:
        annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"] = PENDING
    if _grpc_edge_on_ingress(design):
        annotations.update(_grpc_edge_annotations(design))
    if check is not None:
        annotations.update(
            {
                "alb.ingress.kubernetes.io/healthcheck-path": annotations.get(
                    "alb.ingress.kubernetes.io/healthcheck-path", check.path
                ),
                "alb.ingress.kubernetes.io/healthcheck-interval-seconds": str(
                    check.interval_seconds
                ),
                "alb.ingress.kubernetes.io/healthcheck-timeout-seconds": str(check.timeout_seconds),
                "alb.ingress.kubernetes.io/healthy-threshold-count": str(check.healthy_threshold),
                "alb.ingress.kubernetes.io/unhealthy-threshold-count": str(
                    check.unhealthy_threshold
                ),
            }
        )
    spec: Doc = {
        "ingressClassName": "alb",
        "defaultBackend": {"service": {"name": first.name, "port": {"name": _port_name(first)}}},
    }
    if len(public) > 1:
        spec["rules"] = [
            {
                "http": {
                    "paths": [
                        {
                            "path": f"/{s.name}",
                            "pathType": "Prefix",
                            "backend": {
                                "service": {"name": s.name, "port": {"name": _port_name(s)}}
                            },
                        }
                        for s in public[1:]
                    ]
                }
            }
        ]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": _meta(design.name, annotations=annotations),
        "spec": spec,
    }


# --- overlays ---------------------------------------------------------------------------


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
    if "-gov-" in design.region:
        return "aws-us-gov"
    return "aws-cn" if design.region.startswith("cn-") else "aws"


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
    files[f"{folder}/infrastructure.env"] = infrastructure_env(design, env)
    kustomization: Doc = {
        "apiVersion": KUSTOMIZE,
        "kind": "Kustomization",
        "namespace": env.namespace,
        "resources": ["../../base"],
        "labels": [{"pairs": {"app.kubernetes.io/instance": f"{design.name}-{env.name}"}}],
        "images": [
            {
                "name": s.name,
                "newName": image_repository(design, env, s.name),
                "newTag": FIRST_RELEASE_TAG,
            }
            for s in services
        ],
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
        f"access_logs.s3.bucket={design.name}-{env.name}-access-logs",
        "access_logs.s3.prefix=alb",
        f"deletion_protection.enabled={'true' if env.deletion_protection else 'false'}",
        "routing.http.drop_invalid_header_fields.enabled=true",
    ]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": design.name,
            "annotations": {
                "alb.ingress.kubernetes.io/load-balancer-attributes": ",".join(attributes),
                "alb.ingress.kubernetes.io/tags": f"Project={design.name},Environment={env.name}",
            },
        },
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


# --- Argo CD ----------------------------------------------------------------------------


def _argocd(design: Design) -> dict[str, str]:
    folder = f"{K8S}/argocd"
    files = {f"{folder}/project.yaml": dump(_project(design))}
    for env in design.environments:
        files[f"{folder}/{env.name}.yaml"] = dump(_application(design, env))
    return files


def _project(design: Design) -> Doc:
    namespaces = [env.namespace for env in design.environments]
    prod = design.environment("prod")
    return {
        "apiVersion": ARGO,
        "kind": "AppProject",
        "metadata": _meta(design.name, namespace="argocd"),
        "spec": {
            "description": f"{design.name}: the workloads of every environment",
            "sourceRepos": [design.delivery.repository],
            "destinations": [
                {"server": "https://kubernetes.default.svc", "namespace": ns} for ns in namespaces
            ],
            # Workloads only: no cluster-scoped objects except the namespace they live in.
            "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}],
            "namespaceResourceBlacklist": [
                {"group": "", "kind": "ResourceQuota"},
                {"group": "", "kind": "LimitRange"},
            ],
            "roles": [
                {
                    "name": "release",
                    "description": "Syncs production: held by the approved deploy-prod job "
                    "and the release approvers, nobody else.",
                    "policies": [
                        (
                            f"p, proj:{design.name}:release, applications, sync, "
                            f"{design.name}/{design.name}-{prod.name}, allow"
                        ),
                        (
                            f"p, proj:{design.name}:release, applications, get, "
                            f"{design.name}/{design.name}-{prod.name}, allow"
                        ),
                    ],
                }
            ],
        },
    }


def _application(design: Design, env: EnvironmentSizing) -> Doc:
    prod = env.name == "prod"
    sync: Doc = {
        "syncOptions": ["CreateNamespace=false", "PrunePropagationPolicy=foreground"],
        "retry": {
            "limit": 3,
            "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"},
        },
    }
    if not prod:
        # Staging follows main: every merged change lands here first.
        sync = {"automated": {"prune": True, "selfHeal": True}, **sync}
    return {
        "apiVersion": ARGO,
        "kind": "Application",
        "metadata": _meta(
            f"{design.name}-{env.name}",
            {"app.kubernetes.io/part-of": design.name, "environment": env.name},
            namespace="argocd",
            finalizers=["resources-finalizer.argocd.argoproj.io"],
            annotations={
                "infra-architect.dev/sync": (
                    "manual: production syncs only when the approved deploy-prod job (or a release "
                    "approver) triggers a sync"
                    if prod
                    else "automated from main"
                )
            },
        ),
        "spec": {
            "project": design.name,
            "source": {
                "repoURL": design.delivery.repository,
                "targetRevision": "main",
                "path": f"{K8S}/overlays/{env.name}",
            },
            "destination": {"server": "https://kubernetes.default.svc", "namespace": env.namespace},
            "syncPolicy": sync,
            "revisionHistoryLimit": 10,
        },
    }
