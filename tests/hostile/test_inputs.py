"""The CLI's other file inputs are untrusted too (issue 16): a price catalog given with
`design --prices` that is a pipe, a device or not UTF-8 is one message and exit 2."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import Sandbox


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return "a named pipe (FIFO), not a regular file"


def _dev_zero(path: Path) -> str:
    path.symlink_to("/dev/zero")
    return "a device, not a regular file"


def _latin1(path: Path) -> str:
    path.write_bytes(b"version: 2\n# caf\xe9\n")
    return "not UTF-8 text"


def _huge(path: Path) -> str:
    with path.open("wb") as stream:
        stream.truncate(17 * 1024 * 1024)
    return "over the 16,777,216-byte limit"


@pytest.mark.parametrize(
    "make", [_fifo, _dev_zero, _latin1, _huge], ids=["fifo", "dev-zero", "latin1", "huge"]
)
def test_a_price_catalog_that_is_no_catalog_file(
    sandbox: Sandbox, make: Callable[[Path], str]
) -> None:
    prices = sandbox.tree / "prices.yaml"
    said = make(prices)
    result = sandbox.run("design", "-o", str(sandbox.out), "--prices", str(prices), timeout=60)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr
    assert "fix:" in result.stderr
    assert not (sandbox.out / "design.json").exists()
