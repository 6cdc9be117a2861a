"""The bundled example's constraints against arithmetic done by hand.

E-commerce: 10,000 concurrent users x 6 requests/min, 3x peak, 10x spike, growing to
100,000 users in 6 months, 99.9% SLO, us-east-1 (6 AZs), policy target utilisation 0.6.
"""

from __future__ import annotations

import math

import pytest

from infra_architect.engine import Constraints, derive_constraints
from infra_architect.spec import load_requirements
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def shop(catalog) -> Constraints:
    spec = load_requirements(ROOT / "examples" / "ecommerce.yaml", catalog.regions)
    return derive_constraints(spec, catalog)


def test_error_budget(shop: Constraints) -> None:
    assert shop.error_budget.per_30_days.value == pytest.approx(43.2)  # 0.001 x 30 x 1440
    assert shop.error_budget.per_year.value == pytest.approx(525.6)  # 0.001 x 365 x 1440
    assert shop.error_budget.per_deploy is not None
    assert shop.error_budget.per_deploy.value == pytest.approx(43.2 / (4 * 30))
    assert shop.error_budget.per_30_days.worked == "(100 - 99.9) / 100 × 30 × 1440 = 43.2"


def test_request_rates(shop: Constraints) -> None:
    t = shop.traffic
    assert t.average_rps.value == 1000  # 10,000 x 6 / 60
    assert t.peak_rps.value == 3000  # x 3
    assert t.spike_rps.value == 10_000  # x 10
    assert t.growth_average_rps.value == 10_000  # 100,000 x 6 / 60
    assert t.growth_peak_rps.value == 30_000
    assert t.monthly_growth_rate is not None
    assert t.monthly_growth_rate.value == pytest.approx((10 ** (1 / 6) - 1) * 100, abs=1e-4)


# name: (requests per system request, cpu ms, vCPU per replica)
HAND = {
    "storefront": (1.0, 25, 0.5),
    "catalog": (1.0, 8, 0.5),  # storefront calls it once per request
    "search": (0.3, 12, 0.5),
    "cart": (0.2, 6, 0.5),
    "checkout": (0.05, 40, 0.5),
    "payments": (0.05, 30, 0.5),  # checkout calls it once per request
    "fulfilment": (0.05, 120, 0.5),  # an order event a checkout; no runtime stated: 0.5 vCPU
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_replicas_by_hand(shop: Constraints, name: str) -> None:
    factor, cpu_ms, vcpu = HAND[name]
    s = shop.service(name)
    per_replica = vcpu * 1000 / cpu_ms * 0.6
    assert s.load_factor.value == pytest.approx(factor)
    assert s.load_per_replica.value == pytest.approx(per_replica)
    average, peak = 1000 * factor, 3000 * factor
    spike, growth_peak = 10_000 * factor, 30_000 * factor
    assert s.replicas_average.value == math.ceil(average / per_replica - 1e-9)
    assert s.replicas_peak.value == math.ceil(peak / per_replica - 1e-9)
    floor = 3 if s.type.serves_requests else 2  # one per AZ (3); workers keep two
    assert s.availability_floor.value == floor
    minimum = max(floor, math.ceil(average / per_replica - 1e-9))
    maximum = max(
        minimum, math.ceil(spike / per_replica - 1e-9), math.ceil(growth_peak / per_replica - 1e-9)
    )
    assert s.min_replicas.value == minimum
    assert s.max_replicas.value == maximum
    assert s.replicas_to_survive_az_loss is not None
    assert s.replicas_to_survive_az_loss.value == math.ceil(s.replicas_peak.value * 3 / 2)


def test_storefront_figures_spelled_out(shop: Constraints) -> None:
    s = shop.service("storefront")
    assert s.load_per_replica.value == 12  # 0.5 vCPU x 1000 / 25 ms x 0.6
    assert s.min_replicas.value == 84  # ceil(1000 / 12)
    assert s.replicas_peak.value == 250  # 3000 / 12
    assert s.max_replicas.value == 2500  # growth peak 30,000 / 12
    assert s.replicas_to_survive_az_loss is not None
    assert s.replicas_to_survive_az_loss.value == 375  # 250 x 3 / 2
    assert s.min_replicas.worked == "max(3, 84) = 84"


def test_cron_is_not_sized_for_requests(shop: Constraints) -> None:
    cron = shop.service("sitemap")
    assert (cron.min_replicas.value, cron.max_replicas.value) == (0, 1)


def test_topology_recovery_team(shop: Constraints) -> None:
    assert shop.topology.availability_zones.value == 3
    assert shop.topology.regions == 1
    # RPO 15 min: an asynchronous replica; RTO 60 min: a pilot light (backup copies would
    # take 2 h to restore)
    assert (shop.recovery.data_replication, shop.recovery.standby_compute) == (
        "async-replica",
        "pilot-light",
    )
    assert shop.recovery.needs_second_region
    assert shop.complexity.compute_ceiling == "kubernetes"
    assert shop.feasible
    # RTO 60 min > 43.2 min of monthly budget: a note, not a warning
    assert [(c.id, c.severity.value) for c in shop.conflicts] == [
        ("rto-exceeds-error-budget", "info")
    ]


def test_cost_floor_by_hand(shop: Constraints) -> None:
    hours = 730
    vcpu = sum(s.vcpu_min.value for s in shop.services)
    gib = sum(s.memory_gb_min.value for s in shop.services)
    nat = 3 * 0.045 * hours
    alb = 0.0225 * hours
    compute = (vcpu * 0.04048 + gib * 0.004445) * hours
    postgres = 2 * (2 * 0.016 * hours) + (200 + 50) * 2 * 0.115
    redis = 2 * (2 * 0.016 * hours)
    opensearch = 2 * 0.036 * hours + 40 * 2 * 0.08
    s3 = 500 * 0.023
    data = postgres + redis + opensearch + s3
    # the recovery region as the design runs it: a pilot light's network and load
    # balancer, a single-AZ db.t4g.micro replica of each database, a replica bucket
    pilot_light = nat + alb + 2 * (0.016 * hours) + (200 + 50) * 0.115 + s3
    expected = nat + alb + compute + data + pilot_light
    assert shop.cost_floor.total_monthly_usd.value == pytest.approx(expected, rel=1e-9)
