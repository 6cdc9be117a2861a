"""Each service's release mechanism, set once by the delivery chooser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infra_architect.catalog import Catalog, load_catalog
from infra_architect.engine import design_system
from infra_architect.engine._design_model import ReleaseMechanism
from infra_architect.errors import DesignLookupError, InfraArchitectError
from infra_architect.spec import load_requirements, parse_document, validate_document
from tests.conftest import ROOT


def test_an_ecs_worker_rolls_while_its_load_balanced_peer_takes_the_canary(
    catalog: Catalog,
) -> None:
    req = load_requirements(ROOT / "examples" / "streaming-ingest.yaml", catalog.regions)
    delivery = design_system(req, catalog).delivery
    assert delivery.strategy == "canary"
    assert delivery.release("ingest") is ReleaseMechanism.CODEDEPLOY_CANARY
    assert delivery.release("writer") is ReleaseMechanism.ECS_ROLLING
    assert "writer" in delivery.decision.why


def test_services_in_the_service_connect_mesh_roll(catalog: Catalog) -> None:
    """saas-team's app calls api over Service Connect: neither can be a CodeDeploy canary
    (AWS supports Service Connect only with rolling deployments), so nothing is left to
    shift and the design rolls, says why, and warns that rolling is over the budget."""
    req = load_requirements(ROOT / "examples" / "saas-team.yaml", catalog.regions)
    design = design_system(req, catalog)
    delivery = design.delivery
    assert delivery.strategy == "rolling"
    assert delivery.service_connect_rolling == ["api", "app"]
    for name in ("app", "api", "jobs-worker"):
        release = next(r for r in delivery.releases if r.service == name)
        assert release.mechanism is ReleaseMechanism.ECS_ROLLING
        assert release.service_connect
    assert "Service Connect" in delivery.decision.why
    decision = delivery.release_decision
    assert decision is not None
    assert decision in design.decisions
    assert "api, app" in decision.selected
    assert "service-connect-rolls-over-budget" in {c.id for c in design.conflicts}
    assert "deploy-burn-over-budget" not in {c.id for c in design.conflicts}


_MESH = """\
apiVersion: infra-architect/v1
kind: Requirements
metadata: {name: mesh}
system:
  services:
%s
  datastores:
    - {name: db, engine: postgres}
traffic: {requests_per_second: 100}
availability: {slo: 99.9}
delivery: {deploys_per_day: 4}
team: {size: 6, ops_experience: medium}
decisions: {compute: ecs-fargate, deployment: %s}
"""


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.booleans(), min_size=2, max_size=4),
    st.sets(st.tuples(st.integers(0, 3), st.integers(0, 3))),
    st.sampled_from(["canary", "blue-green"]),
)
def test_no_ecs_service_is_both_codedeploy_and_service_connect(
    public: list[bool], edges: set[tuple[int, int]], strategy: str
) -> None:
    """Over call graphs (acyclic: the spec refuses cycles) and public flags: a CodeDeploy
    service neither joins Service Connect nor calls or is called by another service."""
    names = [f"svc{i}" for i in range(len(public))]
    calls = {
        n: sorted({names[b] for a, b in edges if a == i and i < b < len(names)})
        for i, n in enumerate(names)
    }
    lines = "\n".join(
        f"    - {{name: {n}, type: api, public: {str(p).lower()}, calls: [{', '.join(calls[n])}],"
        " uses: [db]}"
        for n, p in zip(names, public, strict=True)
    )
    catalog = load_catalog()
    req = validate_document(parse_document(_MESH % (lines, strategy), "m.yaml"), catalog.regions)
    delivery = design_system(req, catalog).delivery
    meshed = {n for n in names if calls[n]} | {c for n in names for c in calls[n]}
    for release in delivery.releases:
        if release.mechanism.codedeploy_ecs:
            assert not release.service_connect
            assert release.service not in meshed


def test_an_unknown_service_is_a_clear_error(catalog: Catalog) -> None:
    req = load_requirements(ROOT / "examples" / "saas-team.yaml", catalog.regions)
    delivery = design_system(req, catalog).delivery
    with pytest.raises(DesignLookupError, match="no service release named 'nope'") as raised:
        delivery.release("nope")
    assert isinstance(raised.value, InfraArchitectError)
