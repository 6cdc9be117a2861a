"""The recovery-region part of the Terraform: built in prod for exactly the stores the
design copies, never in staging, on a network that cannot overlap the primary's."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.engine._design_model import EnvironmentSizing
from infra_architect.render._terraform import render_terraform
from infra_architect.render._tf_common import recovered_stores
from infra_architect.render._tf_network import _recovery_network
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES

ENV = "infra/terraform/environments"


@pytest.fixture(scope="module")
def designs() -> dict[Path, Design]:
    catalog = load_catalog()
    return {
        spec: design_system(load_requirements(spec, catalog.regions), catalog) for spec in EXAMPLES
    }


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def design(request: pytest.FixtureRequest, designs: dict[Path, Design]) -> Design:
    spec: Path = request.param
    return designs[spec]


def _env(design: Design, name: str) -> EnvironmentSizing:
    return next(e for e in design.environments if e.name == name)


def test_staging_builds_nothing_in_the_recovery_region(design: Design) -> None:
    files = render_terraform(design)
    staging = files[f"{ENV}/staging/main.tf"]
    assert "aws.recovery" not in staging
    assert "recovery_region" not in files[f"{ENV}/staging/variables.tf"]
    assert recovered_stores(design, _env(design, "staging")) == []


def test_prod_copies_exactly_the_stores_the_design_copies(design: Design) -> None:
    prod_env = _env(design, "prod")
    copied = recovered_stores(design, prod_env)
    expected = [
        s.name
        for s in design.data.stores
        if s.recovery
        in ("read-replica", "global-database", "backup-replication", "bucket-replication")
    ]
    assert [s.name for s in copied] == expected
    main = render_terraform(design)[f"{ENV}/prod/main.tf"]
    assert bool(re.search(r'alias\s+= "recovery"', main)) == bool(expected)
    for store in copied:
        if store.recovery == "backup-replication":
            assert "aws_db_instance_automated_backups_replication" in main
        else:
            assert f'_{store.name.replace("-", "_")}_recovery"' in main
    # a replica (RDS read replica, Aurora Global Database secondary) lives in a VPC there
    assert ('module "vpc_recovery"' in main) == any(
        s.recovery in ("read-replica", "global-database") for s in copied
    )


def test_every_example_exercises_a_recovery_mechanism(designs: dict[Path, Design]) -> None:
    """Guard for the tests above: the examples between them cover all three."""
    seen = {s.recovery for design in designs.values() for s in design.data.stores}
    assert {"read-replica", "backup-replication"} <= seen
    assert "bucket-replication" in seen


def test_recovery_network_does_not_overlap_the_primary(design: Design) -> None:
    cidr, tiers, azs = _recovery_network(design)
    primary = ipaddress.ip_network(design.network.vpc_cidr)
    recovery = ipaddress.ip_network(cidr)
    assert not primary.overlaps(recovery)
    assert recovery.prefixlen == primary.prefixlen
    subnets = [ipaddress.ip_network(c) for cidrs in tiers.values() for c in cidrs]
    assert all(s.subnet_of(recovery) for s in subnets)
    assert len(subnets) == len(design.network.subnets)
    assert all(az.startswith(design.data.recovery_region) for az in azs)
    assert len(azs) == len({s.availability_zone for s in design.network.subnets})
