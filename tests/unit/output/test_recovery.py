"""A write killed at any point is finished by the next run: the journal tells the tool's own
half-written files from the user's edits, and its leftovers are removed.

Runs are killed for real: a forked child runs write_tree under an audit hook that sends
SIGKILL to itself before its n-th rename (no cleanup runs, as with kill -9)."""

from __future__ import annotations

import fcntl
import os
import signal
import sys
from pathlib import Path

import pytest

from infra_architect._manifest import JOURNAL
from infra_architect._output import MANIFEST, TEMP_SUFFIX, OutputBusyError, write_tree
from infra_architect.errors import OutputConflictError

OLD = {"a.md": "a1\n", "docs/b.md": "b1\n", "docs/c.md": "c1\n", "gone.md": "g1\n"}
NEW = {"a.md": "a2\n", "docs/b.md": "b2\n", "docs/c.md": "c2\n", "docs/new/d.md": "d2\n"}
NEWER = {"a.md": "a3\n", "docs/b.md": "b3\n", "docs/c.md": "c3\n", "docs/new/d.md": "d3\n"}


def _changes_under(root: str, event: str, args: tuple[object, ...]) -> bool:
    """The audit event changes something under ``root`` (a file opened for writing, a
    rename, a removal, a directory made)."""
    if event == "open":
        flags = args[2] if len(args) > 2 else None
        if not (isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
            return False
    elif event not in ("os.rename", "os.remove", "os.mkdir"):
        return False
    path = args[0]
    return isinstance(path, str | Path) and str(path).startswith(root)


def _run_in_child(
    out: Path, files: dict[str, str], *, kill_before: int, force: bool = False
) -> int:
    """write_tree in a forked child, SIGKILLed before its ``kill_before``-th change under
    ``out`` (0: never); returns how many changes it made if it was not killed."""
    root = str(out.resolve())
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        seen = 0
        try:

            def hook(event: str, args: tuple[object, ...]) -> None:
                nonlocal seen
                if _changes_under(root, event, args):
                    seen += 1
                    if seen == kill_before:
                        os.kill(os.getpid(), signal.SIGKILL)

            sys.addaudithook(hook)
            write_tree(out, files, force=force)
        finally:
            os._exit(min(seen, 255))
    _, status = os.waitpid(pid, 0)
    if kill_before:
        assert os.WIFSIGNALED(status), "the write ended before the point it was to die at"
        assert os.WTERMSIG(status) == signal.SIGKILL
        return kill_before - 1
    return os.WEXITSTATUS(status)


def _killed(out: Path, files: dict[str, str], *, before_change: int) -> None:
    _run_in_child(out, files, kill_before=before_change)


def _tree(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): p.read_text()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not str(p.relative_to(out)).startswith(".infra-architect")
    }


def _strays(out: Path) -> list[str]:
    return [str(p) for p in out.rglob(f"*{TEMP_SUFFIX}")]


@pytest.mark.parametrize("rerun", ["same", "other"], ids=["same-files", "other-files"])
def test_killed_at_every_change_the_next_run_converges_without_force(
    tmp_path: Path, rerun: str
) -> None:
    """Re-run with the same files, or with others (the spec was changed again): either
    way, what the killed run wrote is recognised as the tool's, never as an edit."""
    target = NEW if rerun == "same" else NEWER
    probe = tmp_path / "probe"
    write_tree(probe, OLD, force=False)
    total = _run_in_child(probe, NEW, kill_before=0)
    assert _tree(probe) == NEW
    assert total >= 12, "journal, staged files, a new directory, swaps, a removal, manifest"
    for point in range(1, total + 1):
        out = tmp_path / f"out-{point}"
        write_tree(out, OLD, force=False)
        _killed(out, NEW, before_change=point)

        report = write_tree(out, target, force=False)

        assert _tree(out) == target, point
        assert _strays(out) == [], point
        assert not (out / JOURNAL).exists(), point
        assert report.forced == [], point
        assert write_tree(out, target, force=False).written == [], "the manifest records all"


def test_a_user_edit_is_never_taken_for_the_interrupted_runs_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, OLD, force=False)
    _killed(out, NEW, before_change=4)  # journal written, some staged, none swapped
    (out / "docs" / "c.md").write_text("mine\n")
    with pytest.raises(OutputConflictError) as info:
        write_tree(out, NEW, force=False)
    assert info.value.paths == (str(out / "docs" / "c.md"),)
    report = write_tree(out, NEW, force=False, keep_edited=True)
    assert report.kept_edited == ["docs/c.md"]
    assert (out / "docs" / "c.md").read_text() == "mine\n"


def test_files_already_swapped_in_are_reported_as_recovered(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, OLD, force=False)
    # changes: the journal (open, rename), four files staged and docs/new made (5), then
    # the swaps: killed before the 10th change, a.md and docs/b.md are in
    _killed(out, NEW, before_change=10)
    assert (out / "docs" / "b.md").read_text() == "b2\n"
    assert (out / "docs" / "c.md").read_text() == "c1\n"
    report = write_tree(out, NEW, force=False)
    assert report.recovered == ["a.md", "docs/b.md"]
    assert report.unchanged == ["a.md", "docs/b.md"]


def test_two_interrupted_runs_in_a_row_still_converge(tmp_path: Path) -> None:
    """What the first run swapped in must stay known when the second replaces the journal."""
    out = tmp_path / "out"
    write_tree(out, OLD, force=False)
    _killed(out, NEW, before_change=9)  # a.md swapped in, the rest staged
    assert (out / "a.md").read_text() == "a2\n"
    assert (out / "docs" / "b.md").read_text() == "b1\n"
    # the second: three leftovers removed, the settled manifest and its journal written
    # (2 + 2), then killed before staging its first file
    _killed(out, NEWER, before_change=8)
    assert (out / "a.md").read_text() == "a2\n"
    assert (out / JOURNAL).exists()
    write_tree(out, NEWER, force=False)
    assert _tree(out) == NEWER


def test_a_killed_run_does_not_leave_the_directory_locked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, OLD, force=False)
    _killed(out, NEW, before_change=3)
    write_tree(out, NEW, force=False)  # would raise OutputBusyError if the lock outlived it


def test_a_run_is_refused_while_another_holds_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(OutputBusyError, match="another infra-architect run"):
            write_tree(out, OLD, force=False)
        assert list(out.iterdir()) == [], "nothing written"
    finally:
        os.close(fd)
    write_tree(out, OLD, force=False)
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the run ended
    finally:
        os.close(fd)


def test_leftover_staged_files_are_removed_even_with_nothing_to_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, OLD, force=False)
    (out / "docs" / f".b.md{TEMP_SUFFIX}").write_text("half")
    (out / ".infra-architect" / f".manifest.json{TEMP_SUFFIX}").write_text("half")
    user = out / "docs" / ".b.md.tmp"  # not a name the tool uses: the user's
    user.write_text("mine")
    write_tree(out, NEW, force=False)
    assert _strays(out) == []
    assert user.exists()


def test_a_journal_for_a_file_no_longer_generated_lets_it_be_removed(tmp_path: Path) -> None:
    """An interrupted run of another spec created a file; this run does not generate it."""
    out = tmp_path / "out"
    write_tree(out, OLD, force=False)
    _killed(out, {**OLD, "extra.md": "x\n"}, before_change=5)  # journal; extra.md swapped in
    assert (out / "extra.md").read_text() == "x\n"
    report = write_tree(out, OLD, force=False)
    assert report.removed == ["extra.md"]
    assert not (out / "extra.md").exists()
    assert not (out / JOURNAL).exists()
    assert "extra.md" not in (out / MANIFEST).read_text()
