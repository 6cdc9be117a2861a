"""The manifest protects user edits: what a re-run replaces, refuses, removes and keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect._output import MANIFEST, write_tree
from infra_architect.errors import InfraArchitectError, OutputConflictError


def test_first_run_writes_everything_and_a_manifest(tmp_path: Path) -> None:
    report = write_tree(tmp_path, {"a.md": "a\n", "d/b.md": "b\n"}, force=False)
    assert report.written == ["a.md", "d/b.md"]
    assert (tmp_path / MANIFEST).is_file()


def test_unedited_files_are_updated(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    report = write_tree(tmp_path, {"a.md": "new\n"}, force=False)
    assert report.written == ["a.md"]
    assert (tmp_path / "a.md").read_text() == "new\n"


def test_edited_files_are_refused_all_at_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n", "b.md": "old\n", "c.md": "old\n"}, force=False)
    (tmp_path / "a.md").write_text("mine\n")
    (tmp_path / "b.md").write_text("mine too\n")
    with pytest.raises(OutputConflictError) as info:
        write_tree(tmp_path, {"a.md": "x\n", "b.md": "x\n", "c.md": "x\n"}, force=False)
    assert info.value.paths == (str(tmp_path / "a.md"), str(tmp_path / "b.md"))
    assert (tmp_path / "c.md").read_text() == "old\n", "nothing is written when refusing"


def test_force_overwrites_and_reports_what_it_replaced(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    (tmp_path / "a.md").write_text("mine\n")
    report = write_tree(tmp_path, {"a.md": "new\n"}, force=True)
    assert report.forced == ["a.md"]
    assert (tmp_path / "a.md").read_text() == "new\n"


def test_an_edit_identical_to_the_new_output_is_no_conflict(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    (tmp_path / "a.md").write_text("new\n")
    report = write_tree(tmp_path, {"a.md": "new\n"}, force=False)
    assert report.unchanged == ["a.md"]


def test_files_no_longer_generated_are_removed_unless_edited(tmp_path: Path) -> None:
    write_tree(tmp_path, {"keep.md": "k\n", "gone.md": "g\n", "mine.md": "m\n"}, force=False)
    (tmp_path / "mine.md").write_text("edited\n")
    report = write_tree(tmp_path, {"keep.md": "k\n"}, force=False)
    assert report.removed == ["gone.md"]
    assert report.kept_edited == ["mine.md"]
    assert not (tmp_path / "gone.md").exists()
    assert (tmp_path / "mine.md").read_text() == "edited\n"


def test_a_corrupt_manifest_protects_every_existing_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(OutputConflictError):
        write_tree(tmp_path, {"a.md": "new\n"}, force=False)


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(InfraArchitectError, match="not a directory"):
        write_tree(target, {"a.md": "a\n"}, force=False)


def test_paths_escaping_the_output_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        write_tree(tmp_path, {"../evil.md": "x"}, force=False)


def test_keep_edited_writes_the_rest_and_keeps_protecting_the_edit(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n", "b.md": "old\n"}, force=False)
    (tmp_path / "a.md").write_text("mine\n")
    report = write_tree(tmp_path, {"a.md": "x\n", "b.md": "x\n"}, force=False, keep_edited=True)
    assert report.kept_edited == ["a.md"]
    assert report.written == ["b.md"]
    assert (tmp_path / "a.md").read_text() == "mine\n"
    # The manifest still records the generated hash: the edit stays protected next time.
    with pytest.raises(OutputConflictError):
        write_tree(tmp_path, {"a.md": "y\n", "b.md": "x\n"}, force=False)


def test_before_swap_runs_once_everything_is_staged_and_nothing_is_replaced(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    seen: list[tuple[str, list[str]]] = []

    def check() -> None:
        staged = sorted(p.name for p in tmp_path.rglob("*infra-architect-tmp"))
        seen.append(((tmp_path / "a.md").read_text(), staged))

    write_tree(tmp_path, {"a.md": "new\n", "d/b.md": "b\n"}, force=False, before_swap=check)
    assert seen == [("old\n", [".a.md.infra-architect-tmp", ".b.md.infra-architect-tmp"])]
    assert (tmp_path / "a.md").read_text() == "new\n"


def test_before_swap_failing_leaves_the_tree_as_it_was(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def refuse() -> None:
        raise InfraArchitectError("the spec cannot be written")

    with pytest.raises(InfraArchitectError, match="spec cannot"):
        write_tree(tmp_path, {"a.md": "new\n", "d/b.md": "b\n"}, force=False, before_swap=refuse)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "d").exists(), "a directory made for staging is removed again"


def test_a_refused_run_writes_nothing_at_all(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "old\n"}, force=False)
    (tmp_path / "a.md").write_text("mine\n")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(OutputConflictError):
        write_tree(tmp_path, {"a.md": "x\n", "d/b.md": "b\n"}, force=False)
    assert sorted(tmp_path.rglob("*")) == before


def test_nothing_to_do_rewrites_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.md": "a\n"}, force=False)
    manifest = tmp_path / MANIFEST
    stamp = manifest.stat().st_mtime_ns
    report = write_tree(tmp_path, {"a.md": "a\n"}, force=False)
    assert report.unchanged == ["a.md"]
    assert manifest.stat().st_mtime_ns == stamp


def test_a_seeded_file_is_written_once_and_then_left_to_its_owner(tmp_path: Path) -> None:
    """A seeded path (a Terraform output file, the pipeline's released digests) is
    written when absent and never again, not even with force; the rest is rewritten."""
    seeded = frozenset({"overlay/release.yaml"})
    first = write_tree(
        tmp_path, {"overlay/release.yaml": "tag: unreleased\n", "a.txt": "1\n"},
        force=False, seeded=seeded,
    )  # fmt: skip
    assert sorted(first.written) == ["a.txt", "overlay/release.yaml"]
    (tmp_path / "overlay/release.yaml").write_text("digest: sha256:1\n")
    for force in (False, True):
        again = write_tree(
            tmp_path, {"overlay/release.yaml": "tag: unreleased\n", "a.txt": "2\n"},
            force=force, seeded=seeded,
        )  # fmt: skip
        assert again.seeded_kept == ["overlay/release.yaml"]
        assert (tmp_path / "overlay/release.yaml").read_text() == "digest: sha256:1\n"
        assert (tmp_path / "a.txt").read_text() == "2\n"
    # without the seeded mark the same edit is a conflict the writer refuses
    with pytest.raises(OutputConflictError):
        write_tree(tmp_path, {"overlay/release.yaml": "tag: unreleased\n"}, force=False)


def test_directories_emptied_by_removing_stale_files_are_removed(tmp_path: Path) -> None:
    first = {
        "keep.md": "k\n",
        "svc/api/deep/a.tf": "a\n",
        "svc/api/b.tf": "b\n",
        "svc/web/c.tf": "c\n",
        "shared/d.tf": "d\n",
    }
    write_tree(tmp_path, first, force=False)
    (tmp_path / "shared" / "notes.txt").write_text("the user's\n")
    (tmp_path / "svc" / "mine").mkdir()  # the user's own empty directory
    (tmp_path / "empty-before").mkdir()
    report = write_tree(tmp_path, {"keep.md": "k\n", "svc/web/c.tf": "c\n"}, force=False)
    assert report.removed == ["shared/d.tf", "svc/api/b.tf", "svc/api/deep/a.tf"]
    assert not (tmp_path / "svc" / "api").exists(), "emptied by the removals, nested"
    assert (tmp_path / "svc" / "web" / "c.tf").is_file()
    assert (tmp_path / "svc" / "mine").is_dir(), "a directory none of ours was in stays"
    assert (tmp_path / "empty-before").is_dir()
    assert (tmp_path / "shared" / "notes.txt").is_file(), "a directory holding more stays"
