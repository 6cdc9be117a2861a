"""Every file the CLI writes gets the mode a plain open() would (0666 less the umask), and
every directory 0777 less the umask: a generated tree is shared and committed like any
other, never private to its writer."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import EXE


@pytest.fixture
def restore_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def _run(*args: str, cwd: Path) -> None:
    done = subprocess.run([EXE, *args], capture_output=True, text=True, check=False, cwd=cwd)
    assert done.returncode == 0, done.stderr


@pytest.mark.usefixtures("restore_umask")
@pytest.mark.parametrize("mask", [0o022, 0o077], ids=["umask-022", "umask-077"])
def test_written_files_follow_the_umask(tmp_path: Path, mask: int) -> None:
    os.umask(mask)  # the children inherit it
    _run("design", "-o", "out", cwd=tmp_path)
    _run("schema", "-o", "schema/spec.json", cwd=tmp_path)
    _run("init", "--example", "ecommerce", "spec.yaml", cwd=tmp_path)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 50
    wrong = {
        str(p.relative_to(tmp_path)): oct(p.stat().st_mode & 0o777)
        for p in files
        if p.stat().st_mode & 0o777 != 0o666 & ~mask
    }
    assert not wrong, f"files not {oct(0o666 & ~mask)}"
    directories = [p for p in tmp_path.rglob("*") if p.is_dir()]
    assert all(p.stat().st_mode & 0o777 == 0o777 & ~mask for p in directories)


def test_schema_output_creates_missing_parents(tmp_path: Path) -> None:
    _run("schema", "-o", "path/in/missing/dirs/x.json", cwd=tmp_path)
    assert '"$schema"' in (tmp_path / "path/in/missing/dirs/x.json").read_text()
