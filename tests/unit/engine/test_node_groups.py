"""EKS node groups stay within the per-group quota (EKS: 450 nodes per managed node
group, https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.engine.choose._addons import size_node_groups, split_node_groups
from infra_architect.errors import UnbuildableDesignError
from infra_architect.spec import ComputeChoice, load_requirements
from tests.conftest import EXAMPLES

QUOTA = load_catalog().cluster_addons.managed_node_group_max_nodes
GROUPS = load_catalog().limits.quota("eks-managed-node-groups-per-cluster").default or 0


def test_the_quota_is_the_documented_default() -> None:
    assert QUOTA == 450
    assert GROUPS == 30


@given(
    st.integers(min_value=1, max_value=30 * 450).flatmap(
        lambda high: st.tuples(st.integers(min_value=0, max_value=high), st.just(high))
    )
)
def test_groups_hold_the_pool_within_the_quota(bounds: tuple[int, int]) -> None:
    low, high = bounds
    groups = split_node_groups(low, high, QUOTA, max_groups=GROUPS)
    assert all(g.max_size <= QUOTA for g in groups)
    assert all(0 <= g.min_size <= g.desired_size <= g.max_size for g in groups)
    assert sum(g.min_size for g in groups) == low
    assert sum(g.max_size for g in groups) == high
    # The fewest groups that fit, alike within one node (Cluster Autoscaler balances them).
    assert len(groups) == max(1, -(-high // QUOTA))
    assert max(g.max_size for g in groups) - min(g.max_size for g in groups) <= 1
    assert len({g.name for g in groups}) == len(groups)


@pytest.mark.parametrize("high", [GROUPS * QUOTA + 1, 10**40], ids=["one-node-over", "1e40"])
def test_a_pool_past_one_cluster_is_refused_before_any_group_is_made(high: int) -> None:
    """The group count comes from a load: 1e40 nodes must not become a list of 2e37."""
    with pytest.raises(UnbuildableDesignError, match=r"a cluster holds 30"):
        split_node_groups(0, high, QUOTA, max_groups=GROUPS)


@pytest.mark.parametrize("platform", [ComputeChoice.EKS, ComputeChoice.EKS_KARPENTER])
def test_environment_groups_stop_at_what_one_cluster_holds(platform: ComputeChoice) -> None:
    groups, _ = size_node_groups(load_catalog(), platform, 16.0, 10**39, 10**40)
    assert len(groups) == GROUPS
    assert all(g.max_size == QUOTA for g in groups)


def test_karpenter_groups_hold_the_baseline_and_karpenter_the_rest() -> None:
    groups, cpu = size_node_groups(load_catalog(), ComputeChoice.EKS_KARPENTER, 4.0, 9, 63)
    assert [(g.min_size, g.max_size) for g in groups] == [(9, 9)]
    assert groups[0].labels == {"karpenter.sh/controller": "true"}
    assert cpu == (63 - 9) * 4


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_no_example_designs_a_group_above_the_quota(spec: object) -> None:
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)  # type: ignore[arg-type]
    for env in design.environments:
        if env.node_max is None:
            assert env.node_groups == []
            continue
        assert env.node_groups, env.name
        assert all(g.max_size <= QUOTA for g in env.node_groups), env.name
        if design.compute.platform is ComputeChoice.EKS:
            assert sum(g.max_size for g in env.node_groups) == env.node_max
