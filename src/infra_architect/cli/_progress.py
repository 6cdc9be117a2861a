"""What a command says while it works, and after: a status line for each slow step, the
step's duration under --verbose, and a closing "next:" line. All of it goes to stderr,
so stdout (tables, --format json, SARIF) is the same whatever the verbosity; the status
line is drawn only on a terminal, so a pipe or a CI log gets none of it.

The verbosity is the root command's --quiet/--verbose, set once per invocation by the
root callback before any command runs: the commands are loaded lazily from their own
modules, and this is the one place they all reach."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from infra_architect.cli._common import stderr


@dataclass(frozen=True)
class Verbosity:
    quiet: bool = False
    """Only errors and the final result: no status line, no timings, no "next:" line."""
    verbose: bool = False
    """Each step with its duration."""


_current = Verbosity()


def configure(verbosity: Verbosity) -> None:
    """Set by the root callback for the whole invocation."""
    global _current  # noqa: PLW0603  (one invocation, one verbosity: see the module docstring)
    _current = verbosity


def current() -> Verbosity:
    return _current


def _live() -> bool:
    """Whether a status line may be drawn: a terminal that is not asked to be quiet."""
    return stderr.is_terminal and not _current.quiet


@contextmanager
def step(label: str, *, status: bool = True) -> Iterator[None]:
    """One phase of a command: a status line while it runs (``status=False`` where the
    phase may ask questions on the terminal), its duration afterwards under --verbose."""
    start = time.perf_counter()
    if status and _live():
        with stderr.status(f"{label}…"):
            yield
    else:
        yield
    if _current.verbose and not _current.quiet:
        stderr.print(f"  {label}: {time.perf_counter() - start:.2f} s", markup=False)


class Counter:
    """Progress of many concurrent jobs: how many are done of how many started, and the
    last one that finished. Called from worker threads."""

    def __init__(self, progress: Progress | None, label: str) -> None:
        self._progress = progress
        self._label = label
        self._lock = threading.Lock()
        self.total = 0
        self.done = 0
        self._task = progress.add_task(label, total=None) if progress is not None else None

    def started(self) -> None:
        with self._lock:
            self.total += 1
            self._refresh("")

    def finished(self, what: str) -> None:
        with self._lock:
            self.done += 1
            self._refresh(what)

    def _refresh(self, what: str) -> None:
        if self._progress is None or self._task is None:
            return
        description = f"{self._label}: finished {what}" if what else self._label
        self._progress.update(
            self._task, total=self.total, completed=self.done, description=description
        )


@contextmanager
def counted(label: str) -> Iterator[Counter]:
    """A progress bar of concurrent jobs (``N/M`` and the last that finished) on a
    terminal; the count and the duration under --verbose."""
    start = time.perf_counter()
    if _live():
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=stderr,
            transient=True,
        )
        with progress:
            counter = Counter(progress, label)
            yield counter
    else:
        counter = Counter(None, label)
        yield counter
    if _current.verbose and not _current.quiet:
        stderr.print(
            f"  {label}: {counter.done} jobs, {time.perf_counter() - start:.2f} s", markup=False
        )


def next_step(*commands: str) -> None:
    """The closing "next:" line: what a user usually runs after this command. Callers
    leave it out for machine formats (json, sarif); --quiet leaves it out too."""
    if _current.quiet or not commands:
        return
    stderr.print(f"next: {commands[0]}", markup=False, highlight=False)
    for command in commands[1:]:
        stderr.print(f"  or: {command}", markup=False, highlight=False)
