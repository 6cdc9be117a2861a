"""write_tree never reads, writes or removes through a link, and reads regular files only."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from infra_architect._io import Kind, NotRegularFileError, hash_regular, inspect
from infra_architect._manifest import dump_record
from infra_architect._output import (
    MANIFEST,
    MAX_HASHED_BYTES,
    MAX_RECORD_BYTES,
    UnsafeOutputError,
    write_tree,
)
from infra_architect.errors import InfraArchitectError, OutputConflictError

FILES = {"a.md": "a\n", "docs/b.md": "b\n", "docs/deep/c.md": "c\n"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _snapshot(root: Path) -> dict[str, bytes | str]:
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = f"link:{path.readlink()}"
        elif path.is_file():
            found[rel] = path.read_bytes()
        else:
            found[rel] = "dir"
    return found


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """An output directory and, beside it, a directory it must never touch."""
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    (outside / "deep").mkdir(parents=True)
    (outside / "canary.txt").write_text("canary\n")
    (outside / "b.md").write_text("b\n")
    return out, outside


def test_inspect_stops_at_the_first_component_that_is_not_a_directory(
    world: tuple[Path, Path],
) -> None:
    out, outside = world
    (out / "docs").symlink_to(outside)
    entry = inspect(out, ("docs", "deep", "c.md"))
    assert (entry.kind, entry.path, entry.blocked) == (Kind.SYMLINK, out / "docs", True)
    (out / "file").write_text("x")
    entry = inspect(out, ("file", "x"))
    assert (entry.kind, entry.blocked) == (Kind.FILE, True)
    assert inspect(out, ("missing", "x")).kind is Kind.ABSENT


def test_a_symlinked_directory_is_refused_before_anything_is_written(
    world: tuple[Path, Path],
) -> None:
    out, outside = world
    (out / "docs").symlink_to(outside)
    before = _snapshot(outside)
    for force in (False, True):
        with pytest.raises(UnsafeOutputError, match="is a symbolic link where a directory"):
            write_tree(out, FILES, force=force)
    assert _snapshot(outside) == before
    assert sorted(p.name for p in out.iterdir()) == ["docs"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "symlink-to-file", "directory"])
def test_a_generated_path_that_is_not_a_regular_file_is_refused_fast(
    world: tuple[Path, Path], kind: str
) -> None:
    out, outside = world
    (out / "docs").mkdir()
    target = out / "docs" / "b.md"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "symlink-to-file":
        target.symlink_to(outside / "b.md")  # same content: still never read
    else:
        target.mkdir()
    start = time.monotonic()
    with pytest.raises(UnsafeOutputError) as info:
        write_tree(out, FILES, force=True)
    assert time.monotonic() - start < 5
    assert f"{target}: is " in str(info.value)
    assert "not a regular file" in str(info.value)
    assert not (out / "a.md").exists(), "nothing is written"


def test_edited_files_are_named_beside_the_unsafe_paths(world: tuple[Path, Path]) -> None:
    out, _ = world
    write_tree(out, FILES, force=False)
    (out / "a.md").write_text("mine\n")
    (out / "docs" / "b.md").unlink()
    os.mkfifo(out / "docs" / "b.md")
    with pytest.raises(UnsafeOutputError) as info:
        write_tree(out, {k: v + "new\n" for k, v in FILES.items()}, force=False)
    assert info.value.edited == (str(out / "a.md"),)


def test_manifest_keys_outside_the_tree_are_never_removed(world: tuple[Path, Path]) -> None:
    out, outside = world
    canary = outside / "canary.txt"
    digest = _sha(canary.read_bytes())
    (out / "link").symlink_to(outside)
    (out / "file-link").symlink_to(canary)
    planted = {"../outside/canary.txt": digest, "link/canary.txt": digest, "file-link": digest}
    (out / ".infra-architect").mkdir()
    manifest = json.loads(dump_record(planted))
    manifest["files"][str(canary)] = digest  # absolute: dump_record would sort it anyway
    (out / MANIFEST).write_text(json.dumps(manifest))
    before = _snapshot(outside)

    report = write_tree(out, FILES, force=False)

    assert _snapshot(outside) == before
    assert report.removed == []
    assert (out / "link").is_symlink()
    assert (out / "file-link").is_symlink(), "a link is not removed either: it is not ours"
    assert any("'../outside/canary.txt' ignored" in n for n in report.notes)
    assert any(f"{str(canary)!r} ignored: it is an absolute path" in n for n in report.notes)
    assert f"not removed: {out / 'link'}: is a symbolic link where a directory is expected" in (
        report.notes
    )
    assert f"not removed: {out / 'file-link'}: is a symbolic link, not a regular file" in (
        report.notes
    )
    recorded = json.loads((out / MANIFEST).read_text())["files"]
    assert sorted(recorded) == sorted(FILES)


def test_a_linked_state_directory_is_refused_and_not_read(world: tuple[Path, Path]) -> None:
    out, outside = world
    (outside / "manifest.json").write_text("{}")
    (out / ".infra-architect").symlink_to(outside)
    before = _snapshot(outside)
    with pytest.raises(UnsafeOutputError, match=r"\.infra-architect: is a symbolic link"):
        write_tree(out, FILES, force=True)
    assert _snapshot(outside) == before


def test_a_fifo_as_manifest_is_refused_not_read(world: tuple[Path, Path]) -> None:
    out, _ = world
    (out / ".infra-architect").mkdir()
    os.mkfifo(out / MANIFEST)
    with pytest.raises(UnsafeOutputError, match=r"manifest\.json: is a named pipe"):
        write_tree(out, FILES, force=False)


def test_a_huge_manifest_is_not_read_and_protects_everything(world: tuple[Path, Path]) -> None:
    out, _ = world
    write_tree(out, FILES, force=False)
    os.truncate(out / MANIFEST, MAX_RECORD_BYTES + 1)  # sparse: costs nothing
    with pytest.raises(OutputConflictError):
        write_tree(out, {k: v + "new\n" for k, v in FILES.items()}, force=False)


def test_a_huge_file_is_not_hashed_and_is_taken_as_the_users(world: tuple[Path, Path]) -> None:
    out, _ = world
    write_tree(out, FILES, force=False)
    os.truncate(out / "a.md", MAX_HASHED_BYTES + 1)
    with pytest.raises(OutputConflictError, match=r"a\.md"):
        write_tree(out, FILES, force=False)


def test_a_file_swapped_for_a_fifo_after_lstat_is_not_opened_blocking(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("x")
    seen = path.lstat()
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(NotRegularFileError):
        hash_regular(path, seen, 1 << 20)


def test_output_below_a_regular_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InfraArchitectError, match=r"file is not a directory\n  fix:"):
        write_tree(tmp_path / "file" / "sub", FILES, force=False)
