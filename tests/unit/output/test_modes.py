"""New files get what the umask allows (not 0600); a replaced file keeps its mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra_architect._io import atomic_write_text
from infra_architect._output import MANIFEST, write_tree


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    os.umask(mask)
    write_tree(tmp_path / "out", {"a.md": "a\n", "d/b.md": "b\n"}, force=False)
    atomic_write_text(tmp_path / "spec.yaml", "x: 1\n")
    for path in ("out/a.md", "out/d/b.md", f"out/{MANIFEST}", "spec.yaml"):
        assert oct((tmp_path / path).stat().st_mode & 0o777) == oct(mode), path
    assert oct((tmp_path / "out" / "d").stat().st_mode & 0o777) == oct(0o777 & ~mask)


@pytest.mark.usefixtures("umask")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    write_tree(tmp_path, {"run.sh": "old\n"}, force=False)
    (tmp_path / "run.sh").chmod(0o750)
    write_tree(tmp_path, {"run.sh": "new\n"}, force=False)
    assert (tmp_path / "run.sh").read_text() == "new\n"
    assert oct((tmp_path / "run.sh").stat().st_mode & 0o777) == oct(0o750)
    spec = tmp_path / "spec.yaml"
    spec.write_text("x: 1\n")
    spec.chmod(0o640)
    atomic_write_text(spec, "x: 2\n")
    assert oct(spec.stat().st_mode & 0o777) == oct(0o640)
