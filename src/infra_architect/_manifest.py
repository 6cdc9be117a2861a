"""The records a generated tree keeps about itself, read as untrusted input.

``.infra-architect/manifest.json`` maps each file the tool last wrote to its SHA-256;
``.infra-architect/journal.json`` exists only while a run writes, and maps each file it is
about to write to the hash it will have. Both are read back from a directory that may have
come from anywhere (a cloned repository), so every key is checked to be a plain relative
path inside the tree before anything uses it; an entry that is not is dropped and named.
Pure functions: no I/O here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

STATE_DIR = ".infra-architect"
MANIFEST = f"{STATE_DIR}/manifest.json"
JOURNAL = f"{STATE_DIR}/journal.json"
MANIFEST_VERSION = 1
GENERATOR = "infra-architect"

MAX_KEY_LENGTH = 1024
MAX_ENTRIES = 100_000
MAX_NOTES = 20
"""Ignored entries named one by one; the rest are counted (a planted manifest can hold many)."""
_HASH = re.compile(r"[0-9a-f]{64}")


def key_problem(key: object) -> str | None:
    """Why ``key`` is not a plain relative path inside the tree, or None when it is.

    Accepted: ``/``-separated names, none empty, ``.`` or ``..``; no leading ``/``; no NUL,
    backslash or control character (a backslash is a separator on Windows and a trick
    everywhere); nothing under the tool's own ``.infra-architect/``. This is exactly the
    shape of every path the tool generates, so no genuine entry is ever refused."""
    if not isinstance(key, str):
        return "is not a string"
    if not key:
        return "is empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"is longer than {MAX_KEY_LENGTH} characters"
    if "\x00" in key:
        return "contains a NUL character"
    if "\\" in key:
        return "contains a backslash"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        return "contains a control character"
    if key.startswith("/"):
        return "is an absolute path"
    parts = key.split("/")
    if ".." in parts:
        return "climbs out with '..'"
    if any(part in ("", ".") for part in parts):
        return "is not a normalised path (empty or '.' component)"
    if parts[0] == STATE_DIR:
        return f"points into the tool's own {STATE_DIR}/"
    return None


def show(key: object) -> str:
    """A key as it may be printed: repr() escapes control characters and terminal codes."""
    return repr(key) if isinstance(key, str) else f"<{type(key).__name__}>"


@dataclass(frozen=True, slots=True)
class Record:
    """Hashes a state file vouches for, and what was wrong with the rest of it."""

    files: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    readable: bool = True


def parse_record(data: bytes, source: str) -> Record:
    """The valid entries of a manifest or journal; an unreadable document vouches for
    nothing (so every existing file stays protected) and says so."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return _unreadable(source, "is not valid JSON")
    if not isinstance(document, dict):
        return _unreadable(source, "is not a JSON object")
    files = document.get("files")
    if not isinstance(files, dict):
        return _unreadable(source, "has no 'files' object")
    if len(files) > MAX_ENTRIES:
        return _unreadable(source, f"lists more than {MAX_ENTRIES} files")
    valid: dict[str, str] = {}
    notes: list[str] = []
    for key, value in files.items():
        problem = key_problem(key)
        if problem is None and not (isinstance(value, str) and _HASH.fullmatch(value)):
            problem = "has no SHA-256 hash"
        if problem is not None:
            notes.append(f"{source}: entry {show(key)} ignored: it {problem}")
            continue
        valid[key] = value
    if len(notes) > MAX_NOTES:
        notes[MAX_NOTES:] = [f"{source}: {len(notes) - MAX_NOTES} more entries ignored"]
    return Record(valid, tuple(notes))


def _unreadable(source: str, why: str) -> Record:
    note = f"{source}: {why}; ignored, so every existing file is protected as if you edited it"
    return Record({}, (note,), readable=False)


def dump_record(files: dict[str, str]) -> bytes:
    """A manifest or journal document: sorted keys, so the same tree gives the same bytes."""
    document = {
        "version": MANIFEST_VERSION,
        "generator": GENERATOR,
        "files": dict(sorted(files.items())),
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
