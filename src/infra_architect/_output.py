"""Writing a generated tree: atomic files and a manifest that protects the user's edits.

``.infra-architect/manifest.json`` records the SHA-256 of every file the last run
wrote. A re-run replaces a file only when it is unchanged since then (or absent, or
already identical); a file the user edited, or one the tool never wrote, is refused
unless ``force`` — every such file is named before anything is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from infra_architect._io import atomic_write_text
from infra_architect.errors import InfraArchitectError, OutputConflictError

MANIFEST = ".infra-architect/manifest.json"
MANIFEST_VERSION = 1


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def read_manifest(out: Path) -> dict[str, str]:
    """Hashes recorded by the last run; an unreadable manifest protects everything."""
    path = out / MANIFEST
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text("utf-8"))
        files = document["files"]
        if not isinstance(files, dict):
            return {}
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return {}


def _current(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _safe_relative(rel: str) -> None:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts:
        raise ValueError(f"generated path escapes the output directory: {rel}")


def write_tree(
    out: Path, files: dict[str, str], *, force: bool, keep_edited: bool = False
) -> WriteReport:
    """Write ``files`` (relative path → text) under ``out``; see the module docstring.

    ``keep_edited``: instead of refusing, leave every file the user edited as it is (and
    name it in the report); the manifest keeps its old hash, so it stays protected."""
    if out.exists() and not out.is_dir():
        raise InfraArchitectError(
            f"{out}: exists and is not a directory\n  fix: choose another --output directory"
        )
    recorded = read_manifest(out)
    report = WriteReport()
    conflicts: list[str] = []
    to_write: list[str] = []
    for rel, text in files.items():
        _safe_relative(rel)
        current = _current(out / rel)
        if current == digest(text):
            report.unchanged.append(rel)
            continue
        if current is not None and recorded.get(rel) != current:
            conflicts.append(rel)
        to_write.append(rel)
    if conflicts and keep_edited and not force:
        to_write = [rel for rel in to_write if rel not in conflicts]
        report.kept_edited += sorted(conflicts)
    elif conflicts and not force:
        raise OutputConflictError([str(out / rel) for rel in conflicts])
    else:
        report.forced = sorted(conflicts)
    for rel in to_write:
        atomic_write_text(out / rel, files[rel])
        report.written.append(rel)
    for rel in sorted(set(recorded) - set(files)):
        path = out / rel
        current = _current(path)
        if current is None:
            continue
        if current == recorded[rel]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            report.removed.append(rel)
        else:
            report.kept_edited.append(rel)
    kept = set(report.kept_edited)
    hashes = {rel: recorded.get(rel, "") if rel in kept else digest(files[rel]) for rel in files}
    hashes = {rel: h for rel, h in hashes.items() if h}
    manifest = {
        "version": MANIFEST_VERSION,
        "generator": "infra-architect",
        "files": dict(sorted(hashes.items())),
    }
    atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return report
