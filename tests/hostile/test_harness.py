"""The harness catches what it is meant to catch (a check that cannot fail is a defect)."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import Sandbox


def test_a_clean_run_passes(sandbox: Sandbox) -> None:
    result = sandbox.run("--version")
    assert result.returncode == 0
    assert "infra-architect" in result.stdout


def test_reading_outside_is_caught(sandbox: Sandbox) -> None:
    spec = sandbox.outside / "canary.txt"
    with pytest.raises(AssertionError, match=r"outside what it was given|canary"):
        sandbox.run("constraints", str(spec))
