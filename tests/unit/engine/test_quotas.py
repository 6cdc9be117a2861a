"""New-account quotas a design outgrows are warned about at design time (issue 20 item 11)."""

from __future__ import annotations

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import design_system
from infra_architect.spec import load_requirements, parse_document, validate_document
from tests.conftest import EXAMPLES, ROOT


def test_a_node_group_over_the_eks_default_is_a_warning_with_the_increase_command(
    catalog: Catalog,
) -> None:
    """ecommerce prod scales its one managed node group to 741 nodes; EKS allows 450 per
    group by default (L-BD136A63), so CreateNodegroup would fail at apply."""
    req = load_requirements(ROOT / "examples" / "ecommerce.yaml", catalog.regions)
    design = design_system(req, catalog)
    warned = [c for c in design.conflicts if c.id == "quota-eks-nodes-per-managed-node-group"]
    assert [c.severity.value for c in warned] == ["warning"]
    assert "741" in warned[0].title
    assert "450" in warned[0].title
    assert "request-service-quota-increase --service-code eks --quota-code L-BD136A63" in (
        warned[0].fix
    )


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_design_names_the_compute_quota_it_needs(catalog: Catalog, spec) -> None:
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    quotas = {c.id for c in design.conflicts if c.id.startswith("quota-")}
    expected = (
        "quota-ec2-on-demand-standard-vcpu"
        if design.compute.platform.kubernetes
        else "quota-fargate-on-demand-vcpu"
    )
    assert expected in quotas


def test_a_pool_past_one_cluster_is_an_error_and_the_groups_stop_at_the_cluster(
    catalog: Catalog,
) -> None:
    """A valid spec whose load needs ~37 million nodes (10 million requests/s at a
    minute of CPU each): the node groups stop at 30 (EKS "Managed node groups per
    cluster", L-6D54EA21) and the design says so, instead of allocating a group per
    450 nodes (that list was the MemoryError)."""
    text = (
        "apiVersion: infra-architect/v1\nkind: Requirements\nmetadata: {name: huge}\n"
        "system:\n  services:\n"
        "    - {name: front, type: api, runtime: go, public: true, cpu_ms_per_request: 60000}\n"
        "traffic: {requests_per_second: 10000000}\navailability: {slo: 99.9}\n"
        "delivery: {deploys_per_day: 5}\n"
        "team: {size: 6, ops_experience: high, kubernetes_experience: high}\n"
        "decisions: {compute: eks}\n"
    )
    req = validate_document(parse_document(text, "huge.yaml"), catalog.regions)
    design = design_system(req, catalog)
    prod = next(e for e in design.environments if e.name == "prod")
    assert prod.node_max is not None
    assert prod.node_max > 30 * 450
    assert len(prod.node_groups) == 30
    [conflict] = [c for c in design.conflicts if c.id == "node-groups-beyond-one-cluster"]
    assert conflict.severity.value == "error"
    assert "one EKS cluster holds 30" in conflict.title
    assert "L-6D54EA21" in conflict.title
    assert not design.feasible
