"""Figures the renderers print are decided in the engine (issue 19): the ALB's listener
routes, the burn-rate windows CloudWatch can watch, a standby broker's volume, the canary
analysis timings and the settings every Kubernetes manifest carries, each from catalog data."""

from __future__ import annotations

import math

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import Design, design_system
from infra_architect.engine._design_model import Flow
from infra_architect.engine.choose._network import listener_routes
from infra_architect.engine.choose._operate import window_seconds
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def designs(catalog: Catalog) -> dict[str, Design]:
    return {
        spec.stem: design_system(load_requirements(spec, catalog.regions), catalog)
        for spec in EXAMPLES
    }


def test_windows_parse_to_seconds() -> None:
    assert [window_seconds(w) for w in ("5m", "1h", "3d")] == [300, 3600, 259_200]


def test_a_burn_rate_window_longer_than_a_day_is_watched_as_one_day(
    designs: dict[str, Design], catalog: Catalog
) -> None:
    cap = catalog.design.cloudwatch_max_period_seconds
    for design in designs.values():
        for alert in design.observability.alerts:
            watched = alert.cloudwatch_long_window_seconds.value
            assert watched == min(alert.long_window_seconds, cap)
            assert alert.cloudwatch_capped == (alert.long_window_seconds > cap)
    ticket = next(
        a for a in next(iter(designs.values())).observability.alerts if a.long_window == "3d"
    )
    assert ticket.cloudwatch_capped
    assert ticket.cloudwatch_long_window_seconds.value == cap


def test_listener_routes_default_to_the_web_service_and_number_the_rest(
    designs: dict[str, Design],
) -> None:
    design = next(d for d in designs.values() if len(d.network.routes) > 1)
    step = 7
    routes = listener_routes(design.compute, design.network.flows, "alb", step)
    default = [r for r in routes if r.priority is None]
    assert len(default) == 1
    assert [r.priority for r in routes if r.priority is not None] == [
        step * (i + 1) for i in range(len(routes) - 1)
    ]
    assert all(
        r.path_patterns == [f"/{r.service}", f"/{r.service}/*"] for r in routes if r.priority
    )
    # No load balancer in front: no routes.
    assert (
        listener_routes(
            design.compute, [Flow(source="alb", target="x", port=1, why="")], "none", step
        )
        == []
    )


def test_a_standby_broker_keeps_prods_volume_at_the_standby_share(
    designs: dict[str, Design],
) -> None:
    standbys = [
        (d, e.standby)
        for d in designs.values()
        for e in d.environments
        if e.standby is not None and e.standby.brokers
    ]
    assert standbys, "an example runs a standby MSK cluster"
    for design, standby in standbys:
        for queue in standby.brokers:
            sizing = next(q.sizing for q in design.data.queues if q.name == queue)
            assert sizing is not None
            expected = max(
                1, math.ceil(sizing.storage_gb_per_broker * standby.broker_storage_share)
            )
            assert standby.broker_volumes_gb[queue] == expected


def test_kubernetes_designs_carry_their_manifest_settings(
    designs: dict[str, Design], catalog: Catalog
) -> None:
    k8s = catalog.design.kubernetes_manifests
    for design in designs.values():
        manifests = design.compute.manifests
        if not design.compute.platform.startswith("eks"):
            assert manifests is None
            continue
        assert manifests is not None
        assert manifests.run_as_user == k8s.run_as_user
        assert manifests.cronjob.backoff_limit == k8s.cronjob.backoff_limit
        delivery = design.delivery
        assert delivery.analysis_pause_seconds.value == (
            delivery.analysis_interval_seconds * delivery.analysis_failure_limit
        )
        assert delivery.analysis_window_seconds.value == (
            delivery.analysis_interval_seconds * k8s.analysis_window_intervals
        )
        assert delivery.argo_failure_limit == delivery.analysis_failure_limit - 1


def test_environments_take_their_recovery_window_from_the_catalog(
    designs: dict[str, Design], catalog: Catalog
) -> None:
    windows = catalog.design.recovery_window_days
    for design in designs.values():
        for env in design.environments:
            key = "protected" if env.deletion_protection else "unprotected"
            assert env.recovery_window_days == windows[key]
