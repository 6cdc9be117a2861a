"""A catalog older than about six months is named on stderr, once per command."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from infra_architect.catalog import STALE_AFTER_DAYS, load_catalog, stale_prices_warning


@pytest.mark.parametrize(
    ("age", "warned"),
    [(0, False), (STALE_AFTER_DAYS, False), (STALE_AFTER_DAYS + 1, True), (400, True)],
    ids=["same-day", "at-the-threshold", "a-day-past", "over-a-year"],
)
def test_the_warning_starts_the_day_after_the_threshold(age: int, warned: bool) -> None:
    as_of = date(2025, 6, 1)
    warning = stale_prices_warning(as_of.isoformat(), as_of + timedelta(days=age))
    assert (warning is not None) is warned
    if warning is not None:
        assert f"{age} days old (prices as of 2025-06-01)" in warning
        assert "prices refresh" in warning


def test_the_shipped_catalog_warns_once_per_command_when_old() -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from infra_architect.cli import app  # noqa: PLC0415

    as_of = date.fromisoformat(load_catalog().price_catalog.as_of)
    result = CliRunner().invoke(app, ["prices", "show"])
    assert result.exit_code == 0
    stale = (datetime.now(UTC).date() - as_of).days > STALE_AFTER_DAYS
    assert result.stderr.count("price catalog is") == (1 if stale else 0)
