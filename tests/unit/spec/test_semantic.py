from __future__ import annotations

import pytest

from infra_architect.spec import cron_problem, find_cycle


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ("*/15 * * * *", None),
        ("0 3 * * 1-5", None),
        ("0 0 1 jan,jul *", None),
        ("30 2 * * sun", None),
        ("@daily", None),
        ("0 3 * *", "has 4 fields, a cron schedule has 5"),
        ("60 * * * *", "minute field '60' is outside 0-59"),
        ("* 24 * * *", "hour field '24' is outside 0-23"),
        ("* * 0 * *", "day of month field '0' is outside 1-31"),
        ("* * * 13 *", "month field '13' is outside 1-12"),
        ("* * * * 8", "day of week field '8' is outside 0-7"),
        ("*/0 * * * *", "minute field '*/0' has a step of 0"),
        ("* * * foo *", "month field 'foo' is outside 1-12"),
        ("a b c d e", "minute field 'a' is outside 0-59"),
        ("@every", "has 1 fields, a cron schedule has 5"),
    ],
)
def test_cron_problem(schedule: str, problem: str | None) -> None:
    assert cron_problem(schedule) == problem


def test_find_cycle_is_deterministic_and_complete() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) == []
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": ["y"], "y": ["y"]}) == ["y", "y"]
