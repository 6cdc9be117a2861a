"""gRPC balancing: HTTP/2 keeps one long-lived connection per client, so whatever
balances per connection (kube-proxy behind a ClusterIP Service, an L4 load balancer)
pins each client to one replica and new replicas get no calls. Per-request balancing
is needed at the edge (ALB target groups with protocol version GRPC) and inside:
gRPC's own round_robin over a headless Service, a mesh, or ECS Service Connect.

Which one inside is a question of what the team can operate: a mesh balances every
call without code changes but is a platform to run; client-side balancing needs no
platform but every client and server must be configured.
"""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.catalog import Catalog
from infra_architect.engine._design_model import (
    Alternative,
    ComputeDesign,
    Decision,
    GrpcBalancing,
    GrpcBalancingMode,
    ServicePlan,
)
from infra_architect.engine._model import Constraints
from infra_architect.engine.choose._compliance import tls_to_services
from infra_architect.spec import ComputeChoice, Protocol, Requirements

MESH_CAPABILITY = "service-mesh"
APP_MESH_END_OF_SUPPORT = "2026-09-30"
"""AWS App Mesh end of support (AWS App Mesh User Guide, announcement of 2024-09-24)."""


def grpc_services(compute: ComputeDesign) -> list[ServicePlan]:
    """Services that serve gRPC on a port, in spec order."""
    return [s for s in compute.services if s.protocol == Protocol.GRPC.value and s.port is not None]


def choose_grpc(
    req: Requirements, constraints: Constraints, catalog: Catalog, compute: ComputeDesign
) -> GrpcBalancing | None:
    """How gRPC calls are balanced, or None when no service speaks gRPC (or on Lambda,
    which the compute chooser already refuses for gRPC)."""
    served = grpc_services(compute)
    if not served or compute.platform == ComputeChoice.LAMBDA:
        return None
    data = catalog.design.grpc
    names = [s.name for s in served]
    called = {callee for s in compute.services for callee in s.calls}
    callees = [name for name in names if name in called]
    edge = [s.name for s in served if s.public]
    mode = _mode(constraints, compute)
    tls, _ = tls_to_services(req)
    kubernetes = compute.platform.kubernetes
    app_protocol = (
        data.ecs_app_protocol
        if not kubernetes
        # kubernetes.io/h2c is HTTP/2 in cleartext; with TLS on the pod port it is HTTPS.
        else "https"
        if tls
        else data.kubernetes_app_protocol
    )
    client_side = mode == "client-side"
    rebalance = (
        figure(
            float(data.max_connection_age_seconds + data.dns_min_resolution_seconds),
            "s",
            "{max_connection_age_s} + {dns_min_resolution_s}",
            max_connection_age_s=float(data.max_connection_age_seconds),
            dns_min_resolution_s=float(data.dns_min_resolution_seconds),
        )
        if client_side
        else None
    )
    return GrpcBalancing(
        decision=_decision(
            req, constraints, catalog, mode=mode, names=names, callees=callees, edge=edge
        ),
        mode=mode,
        services=names,
        headless=callees if client_side else [],
        edge=edge,
        mesh=data.mesh.name if mode == "mesh" else None,
        mesh_namespace=data.mesh.namespace if mode == "mesh" else None,
        mesh_ports=(
            [data.mesh.proxy_inbound_port, *data.mesh.control_plane_ports] if mode == "mesh" else []
        ),
        health_check_path=data.health_check_path,
        success_codes=data.success_codes,
        app_protocol=app_protocol,
        client_target_prefix="dns:///" if client_side else "",
        client_service_config=data.client_service_config if client_side else None,
        max_connection_age_seconds=data.max_connection_age_seconds if client_side else None,
        max_connection_age_grace_seconds=(
            data.max_connection_age_grace_seconds if client_side else None
        ),
        new_replica_traffic=rebalance,
    )


def _mode(constraints: Constraints, compute: ComputeDesign) -> GrpcBalancingMode:
    if compute.platform == ComputeChoice.ECS_FARGATE:
        return "service-connect"
    return "mesh" if constraints.complexity.allows(MESH_CAPABILITY) else "client-side"


def _decision(
    req: Requirements,
    constraints: Constraints,
    catalog: Catalog,
    *,
    mode: GrpcBalancingMode,
    names: list[str],
    callees: list[str],
    edge: list[str],
) -> Decision:
    data = catalog.design.grpc
    team = req.team
    team_says = (
        f"team.size={team.size}, team.kubernetes_experience={team.kubernetes_experience.value}"
    )
    mesh_fit = constraints.complexity.capability(MESH_CAPABILITY)
    age = data.max_connection_age_seconds
    resolution = data.dns_min_resolution_seconds
    listed = ", ".join(names)
    edge_says = (
        f"; at the edge the ALB forwards to {', '.join(edge)} through target groups with "
        f"protocol version GRPC (HTTPS listener), health-checked by calling "
        f"{data.health_check_path} and healthy on gRPC status {data.success_codes}"
        if edge
        else ""
    )
    pinning = (
        "HTTP/2 multiplexes every call of a client over one long-lived connection, so "
        "balancing per connection pins each client to one replica and replicas added by "
        "the autoscaler get no calls"
    )
    client_side = Alternative(
        name="headless Services with client-side round_robin",
        why_not=(
            "every client in every language must load the round_robin service config and "
            "dial dns:///, and every server must close connections after "
            f"MAX_CONNECTION_AGE; new pods wait up to {age + resolution} s for calls"
        ),
    )
    mesh = Alternative(
        name=f"{data.mesh.name} service mesh",
        why_not=(
            f"the team cannot run it yet ({'; '.join(mesh_fit.shortfalls)}): a control plane "
            "to upgrade with every cluster upgrade, an issuer certificate to rotate before it "
            "expires and a proxy in every pod"
            if mesh_fit.shortfalls
            else "a control plane, certificates and a proxy in every pod that "
            "this platform does not need"
        ),
    )
    clusterip = Alternative(
        name="ClusterIP Services (kube-proxy, per connection)",
        why_not=f"kube-proxy balances per connection: {pinning}",
    )
    drivers = [
        "system.services[].protocol",
        "team.size",
        "team.kubernetes_experience",
        "constraints.complexity",
    ]
    if mode == "service-connect":
        return Decision(
            id="grpc-balancing",
            title="gRPC load balancing",
            selected="ECS Service Connect (Envoy per task, appProtocol grpc)",
            alternatives=[
                Alternative(
                    name="client-side round_robin over Cloud Map DNS",
                    why_not="every client and server would need the round_robin config and "
                    "connection ageing that Service Connect's proxy gives per request for free",
                ),
                Alternative(
                    name="AWS App Mesh",
                    why_not=f"AWS ends support for App Mesh on {APP_MESH_END_OF_SUPPORT}; "
                    "Service Connect is its replacement on ECS",
                ),
            ],
            why=(
                f"{listed} speak gRPC: {pinning}. "
                "Service Connect already runs an Envoy proxy beside every task; with the port "
                f"mapping's appProtocol set to {data.ecs_app_protocol} it balances each call "
                "across the callee's tasks and reports gRPC request metrics" + edge_says
            ),
            risk=(
                "appProtocol is immutable in a Service Connect service: changing it means "
                "deleting and recreating the service; the proxy's idle timeout (5 min by "
                "default for gRPC) closes idle streams, so long-lived streams need keepalives"
            ),
            drivers=drivers,
        )
    if mode == "mesh":
        return Decision(
            id="grpc-balancing",
            title="gRPC load balancing",
            selected=f"{data.mesh.name} service mesh (per-request balancing in the proxy)",
            alternatives=[client_side, clusterip],
            why=(
                f"{listed} speak gRPC: {pinning}. The team can run a mesh ({team_says}): "
                f"{data.mesh.name}'s proxy balances every call across ready pods (EWMA of "
                "latency), learns new pods from the endpoints at once, adds mTLS, retries and "
                "per-route metrics with no change to any client or server" + edge_says
            ),
            risk=(
                f"{data.mesh.name} is a platform: its control plane is upgraded with the "
                "cluster, its issuer certificate must be rotated before it expires (an "
                "expired one stops every meshed call), and it is installed with its CNI "
                "plugin because the namespace's restricted Pod Security Standard refuses "
                "the NET_ADMIN init container; NetworkPolicies must allow the proxy's "
                f"inbound port {data.mesh.proxy_inbound_port}"
            ),
            drivers=drivers,
        )
    return Decision(
        id="grpc-balancing",
        title="gRPC load balancing",
        selected="headless Services with client-side round_robin",
        alternatives=[mesh, clusterip],
        why=(
            f"{listed} speak gRPC: {pinning}. A headless Service (clusterIP: None) for "
            f"{', '.join(callees) or 'each callee'} makes DNS return every ready pod; clients "
            "dial dns:///<service>:<port> with the round_robin service config and spread "
            f"calls over all of them; servers close each connection after {age} s "
            f"(MAX_CONNECTION_AGE, {data.max_connection_age_grace_seconds} s grace) so "
            f"clients re-resolve, at most every {resolution} s, and find new pods. Nothing to "
            f"operate for a team of this size ({team_says})" + edge_says
        ),
        risk=(
            f"a pod added by the autoscaler takes its share up to {age + resolution} s after "
            "it is ready (connection age + DNS re-resolution interval), which the spike "
            "simulation does not model; a client that ignores the service config "
            "(pick_first) pins to one pod again, so every client library must be configured "
            "(the configmaps name it)"
        ),
        drivers=drivers,
    )
