"""Writing a generated tree: atomic, recoverable, and never outside the output directory.

``.infra-architect/manifest.json`` records the SHA-256 of every file the last run
wrote. A re-run replaces a file only when it is unchanged since then (or absent, or
already identical); a file the user edited, or one the tool never wrote, is refused
unless ``force`` — every such file is named before anything is written.

The output directory may have come from anywhere (it is meant to be committed and
cloned), so nothing read from it is trusted: manifest entries that are not plain relative
paths are ignored and named (see :mod:`infra_architect._manifest`); no path is read or
written through a symbolic link, and only regular files are read. A generated path where
a link, a pipe, a device or a directory stands is refused like an edit, and ``--force``
does not override that: the tool cannot know where such a thing leads.

A run is recoverable if it dies at any point (kill -9 included):

1. under an exclusive ``flock`` of the output directory (a second run is refused);
2. everything is planned and checked before the first write;
3. ``journal.json`` is written (and flushed) with the hash each file is about to get;
4. every new file is staged beside its target under a fixed name
   (``.<name>.infra-architect-tmp``, so leftovers are recognised) and flushed to disk —
   a path that cannot be written stops the run here, with the tree unchanged;
5. the staged files replace their targets by rename, stale files are removed;
6. the new manifest replaces the old one, then the journal is removed.

A later run counts a file as generated when its hash is the manifest's or the journal's,
so what an interrupted run wrote is finished, not blamed on the user; its leftovers are
removed. A user's edit matches neither hash, and stays protected.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from infra_architect._io import (
    NEW_FILE_MODE,
    Entry,
    Kind,
    create_new,
    fsync_directory,
    hash_regular,
    inspect,
    kind_of,
    prepare_write,
    read_regular,
    write_all,
)
from infra_architect._manifest import (
    JOURNAL,
    MANIFEST,
    MANIFEST_VERSION,
    Record,
    dump_record,
    key_problem,
    parse_record,
)
from infra_architect.errors import InfraArchitectError, OutputConflictError

__all__ = [
    "MANIFEST",
    "MANIFEST_VERSION",
    "OutputBusyError",
    "OutputWriteError",
    "TreePreview",
    "UnsafeOutputError",
    "WriteReport",
    "digest",
    "preview_tree",
    "read_generated",
    "read_manifest",
    "write_tree",
]

TEMP_SUFFIX = ".infra-architect-tmp"
MAX_RECORD_BYTES = 16 << 20
"""A manifest of the largest design is well under 1 MiB; more is not one the tool wrote."""
MAX_HASHED_BYTES = 64 << 20
"""Larger files are not hashed: no file the tool writes comes near this size."""
_TOO_LARGE = "too-large"
"""Stands for the hash of a file over :data:`MAX_HASHED_BYTES`; equals no real hash."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    """Of ``written``: files that did not exist before (the rest replaced a file)."""
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    """Files found as an interrupted run left them (its journal's hash), taken as generated."""
    seeded_kept: list[str] = field(default_factory=list)
    """Seeded files already there: owned by the deploy from their first write, never
    rewritten (not even with ``force``)."""
    notes: list[str] = field(default_factory=list)
    """Manifest entries ignored, stale paths left alone, and why."""


class UnsafeOutputError(InfraArchitectError):
    """Generated paths are occupied by something other than a regular file in a real
    directory (a symbolic link, a pipe, a device): nothing is written, even with --force."""

    def __init__(self, hazards: list[str], edited: list[str]) -> None:
        self.hazards = tuple(sorted(set(hazards)))
        self.edited = tuple(sorted(edited))
        listed = "\n".join(f"  {h}" for h in self.hazards)
        message = f"refusing to write: these paths are not regular files it can replace:\n{listed}"
        if self.edited:
            also = "\n".join(f"  {p}" for p in self.edited)
            message += f"\nand these files were edited since they were generated:\n{also}"
        super().__init__(
            message + "\n  fix: remove or rename them (the tool writes regular files in real "
            "directories only, and never through a link), or choose another --output "
            "directory; nothing was written"
        )


class OutputBusyError(InfraArchitectError):
    """Another run holds the output directory."""

    def __init__(self, out: Path) -> None:
        super().__init__(
            f"{out}: another infra-architect run is writing this directory; nothing was "
            "written\n  fix: wait for it to finish, then run again"
        )


class OutputWriteError(InfraArchitectError):
    """The file system refused a write (read-only, no space, no permission)."""


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def read_manifest(out: Path) -> dict[str, str]:
    """The valid entries recorded by the last run (an unreadable manifest gives none)."""
    record, _, _ = _read_record(out, MANIFEST)
    return record.files


def _safe_relative(rel: str) -> None:
    problem = key_problem(rel)
    if problem is not None:
        raise ValueError(f"generated path escapes the output directory: {rel} ({problem})")


def _parts(rel: str) -> tuple[str, ...]:
    return tuple(rel.split("/"))


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_SUFFIX}")


def _describe(entry: Entry) -> str:
    if entry.blocked and entry.kind is Kind.SYMLINK:
        return f"{entry.path}: is a symbolic link where a directory is expected"
    if entry.blocked:
        return f"{entry.path}: is {entry.kind.value} where a directory is expected"
    return f"{entry.path}: is {entry.kind.value}, not a regular file"


@dataclass(frozen=True, slots=True)
class _Found:
    """A path under the output as found: ``hazard`` says why it cannot be used."""

    entry: Entry
    current: str | None = None
    hazard: str | None = None


def _look(out: Path, rel: str) -> _Found:
    entry = inspect(out, _parts(rel))
    if not entry.is_plain:
        return _Found(entry, hazard=_describe(entry))
    if entry.kind is Kind.ABSENT or entry.stat is None:
        return _Found(entry)
    try:
        current = hash_regular(entry.path, entry.stat, MAX_HASHED_BYTES)
    except OSError as exc:
        return _Found(entry, hazard=f"{entry.path}: cannot be read ({exc.strerror or exc})")
    return _Found(entry, current=current or _TOO_LARGE)


def _read_record(out: Path, rel: str) -> tuple[Record, bytes | None, str | None]:
    """A state file's valid entries, its bytes, and the hazard at its path if any."""
    entry = inspect(out, _parts(rel))
    if not entry.is_plain:
        return Record(), None, _describe(entry)
    if entry.kind is Kind.ABSENT or entry.stat is None:
        return Record(), None, None
    data = read_regular(entry.path, entry.stat, MAX_RECORD_BYTES)
    if data is None:
        note = f"{out / rel}: larger than {MAX_RECORD_BYTES >> 20} MiB; ignored"
        return Record({}, (note,), readable=False), None, None
    return parse_record(data, str(out / rel)), data, None


@dataclass
class _Plan:
    """Everything a run will do, decided before it writes anything."""

    report: WriteReport
    to_write: list[str]
    modes: dict[str, int]
    remove: list[str]
    leftovers: list[Path]
    settled: dict[str, str] | None
    manifest: bytes
    manifest_before: bytes | None
    journal_before: bool

    @property
    def changes(self) -> bool:
        return bool(self.to_write or self.remove)


@dataclass
class _Survey:
    """The output directory as found: what the records vouch for and what is on disk."""

    recorded: dict[str, str]
    intended: dict[str, str]
    found: dict[str, _Found] = field(default_factory=dict)
    hazards: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest_bytes: bytes | None = None
    journal_bytes: bytes | None = None

    def ours(self, rel: str) -> bool:
        """The file is as this tool last wrote it, or as an interrupted run was writing it."""
        current = self.found[rel].current
        return current is not None and current in (
            self.recorded.get(rel),
            self.intended.get(rel),
        )

    def settled(self) -> dict[str, str] | None:
        """The manifest with what an interrupted run finished, or None when none was."""
        if not self.intended:
            return None
        finished = {
            rel: h
            for rel, h in self.intended.items()
            if rel in self.found and self.found[rel].current == h
        }
        return {**self.recorded, **finished}


def _survey(out: Path, data: dict[str, bytes]) -> _Survey:
    manifest, manifest_bytes, manifest_hazard = _read_record(out, MANIFEST)
    journal, journal_bytes, journal_hazard = _read_record(out, JOURNAL)
    survey = _Survey(manifest.files, journal.files, manifest_bytes=manifest_bytes)
    survey.journal_bytes = journal_bytes
    survey.hazards += [h for h in (manifest_hazard, journal_hazard) if h]
    survey.notes += [*manifest.notes, *journal.notes]
    stale = (set(survey.recorded) | set(survey.intended)) - set(data)
    for rel in [*data, *sorted(stale)]:
        survey.found[rel] = _look(out, rel)
    return survey


@dataclass
class _Sorting:
    """Each generated path by what writing it would do, decided from the survey alone: the
    one place both a run and a dry run (:func:`preview_tree`) learn it."""

    unchanged: list[str] = field(default_factory=list)
    seeded_kept: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    to_write: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    """Of ``to_write``: nothing is there yet."""
    conflicts: list[str] = field(default_factory=list)
    """Of ``to_write``: there, but not as this tool wrote it (edited, or never written)."""


def _sort(survey: _Survey, data: dict[str, bytes], seeded: frozenset[str]) -> _Sorting:
    sorting = _Sorting()
    for rel, content in data.items():
        here = survey.found[rel]
        if here.hazard is not None:
            survey.hazards.append(here.hazard)
            continue
        if rel in seeded and here.current is not None:
            if here.current != digest(content):
                sorting.seeded_kept.append(rel)
            else:
                sorting.unchanged.append(rel)
            continue
        if here.current is not None and (
            here.current == survey.intended.get(rel) != survey.recorded.get(rel)
        ):
            sorting.recovered.append(rel)
        if here.current == digest(content):
            sorting.unchanged.append(rel)
            continue
        if here.current is None:
            sorting.created.append(rel)
        elif not survey.ours(rel):
            sorting.conflicts.append(rel)
        sorting.to_write.append(rel)
    return sorting


def _plan(
    out: Path,
    data: dict[str, bytes],
    *,
    force: bool,
    keep_edited: bool,
    seeded: frozenset[str] = frozenset(),
) -> _Plan:
    survey = _survey(out, data)
    sorting = _sort(survey, data, seeded)
    report = WriteReport(
        unchanged=sorting.unchanged,
        seeded_kept=sorting.seeded_kept,
        recovered=sorting.recovered,
        created=sorting.created,
        notes=list(survey.notes),
    )
    conflicts = sorting.conflicts
    to_write = sorting.to_write
    if survey.hazards:
        edited = [] if force else [str(out / rel) for rel in conflicts]
        raise UnsafeOutputError(survey.hazards, edited)
    if conflicts and keep_edited and not force:
        to_write = [rel for rel in to_write if rel not in conflicts]
        report.kept_edited += sorted(conflicts)
    elif conflicts and not force:
        raise OutputConflictError([str(out / rel) for rel in conflicts])
    else:
        report.forced = sorted(conflicts)
    report.written = list(to_write)
    _plan_stale(survey, set(data), report)
    return _Plan(
        report=report,
        to_write=to_write,
        modes={
            rel: stat.st_mode & 0o777
            for rel in to_write
            if (stat := survey.found[rel].entry.stat) is not None
        },
        remove=report.removed,
        leftovers=_leftovers(out, [*survey.found, MANIFEST, JOURNAL]),
        settled=survey.settled(),
        manifest=dump_record(
            _new_manifest(survey, data, {*report.kept_edited, *report.seeded_kept})
        ),
        manifest_before=survey.manifest_bytes,
        journal_before=survey.journal_bytes is not None,
    )


def _plan_stale(survey: _Survey, generated: set[str], report: WriteReport) -> None:
    """Files recorded before but no longer generated: removed when still as written."""
    for rel, here in survey.found.items():
        if rel in generated or (here.current is None and here.hazard is None):
            continue
        if here.hazard is not None:
            report.notes.append(f"not removed: {here.hazard}")
        elif survey.ours(rel):
            report.removed.append(rel)
        else:
            report.kept_edited.append(rel)


def _new_manifest(survey: _Survey, data: dict[str, bytes], kept: set[str]) -> dict[str, str]:
    """Generated files and their hashes; a kept edit keeps the hash it was generated with,
    so it stays protected."""
    hashes = {
        rel: survey.recorded.get(rel) or survey.intended.get(rel) or ""
        if rel in kept
        else digest(content)
        for rel, content in data.items()
    }
    return {rel: h for rel, h in hashes.items() if h}


def _leftovers(out: Path, rels: list[str]) -> list[Path]:
    """Staged files an interrupted run left (fixed names beside the paths it wrote)."""
    found: list[Path] = []
    for rel in rels:
        parts = _parts(rel)
        entry = inspect(out, (*parts[:-1], f".{parts[-1]}{TEMP_SUFFIX}"))
        if not entry.blocked and entry.kind not in (Kind.ABSENT, Kind.DIRECTORY):
            found.append(entry.path)
    return found


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output directory for the whole run.

    The lock is taken on the directory itself, so a refused run leaves the tree exactly
    as it was and nothing needs committing or ignoring; the kernel drops it when the
    process dies, so a killed run never leaves a stale lock. A second run fails at once
    rather than waiting: two runs into one directory is a mistake in a script, and
    whichever ran last would silently decide the result."""
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusyError(out) from None
        except OSError:
            pass  # a file system without locks (some network mounts): the journal still recovers
        yield
    finally:
        os.close(fd)


def _ensure_directory(out: Path) -> None:
    if not _existing_directory(out):
        _create_directory(out)


def _existing_directory(out: Path) -> bool:
    """Whether ``out`` is already a directory; False when nothing is there yet, an error
    when something else is."""
    try:
        if out.is_dir():
            return True
        if out.is_symlink() and not out.exists():
            raise InfraArchitectError(
                f"{out}: is a symbolic link to nothing\n  fix: remove it, or choose another "
                "--output directory"
            )
        if out.exists():
            raise InfraArchitectError(
                f"{out}: exists and is not a directory\n  fix: choose another --output directory"
            )
    except OSError as exc:
        raise InfraArchitectError(
            f"{out}: cannot read the output directory: {exc.strerror or exc}\n"
            "  fix: choose an --output directory you can read"
        ) from None
    return False


def _create_directory(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), out.parent)
        raise InfraArchitectError(
            f"{out}: cannot create the output directory: {blocker} is not a directory\n"
            "  fix: choose an --output path whose parents are directories"
        ) from None
    except OSError as exc:
        raise InfraArchitectError(
            f"{out}: cannot create the output directory: {exc.strerror or exc}\n"
            "  fix: choose an --output directory you can write to"
        ) from None


def _cannot(exc: OSError, consequence: str) -> OutputWriteError:
    where = exc.filename if exc.filename is not None else "the output directory"
    return OutputWriteError(
        f"{where}: cannot write ({exc.strerror or exc}); {consequence}\n"
        "  fix: make the output directory writable (and free some space if it is full), or "
        "choose another --output directory"
    )


def _make_directories(out: Path, rel: str, created: list[Path]) -> Path:
    """Create the missing directories above ``rel`` (each checked to be a real directory
    before anything is made inside it); returns the path of ``rel``."""
    current = out
    for part in _parts(rel)[:-1]:
        current /= part
        kind = _kind_at(current)
        if kind is Kind.ABSENT:
            with contextlib.suppress(FileExistsError):
                current.mkdir()
                created.append(current)
            kind = _kind_at(current)
        if kind is not Kind.DIRECTORY:
            raise UnsafeOutputError([_describe(Entry(kind, current, blocked=True))], [])
    return current / _parts(rel)[-1]


def _kind_at(path: Path) -> Kind:
    try:
        return kind_of(path.lstat().st_mode)
    except FileNotFoundError:
        return Kind.ABSENT


@dataclass
class _Staged:
    files: list[tuple[Path, Path]] = field(default_factory=list)
    """(staged file, target) pairs, in the order they are swapped in."""
    directories: list[Path] = field(default_factory=list)

    def discard(self) -> None:
        for staged, _ in self.files:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
        for directory in reversed(self.directories):
            with contextlib.suppress(OSError):
                directory.rmdir()


def _stage(out: Path, data: dict[str, bytes], plan: _Plan) -> _Staged:
    staged = _Staged()
    try:
        for rel in plan.to_write:
            target = _make_directories(out, rel, staged.directories)
            temporary = _temporary(target)
            # listed before it exists: a Ctrl-C landing between the two cannot leave a
            # staged file nothing will discard (the fixed name is ours; none is there)
            staged.files.append((temporary, target))
            fd = create_new(temporary, NEW_FILE_MODE)
            try:
                write_all(fd, data[rel])
                if rel in plan.modes:
                    os.fchmod(fd, plan.modes[rel])
            finally:
                os.close(fd)
        # Every staged file is flushed before the first rename, so a rename never exposes
        # a file whose data a power loss could still take (a killed process loses nothing
        # either way). The flushes run concurrently: the filesystem commits them together
        # (6,000 files of a large design: ~4x less waiting than one after another).
        with ThreadPoolExecutor(max_workers=FSYNC_WORKERS) as pool:
            list(pool.map(_flush, [staged_file for staged_file, _ in staged.files]))
    except BaseException:
        staged.discard()
        raise
    return staged


FSYNC_WORKERS = 16
"""Flushes in flight at once: enough for the filesystem's journal to commit many
together; each holds one file descriptor only while it flushes."""


def _flush(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_record(out: Path, rel: str, files: dict[str, str]) -> None:
    _write_state(out, rel, dump_record(files))


def _write_state(out: Path, rel: str, content: bytes) -> None:
    path = out / rel
    if _kind_at(path.parent) is Kind.ABSENT:  # checked to be a real directory if present
        path.parent.mkdir(exist_ok=True)
    prepare_write(path, content, temporary=_temporary(path)).commit()
    fsync_directory(path.parent)


def _apply(
    out: Path, data: dict[str, bytes], plan: _Plan, before_swap: Callable[[], None] | None
) -> None:
    staged = _prepare(out, data, plan)
    try:
        if before_swap is not None:
            before_swap()
    except BaseException:
        staged.discard()
        _forget_journal(out, plan)
        raise
    try:
        _swap(out, plan, staged)
    except OSError as exc:
        message = f"{out} is part written; run the same command again to finish it"
        raise _cannot(exc, message) from None
    finally:
        _Staged(staged.files).discard()  # what was not swapped in (none after success)


def _prepare(out: Path, data: dict[str, bytes], plan: _Plan) -> _Staged:
    """Steps 3 and 4 of the module docstring; on any failure the tree is as it was."""
    try:
        for leftover in plan.leftovers:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        if plan.settled is not None and plan.changes:
            _write_record(out, MANIFEST, plan.settled)
        if plan.changes:
            _write_record(out, JOURNAL, {rel: digest(data[rel]) for rel in plan.to_write})
        return _stage(out, data, plan)
    except BaseException as exc:
        _forget_journal(out, plan)
        if isinstance(exc, OSError):
            raise _cannot(exc, f"nothing in {out} was changed") from None
        raise


def _forget_journal(out: Path, plan: _Plan) -> None:
    """Remove the journal of a run that stopped before changing any file (a settled
    manifest, when one was written, already records what an earlier run finished)."""
    if plan.changes:
        with contextlib.suppress(OSError):
            (out / JOURNAL).unlink()


def _swap(out: Path, plan: _Plan, staged: _Staged) -> None:
    """Steps 5 and 6 of the module docstring."""
    while staged.files:
        temporary, target = staged.files[0]
        temporary.replace(target)
        staged.files.pop(0)
    for rel in plan.remove:
        with contextlib.suppress(FileNotFoundError):
            (out / rel).unlink()
    emptied = _remove_emptied_directories(out, plan.remove)
    touched = {(out / rel).parent for rel in [*plan.to_write, *plan.remove]}
    touched |= {directory.parent for directory in emptied}  # a removed one is skipped
    for directory in sorted(touched):
        fsync_directory(directory)
    if plan.changes or plan.manifest != plan.manifest_before:
        _write_state(out, MANIFEST, plan.manifest)
    if plan.journal_before or plan.changes:
        with contextlib.suppress(FileNotFoundError):
            (out / JOURNAL).unlink()
        fsync_directory((out / JOURNAL).parent)


def _remove_emptied_directories(out: Path, removed: list[str]) -> set[Path]:
    """The directories above removed files that the removals left empty, removed deepest
    first up to (not including) ``out``. rmdir refuses a directory holding anything, so a
    directory with a file of the user's in it stays; one that held none of the removed
    files is never looked at."""
    candidates = {
        out.joinpath(*_parts(rel)[:depth])
        for rel in removed
        for depth in range(1, len(_parts(rel)))
    }
    gone: set[Path] = set()
    for directory in sorted(candidates, key=lambda p: len(p.parts), reverse=True):
        try:
            directory.rmdir()
        except OSError:  # not empty, already gone, or not a directory
            continue
        gone.add(directory)
    return gone


def write_tree(
    out: Path,
    files: dict[str, str],
    *,
    force: bool,
    keep_edited: bool = False,
    before_swap: Callable[[], None] | None = None,
    seeded: frozenset[str] = frozenset(),
) -> WriteReport:
    """Write ``files`` (relative path → text) under ``out``; see the module docstring.

    ``keep_edited``: instead of refusing, leave every file the user edited as it is (and
    name it in the report); the manifest keeps its old hash, so it stays protected.
    ``before_swap``: called once every file is staged (so the whole tree is known to be
    writable) and before the first one replaces its target; if it raises, the tree is left
    as it was (``add-service`` stages its spec there).
    ``seeded``: paths written only when absent; once there they belong to whoever fills
    them (a Terraform output, the pipeline's released digests) and are never rewritten,
    not even with ``force``."""
    for rel in files:
        _safe_relative(rel)
    data = {rel: text.encode("utf-8") for rel, text in files.items()}
    _ensure_directory(out)
    try:
        with _locked(out):
            try:
                plan = _plan(out, data, force=force, keep_edited=keep_edited, seeded=seeded)
            except OSError as exc:
                raise _cannot(exc, "nothing was written") from None
            _apply(out, data, plan, before_swap)
    except OSError as exc:  # the directory itself could not be opened for the lock
        raise _cannot(exc, "nothing was written") from None
    return plan.report


@dataclass(frozen=True)
class TreePreview:
    """What :func:`write_tree` would do to a directory, found without writing anything
    (``design --dry-run``); sorted by the same survey and rules as the write itself."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    """Generated files, as this tool last wrote them, that would be replaced."""
    edited: tuple[str, ...]
    """Files that would be replaced but were edited (or never written by this tool): a run
    refuses them without ``force``."""
    removed: tuple[str, ...]
    """Files no longer generated, still as written: a run removes them."""
    kept: tuple[str, ...]
    """Files no longer generated but edited since: a run leaves them as they are."""
    blocked: tuple[str, ...]
    """Generated paths where something other than a regular file stands: a run refuses
    them even with ``force``."""
    unchanged: int
    notes: tuple[str, ...]

    @property
    def changes(self) -> bool:
        return bool(self.added or self.changed or self.edited or self.removed or self.blocked)


def preview_tree(
    out: Path, files: dict[str, str], *, seeded: frozenset[str] = frozenset()
) -> TreePreview:
    """What ``write_tree(out, files, seeded=seeded)`` would do; reads only (no lock, no
    journal, no staged file, no directory created)."""
    for rel in files:
        _safe_relative(rel)
    if not _existing_directory(out):
        return TreePreview(tuple(sorted(files)), (), (), (), (), (), 0, ())
    data = {rel: text.encode("utf-8") for rel, text in files.items()}
    try:
        survey = _survey(out, data)
    except OSError as exc:
        raise _cannot(exc, "nothing was written") from None
    sorting = _sort(survey, data, seeded)
    stale = WriteReport()
    _plan_stale(survey, set(data), stale)
    edited = set(sorting.conflicts)
    return TreePreview(
        added=tuple(sorted(sorting.created)),
        changed=tuple(sorted(set(sorting.to_write) - edited - set(sorting.created))),
        edited=tuple(sorted(edited)),
        removed=tuple(sorted(stale.removed)),
        kept=tuple(sorted(stale.kept_edited)),
        blocked=tuple(sorted(set(survey.hazards))),
        unchanged=len(sorting.unchanged) + len(sorting.seeded_kept),
        notes=(*survey.notes, *stale.notes),
    )


def read_generated(out: Path, rel: str) -> bytes | None:
    """The bytes at ``out/rel`` when a regular file is there (read as the survey reads:
    never through a link), else None."""
    entry = inspect(out, _parts(rel))
    if not entry.is_plain or entry.stat is None:
        return None
    try:
        return read_regular(entry.path, entry.stat, MAX_HASHED_BYTES)
    except OSError:
        return None
