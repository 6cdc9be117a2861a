"""gRPC balancing is decided by the engine: per-call balancing at the edge, and inside
either client-side round_robin over headless Services or a mesh, by what the team can
run; ECS uses Service Connect. The decision flips with team capability."""

from __future__ import annotations

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import Design, design_system
from infra_architect.spec import Experience, KubernetesExperience, Requirements, load_requirements
from tests.conftest import ROOT

SHOP = ROOT / "tests" / "specs" / "grpc-shop.yaml"
CALLEES = ["catalog", "cart", "checkout", "payment", "recommend"]


def _shop(catalog: Catalog, size: int, kubernetes: str, ops: str = "medium") -> Design:
    req: Requirements = load_requirements(SHOP, catalog.regions)
    team = req.team.model_copy(
        update={
            "size": size,
            "kubernetes_experience": KubernetesExperience(kubernetes),
            "ops_experience": Experience(ops),
        }
    )
    return design_system(req.model_copy(update={"team": team}), catalog)


@pytest.mark.parametrize(
    ("size", "kubernetes", "platform", "mode"),
    [
        pytest.param(4, "medium", "eks", "client-side", id="small-team-client-side"),
        pytest.param(5, "high", "eks", "client-side", id="too-few-for-a-mesh"),
        pytest.param(6, "medium", "eks", "client-side", id="not-enough-kubernetes"),
        pytest.param(6, "high", "eks", "mesh", id="platform-team-mesh"),
        pytest.param(12, "high", "eks", "mesh", id="large-team-mesh"),
        pytest.param(4, "none", "ecs-fargate", "service-connect", id="no-kubernetes-ecs"),
    ],
)
def test_the_choice_follows_team_capability(
    catalog: Catalog, size: int, kubernetes: str, platform: str, mode: str
) -> None:
    design = _shop(catalog, size, kubernetes)
    grpc = design.network.grpc
    assert design.compute.platform == platform
    assert grpc is not None
    assert grpc.mode == mode
    assert grpc.decision in design.decisions  # the trade-off table and an ADR print it
    mesh = catalog.policy.capability("service-mesh")
    assert (mode == "mesh") == (
        size >= mesh.team_size and kubernetes == mesh.kubernetes_experience.value
    )


def test_client_side_makes_every_grpc_callee_headless_and_ages_connections(
    catalog: Catalog,
) -> None:
    grpc = _shop(catalog, 4, "medium").network.grpc
    assert grpc is not None
    data = catalog.design.grpc
    assert grpc.services == ["api", *CALLEES]
    assert grpc.headless == CALLEES  # api is called by nobody: the ALB reaches its pods
    assert grpc.edge == ["api"]
    assert grpc.client_target_prefix == "dns:///"
    assert grpc.client_service_config == data.client_service_config
    assert "round_robin" in (grpc.client_service_config or "")
    assert grpc.max_connection_age_seconds == data.max_connection_age_seconds
    assert grpc.new_replica_traffic is not None
    assert grpc.new_replica_traffic.value == (
        data.max_connection_age_seconds + data.dns_min_resolution_seconds
    )
    assert grpc.mesh is None
    assert grpc.mesh_ports == []
    assert "team.size=4" in grpc.decision.why
    assert {a.name for a in grpc.decision.alternatives} == {
        "Linkerd service mesh",
        "ClusterIP Services (kube-proxy, per connection)",
    }
    mesh_alt = next(a for a in grpc.decision.alternatives if a.name.startswith("Linkerd"))
    assert "needs 6+ engineers, team has 4" in mesh_alt.why_not


def test_a_mesh_needs_no_headless_services_and_opens_its_ports(catalog: Catalog) -> None:
    grpc = _shop(catalog, 8, "high").network.grpc
    assert grpc is not None
    mesh = catalog.design.grpc.mesh
    assert grpc.mesh == mesh.name
    assert grpc.headless == []
    assert grpc.client_target_prefix == ""
    assert grpc.client_service_config is None
    assert grpc.max_connection_age_seconds is None
    assert grpc.new_replica_traffic is None  # balanced per call: a ready pod takes calls
    assert grpc.mesh_ports == [mesh.proxy_inbound_port, *mesh.control_plane_ports]
    assert grpc.decision.alternatives[0].name == "headless Services with client-side round_robin"


def test_ecs_uses_service_connect_with_the_grpc_app_protocol(catalog: Catalog) -> None:
    grpc = _shop(catalog, 4, "none").network.grpc
    assert grpc is not None
    assert grpc.app_protocol == "grpc"
    assert grpc.headless == []
    assert "App Mesh" in " ".join(a.name for a in grpc.decision.alternatives)


def test_grpc_services_get_native_grpc_probes_and_the_health_method(catalog: Catalog) -> None:
    design = _shop(catalog, 4, "medium")
    path = catalog.design.grpc.health_check_path
    for name in ["api", *CALLEES]:
        plan = design.compute.service(name)
        assert plan.probes is not None
        assert (plan.probes.kind, plan.probes.port, plan.probes.path) == ("grpc", 50051, path)
        assert plan.health_check_path == path
    # no "/healthz is assumed" for a service whose health is the gRPC health service
    assert not [a for a in design.assumptions if a.field.endswith("health_check_path")]


def test_the_edge_load_balancer_decision_names_grpc_target_groups(catalog: Catalog) -> None:
    decision = _shop(catalog, 4, "medium").network.load_balancer_decision
    assert decision is not None
    assert "protocol version GRPC" in decision.why


def test_no_grpc_service_means_no_grpc_decision(catalog: Catalog) -> None:
    req = load_requirements(ROOT / "examples" / "ecommerce.yaml", catalog.regions)
    design = design_system(req, catalog)
    assert design.network.grpc is None
    assert all(d.id != "grpc-balancing" for d in design.decisions)
    assert all(s.probes is None or s.probes.kind == "http" for s in design.compute.services)
