"""New-account quotas a design outgrows are warned about at design time (issue 20 item 11)."""

from __future__ import annotations

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import design_system
from infra_architect.spec import load_requirements
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
