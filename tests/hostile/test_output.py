"""Issue 16, output safety: an output directory someone else prepared (a cloned repository)
never makes `design` or `add-service` read, write or delete outside it, hang, or crash;
a write killed at any point is finished by the next run without --force and without
losing a user's edit; new files follow the umask.

Items: 1 (planted manifest), 6 (symlinked directory, FIFO, /dev/zero), 7 (kill -9, lock),
8 (-o through a file, read-only directory), 10 (umask, add-service order).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from tests.conftest import ROOT
from tests.hostile.conftest import Sandbox

EXAMPLE = ROOT / "examples" / "internal-tool.yaml"
"""The smallest example: the fastest design."""
BOUND = 60.0
"""Seconds any of these runs may take (a clean design takes about 3 s under the audit)."""
KILL_AT = Path(__file__).with_name("_kill_at.py")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _spec(sandbox: Sandbox, text: str | None = None) -> Path:
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(EXAMPLE.read_text() if text is None else text)
    return spec


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _design(sandbox: Sandbox, *extra: str, out: Path | None = None):
    spec = _spec(sandbox)
    return sandbox.run("design", str(spec), "-o", str(out or sandbox.out), *extra, timeout=BOUND)


# --- item 1: a planted manifest -----------------------------------------------------------


def test_planted_manifest_keys_outside_the_tree_are_ignored_and_named(sandbox: Sandbox) -> None:
    outside = sandbox.outside
    (sandbox.out / ".infra-architect").mkdir(parents=True)
    (sandbox.out / "link").symlink_to(outside, target_is_directory=True)
    canary, keep, secret = (
        outside / "canary.txt",
        outside / "nested" / "keep.md",
        outside / "secret.tf",
    )
    planted = {
        "../outside/canary.txt": _sha(canary),
        "../outside/nested/keep.md": _sha(keep),
        str(secret): _sha(secret),
        "docs/../../outside/canary.txt": _sha(canary),
        "./../outside/canary.txt": _sha(canary),
        "..\\outside\\canary.txt": _sha(canary),
        "docs//../../outside/canary.txt": _sha(canary),
        "bad\u0000../outside/canary.txt": _sha(canary),
        "link/canary.txt": _sha(canary),
        "link/nested/keep.md": _sha(keep),
    }
    for name in ("manifest.json", "journal.json"):
        document = {"version": 1, "generator": "infra-architect", "files": planted}
        (sandbox.out / ".infra-architect" / name).write_text(json.dumps(document))

    result = _design(sandbox)

    assert result.returncode == 0, result.stderr
    assert (sandbox.out / "docs" / "architecture.md").is_file()
    assert (sandbox.out / "link").is_symlink(), "the user's link is left alone"
    assert "'../outside/canary.txt' ignored: it climbs out with '..'" in result.stderr
    assert f"{str(secret)!r} ignored: it is an absolute path" in result.stderr
    assert "contains a backslash" in result.stderr
    assert "contains a NUL character" in result.stderr
    assert f"not removed: {sandbox.out / 'link'}: is a symbolic link" in result.stderr
    # the harness has checked that nothing in `outside` was opened, listed or removed
    manifest = json.loads((sandbox.out / ".infra-architect" / "manifest.json").read_text())
    assert not [k for k in manifest["files"] if ".." in k or k.startswith(("/", "link"))]
    assert not (sandbox.out / ".infra-architect" / "journal.json").exists()


def test_planted_manifest_also_cannot_steer_add_service(sandbox: Sandbox) -> None:
    spec = _spec(sandbox)
    assert _design(sandbox).returncode == 0
    manifest_path = sandbox.out / ".infra-architect" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["../outside/canary.txt"] = _sha(sandbox.outside / "canary.txt")
    manifest_path.write_text(json.dumps(manifest))
    result = sandbox.run(
        "add-service", "audit", "--type", "api", "--spec", str(spec), "-o", str(sandbox.out),
        "--uses", "planner-db", "--cpu-ms-per-request", "10",
        allowed=(sandbox.tree,), timeout=BOUND,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "'../outside/canary.txt' ignored" in result.stderr
    assert "audit" in spec.read_text()


def test_state_directory_linked_outside_is_refused_unread(sandbox: Sandbox) -> None:
    sandbox.out.mkdir()
    (sandbox.out / ".infra-architect").symlink_to(sandbox.outside, target_is_directory=True)
    result = _design(sandbox)
    assert result.returncode == 2, result.stderr
    assert f"{sandbox.out / '.infra-architect'}: is a symbolic link" in result.stderr
    assert "nothing was written" in result.stderr
    assert sorted(p.name for p in sandbox.out.iterdir()) == [".infra-architect"]


# --- item 6: links, pipes and devices at generated paths ----------------------------------


def test_symlinked_subdirectory_is_refused_and_nothing_is_written(sandbox: Sandbox) -> None:
    sandbox.out.mkdir()
    (sandbox.out / "docs").symlink_to(sandbox.outside, target_is_directory=True)
    for extra in ((), ("--force",)):
        result = _design(sandbox, *extra)
        assert result.returncode == 2, result.stderr
        assert f"{sandbox.out / 'docs'}: is a symbolic link where a directory is expected" in (
            result.stderr
        )
        assert "fix: remove or rename them" in result.stderr
        assert sorted(p.name for p in sandbox.out.iterdir()) == ["docs"], "nothing written"


def test_fifo_at_a_generated_path_is_refused_without_blocking(sandbox: Sandbox) -> None:
    (sandbox.out / "docs").mkdir(parents=True)
    fifo = sandbox.out / "docs" / "architecture.md"
    os.mkfifo(fifo)
    result = _design(sandbox)
    assert result.returncode == 2, result.stderr
    assert f"{fifo}: is a named pipe (FIFO), not a regular file" in result.stderr
    assert result.seconds < BOUND
    assert _files(sandbox.out) == {}, "nothing written"


def test_link_to_dev_zero_is_refused_without_reading_it(sandbox: Sandbox) -> None:
    sandbox.out.mkdir()
    link = sandbox.out / "design.json"
    link.symlink_to("/dev/zero")
    result = _design(sandbox)  # the harness fails the test if /dev/zero was opened
    assert result.returncode == 2, result.stderr
    assert f"{link}: is a symbolic link, not a regular file" in result.stderr
    assert _files(sandbox.out) == {}


# --- item 8: output paths that cannot be made or written ----------------------------------


def test_output_below_a_regular_file_is_a_clear_error(sandbox: Sandbox) -> None:
    sandbox.out.write_text("a file, not a directory\n")
    result = _design(sandbox, out=sandbox.out / "sub")
    assert result.returncode == 2, result.stderr
    assert (
        f"{sandbox.out / 'sub'}: cannot create the output directory: {sandbox.out} is not a "
        "directory" in result.stderr
    )
    assert "fix:" in result.stderr


@contextlib.contextmanager
def _read_only(directory: Path) -> Iterator[None]:
    """Make ``directory`` unwritable, even for root (the immutable flag), or skip."""
    directory.chmod(0o555)
    immutable = False
    if os.geteuid() == 0 and shutil.which("chattr"):
        flag = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, check=False)
        immutable = flag.returncode == 0
    try:
        probe = directory / ".probe"
        try:
            probe.touch()
        except PermissionError:
            yield
        else:
            probe.unlink()
            pytest.skip("cannot make a directory read-only here (root, no immutable flag)")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        directory.chmod(0o755)


def test_read_only_output_directory_is_a_clear_error(sandbox: Sandbox) -> None:
    sandbox.out.mkdir()
    with _read_only(sandbox.out):
        result = _design(sandbox)
    assert result.returncode == 2, result.stderr
    assert "nothing in" in result.stderr
    assert "was changed" in result.stderr
    assert "fix: make the output directory writable" in result.stderr
    assert _files(sandbox.out) == {}


# --- item 10: modes, and add-service's spec -----------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_new_files_follow_the_umask(sandbox: Sandbox, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        result = _design(sandbox)
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    paths = [p for p in sandbox.out.rglob("*") if not p.is_symlink()]
    assert paths
    modes = {oct(p.stat().st_mode & 0o777) for p in paths if p.is_file()}
    assert modes == {oct(mode)}
    directories = {oct(p.stat().st_mode & 0o777) for p in paths if p.is_dir()}
    assert directories == {oct(0o777 & ~umask)}


def test_add_service_with_an_unwritable_tree_leaves_the_spec_untouched(
    sandbox: Sandbox,
) -> None:
    spec = _spec(sandbox)
    assert _design(sandbox).returncode == 0
    before_spec = (spec.read_bytes(), spec.stat().st_mtime_ns)
    before_tree = _files(sandbox.out)
    with _read_only(sandbox.out / "services"):
        result = sandbox.run(
            "add-service", "audit", "--type", "api", "--spec", str(spec),
            "-o", str(sandbox.out), "--uses", "planner-db", "--cpu-ms-per-request", "10",
            allowed=(sandbox.tree,), timeout=BOUND,
        )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"nothing in {sandbox.out} was changed" in result.stderr
    assert (spec.read_bytes(), spec.stat().st_mtime_ns) == before_spec
    assert sorted(p.name for p in sandbox.tree.iterdir()) == ["spec.yaml"], "no staged spec"
    assert _files(sandbox.out) == before_tree, "the tree is as it was, no journal, no temp"


def test_add_service_refused_by_a_link_in_the_tree_leaves_the_spec_untouched(
    sandbox: Sandbox,
) -> None:
    spec = _spec(sandbox)
    assert _design(sandbox).returncode == 0
    before = spec.read_bytes()
    shutil.rmtree(sandbox.out / "services")
    (sandbox.out / "services").symlink_to(sandbox.outside, target_is_directory=True)
    result = sandbox.run(
        "add-service", "audit", "--type", "api", "--spec", str(spec), "-o", str(sandbox.out),
        "--uses", "planner-db", "--cpu-ms-per-request", "10",
        allowed=(sandbox.tree,), timeout=BOUND,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "is a symbolic link where a directory is expected" in result.stderr
    assert spec.read_bytes() == before


# --- item 7: a second run, and a run killed at any point ----------------------------------


def test_a_second_concurrent_run_is_refused(sandbox: Sandbox) -> None:
    sandbox.out.mkdir()
    fd = os.open(sandbox.out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a run in progress holds it
        result = _design(sandbox)
    finally:
        os.close(fd)
    assert result.returncode == 2, result.stderr
    assert "another infra-architect run is writing this directory" in result.stderr
    assert _files(sandbox.out) == {}
    assert _design(sandbox).returncode == 0, "the lock goes with the run that held it"


SPEC_BEFORE = EXAMPLE.read_text().replace(
    "      uses: [planner-db]\n",
    "      uses: [planner-db]\n    - {name: reports, type: api, uses: [planner-db]}\n",
)
SPEC_AFTER = EXAMPLE.read_text().replace(
    "      uses: [planner-db]\n",
    "      uses: [planner-db]\n    - {name: audit, type: api, uses: [planner-db]}\n",
)
EDITED = "services/reports/Dockerfile"
"""Generated from SPEC_BEFORE only: the run being killed would remove it, but it is edited."""
TRIALS = 30
"""Points drawn (seeded) from all the run's changes; every one when it makes fewer."""
SEED = 16


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _runs(spec: Path, jobs: list[tuple[int, Path]], results: Path) -> list[dict[str, object]]:
    """`design spec -o DIR` for each (k, DIR), each in its own child process SIGKILLed
    before its k-th change to DIR (k = 0: not killed, its changes listed)."""
    args = [str(KILL_AT), str(results), *(f"{k}:{d}" for k, d in jobs)]
    args += ["--", "design", str(spec), "-o", "{out}"]
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(results.read_text())
    return found


def test_design_killed_at_any_point_converges_without_force(tmp_path: Path) -> None:
    """The state before: SPEC_BEFORE designed, then the user edits one of its files (one
    the next design no longer generates, so a correct re-run can succeed) and adds one of
    their own. A design of SPEC_AFTER is SIGKILLed just before its k-th change to the tree
    (see _kill_at.py: every journal, staged file, directory, rename and removal is a point),
    for k drawn with a seeded RNG over all its changes. The same design, re-run without
    --force, must exit 0 with exactly a clean design's tree plus the user's two files,
    the edit reported as kept. (Between two changes is every state a kill can leave that
    the next run can see: a staged file cut short mid-write is a leftover like any other.)"""
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text(SPEC_BEFORE)
    after.write_text(SPEC_AFTER)
    clean = tmp_path / "clean"
    assert _cli("design", str(after), "-o", str(clean))[0] == 0
    template = tmp_path / "template"
    assert _cli("design", str(before), "-o", str(template))[0] == 0
    edited = template / EDITED
    edited.write_text(edited.read_text() + "# tuned by hand\n")
    (template / "NOTES.md").write_text("the user's own file\n")
    expected = {**_files(clean), EDITED: edited.read_bytes(), "NOTES.md": b"the user's own file\n"}

    calibration = tmp_path / "calibration"
    shutil.copytree(template, calibration, symlinks=True)
    results = tmp_path / "results.json"
    (run,) = _runs(after, [(0, calibration)], results)
    assert run["ended"] == "exit 0"
    changes = run["changes"]
    assert isinstance(changes, list)
    assert _files(calibration) == expected, "an uninterrupted run gives the clean tree"
    rng = random.Random(SEED)  # noqa: S311  (a reproducible choice of points, not a secret)
    points = sorted(rng.sample(range(1, len(changes) + 1), min(TRIALS, len(changes))))
    trials = [(k, tmp_path / f"trial-{k}") for k in points]
    for _, out in trials:
        shutil.copytree(template, out, symlinks=True)

    runs = _runs(after, trials, results)

    interrupted: list[str] = []
    for (k, out), run in zip(trials, runs, strict=True):
        where = f"trial {k} (killed before {changes[k - 1]})"
        done = [str(c) for c in changes[: k - 1]]
        assert run["ended"] == "killed", f"{where}: the run was not killed ({run['ended']})"
        interrupted.append(f"{k}/{len(changes)} before {changes[k - 1]}")
        assert (out / EDITED).read_bytes() == expected[EDITED], f"{where}: edit lost"

        code, output = _cli("design", str(after), "-o", str(out))

        assert code == 0, f"{where}: re-run failed\n{output}"
        # named as kept unless the killed run got as far as its new manifest (which, like
        # any finished run's, no longer lists a file it does not generate)
        committed = any(c.startswith("os.rename .infra-architect/.manifest") for c in done)
        named = f"kept {out / EDITED}: you edited it" in " ".join(output.split())
        assert named or committed, f"{where}: the kept edit was not reported"
        assert _files(out) == expected, f"{where}: did not converge"
    heading = f"\n{len(trials)} trials over {len(changes)} points, killed before:"
    print(heading, *interrupted, sep="\n")  # noqa: T201
