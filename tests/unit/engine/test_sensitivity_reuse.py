"""Pricing the assumptions re-prices each variant of the spec without simulating its
availability again: the topology candidates keep the spec's own Monte Carlo. On every
example that changes no bill (the variants move sizes, not the path's shape enough to
move a choice), and a candidate given as simulated is really taken, not re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import derive_constraints
from infra_architect.engine._sensitivity import _cpu, _fan_out, _messages, prod_bill
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_variants_priced_on_the_specs_simulation_equal_a_fresh_one(
    spec: Path, catalog: Catalog
) -> None:
    req = load_requirements(spec, catalog.regions)
    simulated = derive_constraints(req, catalog).topology.candidates
    variants = [
        vary
        for candidate in (_cpu(req, catalog), _fan_out(req), _messages(req))
        if candidate is not None
        for _, vary in candidate.variants
    ]
    for vary in variants:
        varied = vary(req)
        assert prod_bill(varied, catalog, simulated=simulated) == prod_bill(varied, catalog)


def test_a_candidate_given_as_simulated_keeps_its_results(catalog: Catalog) -> None:
    req = load_requirements(EXAMPLES[0], catalog.regions)
    fresh = derive_constraints(req, catalog).topology.candidates
    marked = [c.model_copy(update={"months_within_budget": 0.123456}) for c in fresh]
    reused = derive_constraints(req, catalog, simulated=marked).topology.candidates
    assert [c.months_within_budget for c in reused] == [0.123456] * len(fresh)
    assert [c.monthly_usd for c in reused] == [c.monthly_usd for c in fresh]  # re-priced
