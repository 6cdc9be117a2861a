"""Paths of one design begin alike, so the Monte Carlo takes a component's timeline from a
memo when the same draws came before it. A sample answered partly from the memo equals the
same sample drawn afresh, bit for bit."""

from __future__ import annotations

import pytest

import infra_architect.simulate._availability as availability
from infra_architect.simulate import Component, parallel, series


def _path(service: str, *, with_db: bool) -> object:
    replicas = [
        Component(name=f"{service}-{r}", incidents_per_year=2, repair_minutes=2) for r in range(3)
    ]
    parts: list[object] = [
        Component(name="region", incidents_per_year=0.5, repair_minutes=360, cap_minutes=60),
        Component(name="alb", incidents_per_year=0.5, repair_minutes=30),
        parallel(service, *replicas),
    ]
    if with_db:
        parts.append(Component(name="db", incidents_per_year=4, repair_minutes=2))
    return series(f"path-{service}", *parts)  # type: ignore[arg-type]


def _fresh(node: object) -> availability.MonteCarlo:
    availability._timelines.clear()
    availability._timeline_bytes[0] = 0
    return availability._sample(node, 10_000, 7, 43.2, availability.MONTH_MINUTES)  # type: ignore[arg-type]


@pytest.mark.parametrize("first_with_db", [False, True], ids=["prefix", "whole-path"])
def test_a_sample_taken_partly_from_the_memo_equals_one_drawn_afresh(first_with_db: bool) -> None:
    later = _path("checkout", with_db=True)
    expected = _fresh(later)
    _fresh(_path("catalog", with_db=first_with_db))  # the same draws, other names
    held = len(availability._timelines)
    found = availability._sample(later, 10_000, 7, 43.2, availability.MONTH_MINUTES)  # type: ignore[arg-type]
    assert found == expected
    # the later path drew only what the first did not: the memo answered the rest
    assert len(availability._timelines) == held + (0 if first_with_db else 1)
