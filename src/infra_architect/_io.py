"""File system operations at the edge of the program.

Writes are atomic (a temporary file in the same directory, then one rename) and create
files with the permissions the user's umask gives, like any other tool; a replaced file
keeps its mode. Reads of paths that came from an untrusted place (an output directory
someone else committed) go through :func:`inspect` first: only a regular file under real
directories is ever opened, never through a symbolic link, never a pipe or a device.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

NEW_FILE_MODE = 0o666
"""Mode asked for when creating a file; the kernel removes the umask bits from it."""

CHUNK = 1 << 16


class Kind(enum.Enum):
    """What is at a path, told by ``lstat`` (never following a link)."""

    ABSENT = "absent"
    FILE = "a regular file"
    DIRECTORY = "a directory"
    SYMLINK = "a symbolic link"
    FIFO = "a named pipe (FIFO)"
    DEVICE = "a device"
    SOCKET = "a socket"


@dataclass(frozen=True, slots=True)
class Entry:
    """The first thing found on the way to a path under a root: the path itself when every
    directory above it is a real directory, otherwise the component that is not."""

    kind: Kind
    path: Path
    """The path ``kind`` describes: the target, or the component that blocked the way."""
    blocked: bool = False
    """True when ``path`` is a component above the target that is not a real directory."""
    stat: os.stat_result | None = None

    @property
    def is_plain(self) -> bool:
        """Nothing in the way: the target is absent or a regular file."""
        return not self.blocked and self.kind in (Kind.ABSENT, Kind.FILE)


def kind_of(mode: int) -> Kind:
    if stat.S_ISREG(mode):
        return Kind.FILE
    if stat.S_ISDIR(mode):
        return Kind.DIRECTORY
    if stat.S_ISLNK(mode):
        return Kind.SYMLINK
    if stat.S_ISFIFO(mode):
        return Kind.FIFO
    if stat.S_ISSOCK(mode):
        return Kind.SOCKET
    return Kind.DEVICE


def inspect(root: Path, parts: tuple[str, ...]) -> Entry:
    """What is at ``root/parts…`` without following any link below ``root``.

    ``root`` itself is the directory the user named and is taken as given. Every
    component after it is ``lstat``-ed: a link, a file or anything else where a directory
    should be stops the walk and is returned, so no caller ever reads or writes through it.
    """
    current = root
    for index, part in enumerate(parts):
        current = current / part
        try:
            found = current.lstat()
        except FileNotFoundError:
            return Entry(Kind.ABSENT, root.joinpath(*parts))
        kind = kind_of(found.st_mode)
        if index == len(parts) - 1:
            return Entry(kind, current, stat=found)
        if kind is not Kind.DIRECTORY:
            return Entry(kind, current, blocked=True, stat=found)
    return Entry(Kind.DIRECTORY, current)


class NotRegularFileError(OSError):
    """The path stopped being the regular file that was inspected (a race, or a swap)."""


def open_regular(path: Path, expected: os.stat_result) -> int:
    """Open a file ``lstat`` said is regular, refusing anything else that may be there now.

    O_NOFOLLOW refuses a link swapped in since; O_NONBLOCK keeps a FIFO swapped in from
    blocking the open; the ``fstat`` check refuses anything that is not the same file."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(path, flags)
    opened = os.fstat(fd)
    same = (opened.st_dev, opened.st_ino) == (expected.st_dev, expected.st_ino)
    if not stat.S_ISREG(opened.st_mode) or not same:
        os.close(fd)
        raise NotRegularFileError(f"{path}: changed while being read")
    return fd


def hash_regular(path: Path, expected: os.stat_result, limit: int) -> str | None:
    """SHA-256 of a regular file read in chunks; None when it is larger than ``limit``
    (no file the tool writes is that large, so it cannot be one of them)."""
    if expected.st_size > limit:
        return None
    fd = open_regular(path, expected)
    digest = hashlib.sha256()
    total = 0
    try:
        while chunk := os.read(fd, CHUNK):
            total += len(chunk)
            if total > limit:
                return None
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()


def read_regular(path: Path, expected: os.stat_result, limit: int) -> bytes | None:
    """The bytes of a regular file, or None when it is larger than ``limit``."""
    if expected.st_size > limit:
        return None
    fd = open_regular(path, expected)
    try:
        return _read_bounded(fd, path, limit)
    except UnreadableFileError:
        return None
    finally:
        os.close(fd)


class UnreadableFileError(OSError):
    """An input path that is not a regular file readable within bounds; ``reason`` says
    what is there in words ("a named pipe (FIFO), not a regular file")."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason


def open_input(path: Path, *, follow_links: bool = True) -> int:
    """A descriptor on the regular file at ``path``, an input the user gave (a spec, an
    export, a reviewed file). What is there is examined first and anything but a regular
    file is refused unopened (opening a device can act); the open itself cannot block or
    follow a swapped-in link (O_NONBLOCK, O_NOCTTY, O_NOFOLLOW unless ``follow_links``)
    and the kind is checked again on the descriptor."""
    try:
        found = path.stat(follow_symlinks=follow_links)
    except FileNotFoundError:
        raise UnreadableFileError(path, "does not exist") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"unreadable ({exc.strerror})") from None
    _refuse_unless_regular(path, found.st_mode)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFileError(path, f"unreadable ({exc.strerror})") from None
    try:
        _refuse_unless_regular(path, os.fstat(fd).st_mode)
    except UnreadableFileError:
        os.close(fd)
        raise
    return fd


def _refuse_unless_regular(path: Path, mode: int) -> None:
    kind = kind_of(mode)
    if kind is Kind.SYMLINK:
        raise UnreadableFileError(path, "a symbolic link: not followed")
    if kind is not Kind.FILE:
        raise UnreadableFileError(path, f"{kind.value}, not a regular file: not read")


def read_input(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of the input file at ``path`` (see :func:`open_input`), at most ``limit``
    of them: a larger file, or one that grows past it while read, is refused."""
    fd = open_input(path, follow_links=follow_links)
    try:
        return _read_bounded(fd, path, limit)
    except UnreadableFileError:
        raise
    except OSError as exc:
        raise UnreadableFileError(path, f"unreadable ({exc.strerror})") from None
    finally:
        os.close(fd)


def _read_bounded(fd: int, path: Path, limit: int) -> bytes:
    size = os.fstat(fd).st_size
    if size > limit:
        raise UnreadableFileError(path, f"{size:,} bytes, over the {limit:,}-byte limit")
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(fd, CHUNK):
        total += len(chunk)
        if total > limit:
            raise UnreadableFileError(path, f"grew over the {limit:,}-byte limit while read")
        chunks.append(chunk)
    return b"".join(chunks)


def create_new(path: Path, mode: int = NEW_FILE_MODE) -> int:
    """Create ``path`` for writing; fails if anything (even a dangling link) is there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.open(path, flags, mode)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def fsync_directory(path: Path) -> None:
    """Make a rename or removal in ``path`` durable (a no-op where directories cannot be
    opened for it)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class PendingWrite:
    """A replacement staged beside its target: :meth:`commit` makes it the file in one
    rename, :meth:`discard` removes it. Until then the target is untouched."""

    target: Path
    temporary: Path

    def commit(self) -> None:
        try:
            self.temporary.replace(self.target)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()


def prepare_write(path: Path, data: bytes, *, temporary: Path | None = None) -> PendingWrite:
    """Stage ``data`` for ``path``: written and flushed to disk in a new file beside it.

    A new file gets the mode the umask allows (the kernel applies it to 0666); an existing
    one keeps its mode. ``temporary`` names the staged file (callers that must recognise
    their leftovers pass a fixed name); by default a random name is used."""
    existing = path.stat().st_mode & 0o777 if path.exists() else None
    while True:
        staged = temporary or path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = create_new(staged)
            break
        except FileExistsError:
            if temporary is not None:
                raise
    try:
        try:
            write_all(fd, data)
            if existing is not None:
                os.fchmod(fd, existing)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        raise
    return PendingWrite(path, staged)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half.

    The data goes to a temporary file in the same directory, is flushed to disk, and
    replaces the target in one rename. An existing file keeps its permissions; a new one
    gets what the umask allows."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """:func:`atomic_write_text` for bytes (images)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    prepare_write(path, data).commit()
