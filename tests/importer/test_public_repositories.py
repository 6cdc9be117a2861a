"""`import` on public repositories it has never seen: GoogleCloudPlatform/microservices-demo's
release manifests (vendored in public/microservices-demo with its licence and commit) and
terraform-aws-modules/terraform-aws-ecs (public/terraform-aws-ecs: its root module and
examples/complete, which calls it by a relative source, so the repository root is read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.importer import Findings, draft_spec, import_repository
from infra_architect.spec import parse_document
from tests.importer._helpers import answer, designed, questions, validated

DEMO = Path(__file__).parent / "public" / "microservices-demo"
ECS = Path(__file__).parent / "public" / "terraform-aws-ecs"
MUST_NOT_GUESS = [
    "traffic",
    "availability.slo",
    "delivery.deploys_per_day",
    "team.size",
    "team.ops_experience",
]
ANSWERS: dict[tuple[str, ...], object] = {
    ("traffic",): {"requests_per_second": 200},
    ("availability", "slo"): 99.9,
    ("delivery", "deploys_per_day"): 1,
    ("team", "size"): 6,
    ("team", "ops_experience"): "medium",
}
SERVICES = {
    "frontend": "web",
    "adservice": "api",
    "cartservice": "api",
    "checkoutservice": "api",
    "currencyservice": "api",
    "emailservice": "api",
    "paymentservice": "api",
    "productcatalogservice": "api",
    "recommendationservice": "api",
    "shippingservice": "api",
}
CALLS = {  # from the *_ADDR env vars of release/kubernetes-manifests.yaml
    ("frontend", "adservice"),
    ("frontend", "cartservice"),
    ("frontend", "checkoutservice"),
    ("frontend", "currencyservice"),
    ("frontend", "productcatalogservice"),
    ("frontend", "recommendationservice"),
    ("frontend", "shippingservice"),
    ("recommendationservice", "productcatalogservice"),
    ("checkoutservice", "cartservice"),
    ("checkoutservice", "currencyservice"),
    ("checkoutservice", "emailservice"),
    ("checkoutservice", "paymentservice"),
    ("checkoutservice", "productcatalogservice"),
    ("checkoutservice", "shippingservice"),
}


@pytest.fixture(scope="module")
def findings() -> Findings:
    return import_repository(DEMO).findings


def test_the_eleven_workloads_are_ten_services_a_redis_and_a_load_generator(
    findings: Findings,
) -> None:
    assert {s.name: s.type for s in findings.services} == SERVICES
    assert [(s.name, s.engine) for s in findings.datastores] == [("redis-cart", "redis")]
    # loadgenerator drives synthetic traffic at the frontend: not part of the system,
    # left out and said so (it would otherwise be a worker calling the frontend)
    assert any("loadgenerator generates load" in n for n in findings.notes)
    assert findings.unread == ()


def test_the_call_graph_comes_from_the_addr_env_vars(findings: Findings) -> None:
    assert {(s.name, c.target) for s in findings.services for c in s.calls} == CALLS
    cart = next(s for s in findings.services if s.name == "cartservice")
    assert [u.target for u in cart.uses] == ["redis-cart"]  # REDIS_ADDR=redis-cart:6379
    # the frontend names shoppingassistantservice:80, which the manifests do not run
    assert any("shoppingassistantservice" in n for n in findings.notes)


def test_ports_protocols_and_public_entry(findings: Findings) -> None:
    by_name = {s.name: s for s in findings.services}
    assert by_name["frontend"].public  # the frontend-external LoadBalancer Service
    assert by_name["frontend"].health_check_path == "/_healthz"
    assert by_name["productcatalogservice"].port == 3550
    assert {s.protocol for n, s in by_name.items() if n != "frontend"} == {"grpc"}
    assert by_name["frontend"].protocol == "http"


def test_each_inferred_fact_says_where_it_was_read(findings: Findings) -> None:
    """The type and public flag come from the LoadBalancer Service, not the Deployment;
    the replica floor from the Deployment's replicas (no HPA); the draft comments both."""
    frontend = next(s for s in findings.services if s.name == "frontend")
    manifest = (DEMO / "kubernetes-manifests.yaml").read_text(encoding="utf-8").splitlines()
    assert frontend.exposure is not None
    assert frontend.exposure.path == "kubernetes-manifests.yaml"
    assert manifest[frontend.exposure.line - 1 : frontend.exposure.line + 3] == [
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: frontend-external",
    ]
    assert frontend.replicas_evidence == frontend.evidence
    assert manifest[frontend.evidence.line + 2] == "  name: frontend"
    cart = next(s for s in findings.services if s.name == "cartservice")
    assert cart.exposure is None  # an api: nothing outside the cluster reaches it
    text = draft_spec(findings, name="microservices-demo", source="microservices-demo")
    assert f"type: web # from {frontend.exposure}" in text


def test_the_draft_asks_only_the_must_not_guess_questions_then_designs(
    findings: Findings,
) -> None:
    text = draft_spec(findings, name="microservices-demo", source="microservices-demo")
    tree = parse_document(text, "draft.yaml").tree
    assert questions(tree) == [
        "traffic",
        "availability.slo",
        "delivery.deploys_per_day",
        "team.size",
        "team.ops_experience",
    ]
    assert "# from kubernetes-manifests.yaml:" in text
    answer(
        tree,
        {
            ("traffic",): {"requests_per_second": 200},
            ("availability", "slo"): 99.9,
            ("delivery", "deploys_per_day"): 1,
            ("team", "size"): 6,
            ("team", "ops_experience"): "medium",
        },
    )
    design = designed(validated(tree, "draft.yaml"))
    assert {s.name for s in design.compute.services} == set(SERVICES)
    assert [(s.name, s.engine) for s in design.data.stores] == [("redis-cart", "redis")]


def test_terraform_aws_ecs_complete_loads_after_the_must_not_guess_questions_and_designs() -> None:
    findings = import_repository(ECS).findings
    assert findings.unread == ()
    text = draft_spec(findings, name="terraform-aws-ecs", source="terraform-aws-ecs")
    tree = parse_document(text, "draft.yaml").tree
    assert questions(tree) == MUST_NOT_GUESS
    assert "# from examples/complete/main.tf:69" in text  # the service's map entry
    assert tree["existing"]["compute"] == "ecs-fargate"
    answer(tree, ANSWERS)
    requirements = validated(tree, "draft.yaml")
    assert requirements.cloud.region == "eu-west-1"
    design = designed(requirements)
    assert {(s.name, s.type.value) for s in design.compute.services} == {
        ("ecsdemo-frontend", "web")
    }
    assert design.compute.services[0].public
