"""Each service's release mechanism, set once by the delivery chooser."""

from __future__ import annotations

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import design_system
from infra_architect.engine._design_model import ReleaseMechanism
from infra_architect.errors import DesignLookupError, InfraArchitectError
from infra_architect.spec import load_requirements
from tests.conftest import ROOT


def test_an_ecs_worker_rolls_while_its_load_balanced_peers_take_the_canary(
    catalog: Catalog,
) -> None:
    req = load_requirements(ROOT / "examples" / "saas-team.yaml", catalog.regions)
    delivery = design_system(req, catalog).delivery
    assert delivery.strategy == "canary"
    assert delivery.release("api") is ReleaseMechanism.CODEDEPLOY_CANARY
    assert delivery.release("jobs-worker") is ReleaseMechanism.ECS_ROLLING
    assert delivery.release("billing-run") is ReleaseMechanism.ECS_SCHEDULED_TASK
    assert "jobs-worker" in delivery.decision.why


def test_an_unknown_service_is_a_clear_error(catalog: Catalog) -> None:
    req = load_requirements(ROOT / "examples" / "saas-team.yaml", catalog.regions)
    delivery = design_system(req, catalog).delivery
    with pytest.raises(DesignLookupError, match="no service release named 'nope'") as raised:
        delivery.release("nope")
    assert isinstance(raised.value, InfraArchitectError)
