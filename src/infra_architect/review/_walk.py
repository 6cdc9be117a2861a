"""Find what a review reads in a user's tree, safely: never out of it, never forever.

The walk never follows a symlink out of the root (nor into a loop), skips files over
the size limit, stops after the file limit or the time budget, bounds the depth, and
decodes text as UTF-8 or skips the file. Every skip is kept with its reason, so the
report can say what was not read; a skip is "by design" only when nothing is lost by it
(a directory already read through another path): any other makes the review incomplete.
Reading is all it does: nothing is executed.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from infra_architect._io import UnreadableFileError, kind_of, read_input


class Kind(StrEnum):
    TERRAFORM = "terraform"
    PLAN = "terraform-plan"
    TFVARS = "terraform-variables"
    MODULES_MANIFEST = "terraform-modules-manifest"
    KUBERNETES = "kubernetes"
    KUSTOMIZATION = "kustomization"
    WORKFLOW = "workflow"


class Limits(BaseModel):
    """How much a review reads; the defaults fit a large monorepo."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_bytes: int = Field(default=5 * 1024 * 1024, ge=1)
    max_files: int = Field(default=50_000, ge=1)
    max_depth: int = Field(default=40, ge=1)
    seconds: float = Field(default=60.0, gt=0)


class Found(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Relative to the root, forward slashes.")
    kind: Kind
    text: str


class Skipped(BaseModel):
    """Something the review did not read or build, and why. Unless left out by design
    (a patch reviewed through its overlay, a Helm template, a remote module), the review
    is incomplete: a gate must not pass on it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    reason: str
    by_design: bool = Field(
        default=False, description="Left out on purpose and reported; else: could not read."
    )


class Walk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    files: list[Found]
    skipped: list[Skipped]
    stopped: str | None = Field(default=None, description="Why the walk ended early.")


TERRAGRUNT_FILE = "terragrunt.hcl"
TERRAGRUNT_REASON = (
    "Terragrunt configuration: not read (review the Terraform modules it calls, "
    "or a plan: terraform show -json)"
)
IGNORED_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__"})
TERRAFORM_DIR = ".terraform"
"""Terraform's working directory: only its ``modules`` (what ``terraform init``
installed) is read, and in it only .tf files and the manifest; never the providers."""
MODULES_MANIFEST = ".terraform/modules/modules.json"


def classify(relative: str) -> Kind | None:
    """What a file is, from its path alone (contents are checked by the parsers)."""
    name = relative.rsplit("/", 1)[-1]
    lower = name.lower()
    if f"/{TERRAFORM_DIR}/" in f"/{relative}":  # an installed module's copy: its code only
        if f"/{relative}".endswith(f"/{MODULES_MANIFEST}"):
            return Kind.MODULES_MANIFEST
        return Kind.TERRAFORM if lower.endswith(".tf") else None
    if lower.endswith(".tf"):
        return Kind.TERRAFORM
    if lower.endswith((".tfplan.json", ".plan.json")) or lower == "plan.json":
        return Kind.PLAN
    if lower.endswith((".tfvars", ".tfvars.json")):
        return Kind.TFVARS
    if name == "Kustomization":  # kustomize's third file name, no extension
        return Kind.KUSTOMIZATION
    if not lower.endswith((".yaml", ".yml")):
        return None
    if "/.github/workflows/" in f"/{relative}":
        return Kind.WORKFLOW
    if lower in ("kustomization.yaml", "kustomization.yml"):
        return Kind.KUSTOMIZATION
    return Kind.KUBERNETES


def walk(
    root: Path, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic
) -> Walk:
    """Every reviewable file under ``root`` (sorted), and what was skipped and why."""
    return _Walker(root.resolve(), limits or Limits(), clock).run()


class _Walker:
    def __init__(self, base: Path, limits: Limits, clock: Callable[[], float]) -> None:
        self.base = base
        self.limits = limits
        self.clock = clock
        self.files: list[Found] = []
        self.skipped: list[Skipped] = []
        self.seen: set[tuple[int, int]] = set()
        self.stack: list[tuple[Path, int]] = [(base, 0)]
        self.stopped: str | None = None

    def run(self) -> Walk:
        deadline = self.clock() + self.limits.seconds
        while self.stack and self.stopped is None:
            if self.clock() > deadline:
                self.stopped = f"time budget of {self.limits.seconds:g} s spent"
                break
            directory, depth = self.stack.pop()
            self._directory(directory, depth)
        return Walk(
            files=sorted(self.files, key=lambda f: f.path),
            skipped=sorted(self.skipped, key=lambda s: (s.path, s.reason)),
            stopped=self.stopped,
        )

    def _skip(self, path: Path, reason: str, *, by_design: bool = False) -> None:
        self.skipped.append(Skipped(path=_rel(path, self.base), reason=reason, by_design=by_design))

    def _directory(self, directory: Path, depth: int) -> None:
        identity = _identity(directory)
        if identity is None:
            self._skip(directory, "unreadable: it vanished or cannot be examined")
            return
        if identity in self.seen:
            self._skip(directory, "directory already read", by_design=True)
            return
        self.seen.add(identity)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name, reverse=True)
        except OSError as exc:
            self._skip(directory, f"unreadable: {exc.strerror}")
            return
        for entry in entries:
            if self.stopped is not None:
                return
            self._entry(Path(entry.path), entry.name, depth)

    def _entry(self, path: Path, name: str, depth: int) -> None:
        target = _inside(path, self.base)
        if target is None:
            # A link out of the tree to a file review would not read anyway loses nothing;
            # one to a directory or to a kind it reads does (its contents are unknown).
            harmless = classify(_rel(path, self.base)) is None and not path.is_dir()
            self._skip(path, "symlink leads outside the tree", by_design=harmless)
            return
        try:
            info = target.stat()
        except OSError as exc:
            self._skip(path, f"unreadable: {exc.strerror}")
            return
        if stat.S_ISDIR(info.st_mode):
            if name in IGNORED_DIRS:
                return
            if path.parent.name == TERRAFORM_DIR and name != "modules":
                return  # providers, the lock and state of terraform init: not code
            if depth + 1 > self.limits.max_depth:
                self._skip(path, f"deeper than {self.limits.max_depth} directories")
                return
            self.stack.append((path, depth + 1))
            return
        rel = _rel(path, self.base)
        kind = classify(rel)
        if kind is None:
            if name == TERRAGRUNT_FILE:
                # Named, so a Terragrunt tree is not reported as a clean, empty one.
                self._skip(path, TERRAGRUNT_REASON, by_design=True)
            return
        if not stat.S_ISREG(info.st_mode):
            self._skip(path, f"{kind_of(info.st_mode).value}, not a regular file: not read")
            return
        if len(self.files) >= self.limits.max_files:
            self.stopped = f"file limit of {self.limits.max_files:,} reached"
            return
        if info.st_size > self.limits.max_file_bytes:
            self._skip(
                path,
                f"{info.st_size:,} bytes, over the {self.limits.max_file_bytes:,}-byte limit",
            )
            return
        text = _read(target, self.limits.max_file_bytes)
        if isinstance(text, UnreadableFileError):
            self._skip(path, text.reason)
            return
        self.files.append(Found(path=rel, kind=kind, text=text))


def parent(path: str) -> str:
    """The directory of a walked path ("." at the root)."""
    return path.rpartition("/")[0] or "."


def join(directory: str, relative: str) -> str | None:
    """A path relative to a walked directory, normalised; None when it climbs out of the
    reviewed root."""
    parts: list[str] = []
    for part in f"{directory}/{relative}".split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or "."


def _identity(directory: Path) -> tuple[int, int] | None:
    try:
        info = directory.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _inside(path: Path, base: Path) -> Path | None:
    """The real path when it stays under ``base``; None for a link out or a broken one."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real != base and base not in real.parents:
        return None
    return real


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _read(path: Path, limit: int) -> str | UnreadableFileError:
    """The file's text, when it is still a regular file of at most ``limit`` bytes: it
    may have been swapped for a pipe, or grown, since it was examined."""
    try:
        data = read_input(path, limit, follow_links=False)
    except UnreadableFileError as exc:
        return exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return UnreadableFileError(path, "not UTF-8 text")


def repository_root(path: Path) -> Path | None:
    """The nearest directory at or over ``path`` holding ``.git`` (a directory, or a
    file in a worktree or submodule); only existence is checked, nothing above ``path``
    is read. How far a reviewed overlay's ``..`` may reach, and where SARIF paths start."""
    real = path.resolve()
    for candidate in (real, *real.parents):
        if (candidate / ".git").exists():
            return candidate
    return None
