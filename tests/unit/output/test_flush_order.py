"""Every staged file reaches the disk before the first one replaces its target: the
flushes run concurrently, but none is skipped and no rename overtakes one. The system
calls are observed (they still run), so the files are really written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra_architect._output import write_tree


def test_every_staged_file_is_flushed_before_the_first_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    fsync, replace = os.fsync, Path.replace

    def observed_fsync(fd: int) -> None:
        events.append(("fsync", str(Path(f"/proc/self/fd/{fd}").readlink())))
        fsync(fd)

    def observed_replace(self: Path, target: str | os.PathLike[str]) -> Path:
        events.append(("rename", str(self)))
        return replace(self, target)

    monkeypatch.setattr(os, "fsync", observed_fsync)
    monkeypatch.setattr(Path, "replace", observed_replace)
    files = {f"dir{i % 7}/file{i}.txt": f"content {i}\n" for i in range(200)}
    write_tree(tmp_path, files, force=False)

    # the tree's own files (the journal and the manifest are written apart, before and after)
    targets = {str(tmp_path / rel) for rel in files}
    staged = {path for kind, path in events if kind == "rename" and _target(path) in targets}
    assert len(staged) == len(files)
    first = next(i for i, (kind, path) in enumerate(events) if kind == "rename" and path in staged)
    flushed_before = {path for kind, path in events[:first] if kind == "fsync"}
    assert sorted(staged - flushed_before) == []
    assert all((tmp_path / rel).read_text() == text for rel, text in files.items())


def _target(staged: str) -> str:
    """The file a staged ``dir/.name.infra-architect-tmp`` replaces."""
    path = Path(staged)
    return str(path.with_name(path.name.removeprefix(".").removesuffix(".infra-architect-tmp")))
