"""Kubernetes policies: the namespace's default-deny and DNS NetworkPolicies, each
service's NetworkPolicy from the call graph, and PodDisruptionBudgets."""

from __future__ import annotations

from infra_architect.engine import Design, ServicePlan
from infra_architect.render._k8s_common import (
    MONITORING_NAMESPACE,
    OTLP_PORT,
    TELEMETRY_NAMESPACE,
    _labels,
    _meta,
    _selector,
)
from infra_architect.render._yaml import Doc


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
