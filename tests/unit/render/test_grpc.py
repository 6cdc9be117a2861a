"""The gRPC balancing decision as the manifests, Terraform, pipelines and tech spec
render it: nothing decided in a template, everything read from the Design."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, generate

SHOP = ROOT / "tests" / "specs" / "grpc-shop.yaml"
BASE = "infra/k8s/base"


def shop_variant(folder: Path, size: int, kubernetes: str) -> Path:
    """The gRPC shop with another team: the decision flips with its capability."""
    spec = yaml.safe_load(SHOP.read_text())
    spec["team"].update({"size": size, "kubernetes_experience": kubernetes})
    path = folder / f"grpc-shop-{size}-{kubernetes}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def client_side() -> dict[str, str]:
    return generate(SHOP)


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return generate(shop_variant(tmp_path_factory.mktemp("mesh"), 8, "high"))


@pytest.fixture(scope="module")
def ecs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return generate(shop_variant(tmp_path_factory.mktemp("ecs"), 4, "none"))


def _doc(files: dict[str, str], path: str) -> dict[str, object]:
    loaded = yaml.safe_load(files[path])
    assert isinstance(loaded, dict)
    return loaded


def _container(files: dict[str, str], service: str) -> dict[str, object]:
    kind = next(
        f"{BASE}/{service}/{name}"
        for name in ("rollout.yaml", "deployment.yaml")
        if f"{BASE}/{service}/{name}" in files
    )
    spec = _doc(files, kind)["spec"]
    assert isinstance(spec, dict)
    container = spec["template"]["spec"]["containers"][0]
    assert isinstance(container, dict)
    return container


def test_grpc_callees_get_headless_services_and_named_h2c_ports(
    client_side: dict[str, str],
) -> None:
    for callee in ("catalog", "cart", "checkout", "payment", "recommend"):
        spec = _doc(client_side, f"{BASE}/{callee}/service.yaml")["spec"]
        assert isinstance(spec, dict)
        assert spec["clusterIP"] == "None"
        grpc_port = spec["ports"][0]
        assert grpc_port["name"] == "grpc"
        assert grpc_port["targetPort"] == "grpc"
        assert grpc_port["appProtocol"] == "kubernetes.io/h2c"
    # nobody calls api: the ALB reaches its pods directly, a ClusterIP is harmless
    api = _doc(client_side, f"{BASE}/api/service.yaml")["spec"]
    assert isinstance(api, dict)
    assert "clusterIP" not in api


def test_grpc_probes_call_the_health_service_natively(client_side: dict[str, str]) -> None:
    container = _container(client_side, "cart")
    assert container["ports"][0] == {"name": "grpc", "containerPort": 50051, "protocol": "TCP"}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"] == {"port": 50051}
        assert "httpGet" not in container[probe]


def test_clients_dial_dns_with_round_robin_and_servers_age_connections(
    client_side: dict[str, str],
) -> None:
    data = _doc(client_side, f"{BASE}/checkout/configmap.yaml")["data"]
    assert isinstance(data, dict)
    assert data["CART_URL"] == "dns:///cart:50051"
    assert data["PAYMENT_URL"] == "dns:///payment:50051"
    assert '"round_robin"' in data["GRPC_SERVICE_CONFIG"]
    assert data["GRPC_MAX_CONNECTION_AGE_SECONDS"] == "30"
    assert data["GRPC_MAX_CONNECTION_AGE_GRACE_SECONDS"] == "10"


def test_the_ingress_asks_the_controller_for_grpc_target_groups(
    client_side: dict[str, str],
) -> None:
    ingress = _doc(client_side, f"{BASE}/ingress.yaml")
    annotations = ingress["metadata"]["annotations"]  # type: ignore[index]
    assert annotations["alb.ingress.kubernetes.io/backend-protocol-version"] == "GRPC"
    assert (
        annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/grpc.health.v1.Health/Check"
    )
    assert annotations["alb.ingress.kubernetes.io/success-codes"] == "0"
    assert annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    backend = ingress["spec"]["defaultBackend"]["service"]  # type: ignore[index]
    assert backend == {"name": "api", "port": {"name": "grpc"}}


def test_the_mesh_injects_and_opens_its_ports_instead_of_headless_services(
    client_side: dict[str, str], mesh: dict[str, str]
) -> None:
    namespace = _doc(mesh, f"{BASE}/namespace.yaml")["metadata"]
    assert namespace["annotations"] == {"linkerd.io/inject": "enabled"}  # type: ignore[index]
    assert "annotations" not in _doc(client_side, f"{BASE}/namespace.yaml")["metadata"]  # type: ignore[operator]
    spec = _doc(mesh, f"{BASE}/cart/service.yaml")["spec"]
    assert "clusterIP" not in spec  # type: ignore[operator]
    policy = _doc(mesh, f"{BASE}/cart/networkpolicy.yaml")["spec"]
    callers_in = policy["ingress"][0]["ports"]  # type: ignore[index]
    assert {p["port"] for p in callers_in} == {50051, 4143}
    checkout = _doc(mesh, f"{BASE}/checkout/networkpolicy.yaml")["spec"]
    to_linkerd = [
        rule
        for rule in checkout["egress"]  # type: ignore[index]
        if rule["to"][0].get("namespaceSelector", {}).get("matchLabels")
        == {"kubernetes.io/metadata.name": "linkerd"}
    ]
    assert [sorted(p["port"] for p in r["ports"]) for r in to_linkerd] == [[4143, 8080, 8086, 8090]]
    config = _doc(mesh, f"{BASE}/checkout/configmap.yaml")["data"]
    assert config["CART_URL"] == "cart:50051"  # type: ignore[index]
    assert "GRPC_SERVICE_CONFIG" not in config  # type: ignore[operator]


def test_ecs_builds_a_grpc_target_group_and_service_connect_grpc_ports(
    ecs: dict[str, str],
) -> None:
    main = ecs["infra/terraform/environments/prod/main.tf"]
    alb = main[main.index('module "alb"') :]
    alb = alb[: alb.index("\n}\n")]
    assert 'protocol_version    = "GRPC"' in alb
    assert 'matcher             = "0"' in alb
    assert 'health_check_path   = "/grpc.health.v1.Health/Check"' in alb
    assert len(re.findall(r'app_protocol\s+= "grpc"', main)) == 6  # every gRPC service
    module = ecs["infra/terraform/modules/alb/main.tf"]
    assert "protocol_version     = each.value.protocol_version" in module
    assert "matcher             = each.value.matcher" in module
    assert "appProtocol = each.value.app_protocol" in ecs["infra/terraform/modules/ecs/main.tf"]


def test_the_smoke_test_calls_the_grpc_health_method_over_http2(ecs: dict[str, str]) -> None:
    workflow = ecs[".github/workflows/api.yml"]
    assert "--http2" in workflow
    assert "content-type: application/grpc" in workflow
    assert "HEALTH_METHOD: /grpc.health.v1.Health/Check" in workflow
    assert '"$BASE_URL$HEALTH_PATH"' not in workflow  # an HTTP/1.1 GET a gRPC group refuses


@pytest.mark.parametrize("variant", ["client_side", "mesh", "ecs"])
def test_the_tech_spec_says_why(variant: str, request: pytest.FixtureRequest) -> None:
    files: dict[str, str] = request.getfixturevalue(variant)
    spec = files["docs/tech-spec.md"]
    section = spec[spec.index("### gRPC load balancing") :]
    section = section[: section.index("\n## ")]
    selected = {
        "client_side": "headless Services with client-side round_robin",
        "mesh": "Linkerd service mesh",
        "ecs": "ECS Service Connect",
    }[variant]
    assert f"**Selected:** {selected}" in section
    assert "**Why:**" in section
    assert "**Alternatives considered:**" in section
    assert "HTTP/2 multiplexes every call" in section
    assert "/grpc.health.v1.Health/Check" in section
