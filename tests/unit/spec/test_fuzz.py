"""Mutated specs through the whole pipeline (issue 16): every outcome is a design, an
infeasible design or a located error (the CLI's exit 0, 1 or 2), never another exception.

The mutants come from ``tests/fuzz_mutators.py`` (shared with the long run in
``benchmarks/fuzz_spec.py``); hypothesis drives their ``random.Random``, so a failure
shrinks and replays. ``constraints`` is cheap and fuzzed broadly; ``design`` and the
renderers take 0.1-1 s a spec and see 100 mostly valid mutants (about 15 s).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz_mutators import EXIT_BAD_INPUT, mutate, run

rngs = st.randoms(use_true_random=False)
mutants = rngs.map(mutate)
odd_mutants = rngs.map(lambda rng: mutate(rng, breaking=False))
"""Mostly valid: hypothesis draws small numbers, so an even mix would reach the design
stage rarely."""


@given(mutants)
def test_constraints_never_crash(mutant) -> None:
    outcome = run(mutant.text, design=False)
    assert not outcome.internal, f"{outcome.error}\n{mutant.describe()}\n{mutant.text}"
    if outcome.stage == "load":  # a pinned decision's error is located by the CLI
        assert outcome.error.startswith("fuzz.yaml"), outcome.error
        assert "fix:" in outcome.error, outcome.error


@pytest.mark.slow
@settings(max_examples=100)
@given(odd_mutants)
def test_design_never_crashes_and_agrees_with_constraints(mutant) -> None:
    outcome = run(mutant.text, design=True)
    assert not outcome.internal, f"{outcome.error}\n{mutant.describe()}\n{mutant.text}"
    # what design refuses, constraints refused too or said it would not check
    assert not outcome.unexplained, f"{outcome}\n{mutant.describe()}"
    if outcome.constraints_exit == EXIT_BAD_INPUT:
        assert outcome.design_exit == EXIT_BAD_INPUT


def test_the_mutators_reach_every_outcome() -> None:
    """A fuzz test whose mutants are all rejected by the loader tests nothing else."""
    rngs = (random.Random(f"reach:{i}") for i in range(60))  # noqa: S311  (reproducible)
    seen = {run(mutate(rng).text, design=False).constraints_exit for rng in rngs}
    assert seen == {0, 1, 2}, seen
