"""Kubernetes base workloads: per service the ServiceAccount, ConfigMap, Deployment or
CronJob (pod spec, container, probes), Service, the ExternalSecret that reads its
secrets, and the shared Ingress."""

from __future__ import annotations

import json

from infra_architect.engine import Design, Probes, ServicePlan
from infra_architect.errors import DesignLookupError
from infra_architect.render._bindings import PENDING, env_key
from infra_architect.render._k8s_common import (
    DIGEST_PINNED_AT_DEPLOY,
    OTLP_ENDPOINT,
    _grpc_edge_annotations,
    _grpc_edge_on_ingress,
    _labels,
    _meta,
    _port_name,
    _selector,
    _skip_annotations,
    manifest_settings,
    secret_keys,
    uses_rollout,
)
from infra_architect.render._yaml import Doc
from infra_architect.spec import ServiceType


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


def _probe(probes: Probes, period: int, failures: int, *, timeout: int, tls: bool) -> Doc:
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
        "timeoutSeconds": timeout,
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
        timeout = manifest_settings(design).probe_timeout_seconds
        container["startupProbe"] = _probe(
            p, p.startup_period_seconds, p.startup_failure_threshold, timeout=timeout, tls=tls
        )
        container["readinessProbe"] = _probe(
            p, p.readiness_period_seconds, p.readiness_failure_threshold, timeout=timeout, tls=tls
        )
        container["livenessProbe"] = _probe(
            p, p.liveness_period_seconds, p.liveness_failure_threshold, timeout=timeout, tls=tls
        )
    if service.port is not None and compute.pre_stop_sleep_seconds:
        # Keep serving while the load balancer and kube-proxy stop sending new requests.
        container["lifecycle"] = {"preStop": {"sleep": {"seconds": compute.pre_stop_sleep_seconds}}}
    container["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": manifest_settings(design).run_as_user,
        "runAsGroup": manifest_settings(design).run_as_user,
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
    uid = manifest_settings(design).run_as_user
    spec: Doc = {
        "serviceAccountName": service.name,
        # IRSA's web-identity token is projected by the EKS webhook; the API token is not needed.
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": uid,
            "runAsGroup": uid,
            "fsGroup": uid,
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
            "revisionHistoryLimit": manifest_settings(design).revision_history_limit,
            "selector": {"matchLabels": _selector(service)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
            },
            "template": _template(design, service),
        },
    }


def _cronjob(design: Design, service: ServicePlan) -> Doc:
    cron = manifest_settings(design).cronjob
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
            "startingDeadlineSeconds": cron.starting_deadline_seconds,
            "successfulJobsHistoryLimit": cron.successful_jobs_history_limit,
            "failedJobsHistoryLimit": cron.failed_jobs_history_limit,
            "jobTemplate": {
                "spec": {
                    "backoffLimit": cron.backoff_limit,
                    "activeDeadlineSeconds": cron.active_deadline_seconds,
                    "ttlSecondsAfterFinished": cron.ttl_seconds_after_finished,
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
