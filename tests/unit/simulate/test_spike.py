"""The spike simulation against arithmetic done here, independently of it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infra_architect.simulate import (
    Cluster,
    Scaler,
    Settings,
    SimService,
    Spike,
    bad_rollout,
    minimum_settings,
    outcomes,
    simulate,
    spike_need,
)

HPA = Scaler(
    kind="hpa", sync_seconds=15, metric_delay_seconds=15, tolerance=0.1, up_percent=100,
    up_pods=4, down_stabilisation_seconds=300, down_percent=10, pod_start_seconds=30,
    node_provision_seconds=180,
)  # fmt: skip
STEP = Spike(shape="step", multiplier=10, start_seconds=60, hold_seconds=1200,
             horizon_seconds=1800)  # fmt: skip
BUDGET = 1000 * 2_592_000 * 0.001


def _service(minimum: int, maximum: int, **extra: object) -> SimService:
    fields: dict[str, object] = {
        "name": "web", "baseline": 1000.0, "capacity_per_replica": 20.0, "target": 0.6,
        "saturates": True, "min_replicas": minimum, "max_replicas": maximum,
        "node_share": 0.5 / 12.8, "queued": False, "monthly_budget": BUDGET,
    }  # fmt: skip
    fields.update(extra)
    return SimService(**fields)  # type: ignore[arg-type]


def _outcome(service: SimService, cluster: Cluster, spike: Spike = STEP) -> tuple[object, object]:
    run = simulate([service], HPA, cluster, spike)
    settings = Settings(min_replicas=[service.min_replicas], max_replicas=[service.max_replicas],
                        buffer_nodes=cluster.buffer_nodes)  # fmt: skip
    return run, outcomes(run, [service], spike, settings)[0]


def test_enough_min_replicas_and_buffer_shed_nothing() -> None:
    need = math.ceil(1000 * 10 / 20)  # 500 replicas serve 10,000/s at 100 % CPU
    service = _service(need, 2000)
    run, found = _outcome(service, Cluster(nodes=9, max_nodes=200, buffer_nodes=6))
    assert found.shed == 0  # type: ignore[attr-defined]
    assert found.seconds_to_capacity == 0  # type: ignore[attr-defined]
    # one replica fewer than the need sheds from the first second of the spike
    _, short = _outcome(_service(need - 1, 2000), Cluster(nodes=9, max_nodes=200))
    assert short.shed > 0  # type: ignore[attr-defined]
    assert spike_need(service, 10) == need
    # ... and the scaler still grows to the spike at target utilisation
    assert int(run.ready[0, 0].max()) == math.ceil(10_000 / (20 * 0.6))  # type: ignore[attr-defined]


@pytest.mark.parametrize("maximum", [100, 250, 499])
def test_max_replicas_below_the_spike_shed_what_the_arithmetic_predicts(maximum: int) -> None:
    """Pinned at max replicas (min = max), capacity is max × 20/s for the whole spike:
    shed = (10,000 − max × 20) × hold seconds, exactly."""
    _, found = _outcome(_service(maximum, maximum), Cluster(nodes=200, max_nodes=200))
    expected = (10_000 - maximum * 20) * STEP.hold_seconds
    assert found.shed == pytest.approx(expected, rel=1e-12)  # type: ignore[attr-defined]
    assert found.budget_share == pytest.approx(expected / BUDGET)  # type: ignore[attr-defined]
    assert found.seconds_to_capacity is None  # type: ignore[attr-defined]


def test_a_ramp_sheds_the_integral_over_capacity() -> None:
    ramp = STEP.model_copy(update={"shape": "ramp", "ramp_seconds": 600})
    maximum = 300  # 6,000/s: the ramp crosses it 60 % of the way up
    _, found = _outcome(_service(maximum, maximum), Cluster(nodes=200, max_nodes=200), ramp)
    expected = 0.0
    for second in range(ramp.horizon_seconds):
        rise = min(max((second - 60 + 1) / 600, 0.0), 1.0)
        if second >= 60 + 600 + 1200:
            rise = 0.0
        expected += max(0.0, 1000 * (1 + 9 * rise) - maximum * 20)
    assert found.shed == pytest.approx(expected, rel=1e-9)  # type: ignore[attr-defined]


def test_the_hpa_follows_its_algorithm_second_by_second() -> None:
    """84 replicas at 1,000/s; the step at 60 s saturates CPU (100 %). The HPA reads the
    15 s old metric, so at the 75 s sync it asks for ceil(84 × 1.0 / 0.6) = 140, limited
    by max(2 × 84, 84 + 4) = 168; the 56 new pods fit on the nodes' spare room and are
    ready at 75 + 30 = 105 s."""
    service = _service(84, 834)
    run, _ = _outcome(service, Cluster(nodes=9, max_nodes=186))
    desired = run.desired[0, 0]  # type: ignore[attr-defined]
    ready = run.ready[0, 0]  # type: ignore[attr-defined]
    assert desired[74] == 84
    assert desired[75] == 140
    assert ready[104] == 84
    assert ready[105] == 140
    capacity = run.capacity[0, 0]  # type: ignore[attr-defined]
    np.testing.assert_array_equal(capacity, ready * 20.0)
    assert float(run.shed[0, 0, 60]) == 10_000 - 84 * 20  # type: ignore[attr-defined]


def test_queued_load_waits_instead_of_failing() -> None:
    service = _service(60, 60, queued=True, saturates=False)
    run, found = _outcome(service, Cluster(nodes=200, max_nodes=200))
    assert found.shed == 0  # type: ignore[attr-defined]
    # 10,000/s arriving, 1,200/s served, for 1,200 s: the backlog peaks at 8,800 x 1,200,
    # then drains at 200/s (1,200 served, 1,000 arriving)
    assert found.max_backlog == pytest.approx(8_800 * 1200)  # type: ignore[attr-defined]
    backlog = run.backlog[0, 0]  # type: ignore[attr-defined]
    assert backlog[1260 + 100] == pytest.approx(8_800 * 1200 - 200 * 101)


def test_minimum_settings_are_the_least_on_the_grid_that_fit() -> None:
    service = _service(84, 834)
    tuned = minimum_settings([service], HPA, Cluster(nodes=9, max_nodes=186), STEP, 0.25,
                             [0.5], 16.0, 3)  # fmt: skip
    assert tuned.within
    assert tuned.outcomes[0].budget_share <= 0.25
    chosen = tuned.settings.min_replicas[0]
    assert chosen > 84
    lower = service.model_copy(update={"min_replicas": chosen - max(1, chosen // 10)})
    _, found = _outcome(lower, Cluster(nodes=9, max_nodes=186,
                                       buffer_nodes=tuned.settings.buffer_nodes))  # fmt: skip
    assert found.budget_share > 0.25 - 0.05  # type: ignore[attr-defined]


def test_bad_rollouts_fail_what_exposure_times_time_predicts() -> None:
    load, budget = 3000.0, BUDGET
    kwargs = {"pod_start_seconds": 30, "batches": 4, "detect_seconds": 120.0,
              "shift_seconds": 10.0, "canary_weight": 0.05}  # fmt: skip
    canary = bad_rollout("canary", load, budget, **kwargs)  # type: ignore[arg-type]
    assert canary.failed == pytest.approx(load * 0.05 * 130)
    blue_green = bad_rollout("blue-green", load, budget, **kwargs)  # type: ignore[arg-type]
    assert blue_green.failed == pytest.approx(load * 130)
    rolling = bad_rollout("rolling", load, budget, **kwargs)  # type: ignore[arg-type]
    # up 25 % a pod start (30 s at each of 25/50/75 %, then 100 % from 90 s to 120 s),
    # back down a batch per pod start: 100/75/50/25 % for 30 s each
    rising = 30 * (0.25 + 0.5 + 0.75) + 30 * 1.0
    falling = 30 * (1.0 + 0.75 + 0.5 + 0.25)
    assert rolling.failed == pytest.approx(load * (rising + falling))
    assert rolling.seconds_to_recover == 240


def test_short_node_room_is_shared_whatever_order_the_services_are_listed_in() -> None:
    # two services ask for more pods than the cluster may ever hold: the room is shared
    # in proportion to what each asks, not given first to the one listed first
    web = _service(10, 400, name="web")
    api = _service(10, 400, name="api", baseline=500.0)
    cluster = Cluster(nodes=1, max_nodes=12)
    forward = simulate([web, api], HPA, cluster, STEP)
    backward = simulate([api, web], HPA, cluster, STEP)
    assert np.array_equal(forward.ready[0, 0], backward.ready[0, 1])
    assert np.array_equal(forward.ready[0, 1], backward.ready[0, 0])
    # the cluster is full and both services grew: neither was starved by the other
    peak = forward.ready[0].max(axis=1)
    assert (forward.ready[0, :, -1] * web.node_share).sum() <= 12 + 1e-9
    assert peak[0] > 40
    assert peak[1] > 40
