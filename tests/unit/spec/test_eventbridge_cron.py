"""Schedules as EventBridge reads them: its day-of-week numbers start at 1 (Sunday), cron's
at 0 (Sunday, 7 too), so numbers are spelled as names; `?` in the unrestricted day field."""

from __future__ import annotations

import pytest

from infra_architect.spec._semantic import cron_problem, cron_runs_per_month, eventbridge_cron


@pytest.mark.parametrize(
    ("cron", "eventbridge"),
    [
        ("*/15 * * * *", "*/15 * * * ? *"),
        ("0 3 * * 1-5", "0 3 ? * MON-FRI *"),
        ("0 3 * * 0", "0 3 ? * SUN *"),
        ("0 3 * * 7", "0 3 ? * SUN *"),
        ("0 3 * * 1,3,5", "0 3 ? * MON,WED,FRI *"),
        ("0 3 * * 5-7", "0 3 ? * SUN,FRI-SAT *"),
        ("0 3 * * mon-fri", "0 3 ? * MON-FRI *"),
        ("30 2 1 * *", "30 2 1 * ? *"),
        ("0 0 1 jan *", "0 0 1 jan ? *"),
        ("@weekly", "0 0 ? * SUN *"),
        ("@hourly", "0 * * * ? *"),
    ],
)
def test_cron_to_eventbridge(cron: str, eventbridge: str) -> None:
    assert cron_problem(cron) is None
    assert eventbridge_cron(cron) == eventbridge


@pytest.mark.parametrize("cron", ["0 3 * * 1-5", "0 3 * * 0,6", "@weekly", "0 3 * * 7"])
def test_the_same_days_run(cron: str) -> None:
    """The named days EventBridge gets are the days cron runs on (runs per month agree)."""
    days = eventbridge_cron(cron).split()[4]
    names = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    chosen: set[int] = set()
    for item in days.split(","):
        first, _, last = item.partition("-")
        start, end = names.index(first), names.index(last or first)
        chosen.update(range(start, end + 1))
    expected = cron_runs_per_month("0 0 * * " + ",".join(str(d) for d in sorted(chosen)))
    assert cron_runs_per_month(cron.replace("0 3", "0 0") if cron[0] != "@" else cron) == (
        pytest.approx(expected)
    )


def test_both_day_fields_restricted_is_refused() -> None:
    problem = cron_problem("0 3 1 * 1")
    assert problem is not None
    assert "either" in problem
