"""The spike study runs its searches a chunk of alternatives at a time and keeps only the
shed totals: over every example, its results equal, bit for bit, those of the full
per-second simulation (``simulate(...).shed.sum(axis=2)``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from infra_architect.catalog import Catalog
from infra_architect.engine import derive_constraints
from infra_architect.engine.assess import tune_for_spike
from infra_architect.engine.choose._compute import choose_compute
from infra_architect.simulate import (
    Cluster,
    Scaler,
    Settings,
    SimService,
    Spike,
    shed_totals,
    simulate,
)
from infra_architect.spec import load_requirements
from tests.conftest import EXAMPLES


class FullSimulation:
    """The reference: every alternative's per-second series at once, summed. It also keeps
    each batch it was given, for the chunked run to be checked on the same input."""

    def __init__(self) -> None:
        self.searches: list[tuple[list[SimService], Scaler, Cluster, Spike, list[Settings]]] = []

    def __call__(
        self,
        services: list[SimService],
        scaler: Scaler,
        cluster: Cluster,
        spike: Spike,
        batch: list[Settings],
    ) -> NDArray[np.float64]:
        self.searches.append((services, scaler, cluster, spike, batch))
        return np.asarray(simulate(services, scaler, cluster, spike, batch).shed.sum(axis=2))


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_reduced_spike_study_equals_the_full_simulation(spec: Path, catalog: Catalog) -> None:
    req = load_requirements(spec, catalog.regions)
    constraints = derive_constraints(req, catalog)
    compute = choose_compute(req, constraints, catalog)
    full = FullSimulation()
    reference = tune_for_spike(req, constraints, catalog, compute, totals=full)
    reduced = tune_for_spike(req, constraints, catalog, compute)
    assert reduced == reference
    if reference.study is None:
        assert not full.searches  # nothing autoscales: nothing searched
        return
    assert full.searches, "the study searched no settings"
    for services, scaler, cluster, spike, batch in full.searches:
        expected = simulate(services, scaler, cluster, spike, batch).shed.sum(axis=2)
        # one alternative per chunk, and chunks that leave a remainder, as a large spec does
        for rows in (1, 3):
            chunked = shed_totals(
                services, scaler, cluster, spike, batch,
                chunk_cells=rows * len(services) * spike.horizon_seconds,
            )  # fmt: skip
            assert chunked.shape == expected.shape
            assert np.array_equal(chunked, expected), f"{rows} alternative(s) a chunk"
