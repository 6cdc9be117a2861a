"""Run the infra-architect CLI in child processes, each SIGKILLed just before its K-th change
to its output directory.

``python _kill_at.py RESULTS K:DIR [K:DIR...] -- ARGS...`` (``{out}`` in ARGS is replaced by
each DIR): every change a run makes under its DIR (a file opened for writing, a rename, a
removal, a directory made or removed) is seen by a PEP 578 audit hook before it happens.
At the K-th, the process sends itself SIGKILL — the same uncatchable death as ``kill -9``
from outside: no cleanup, no ``finally``, no ``atexit`` — so a test can stop a write at
every point it has, reproducibly. With K = 0 the run is not killed and the changes it
made are listed instead, so the test knows how many points there are and what each is.

The package is imported once and each run is a forked child: a run costs its own work,
not Python's start-up. RESULTS gets one JSON object per run: its DIR, K, how it ended
("killed" or its exit code) and, for K = 0, its changes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import sys

_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT
_CHANGES = {"os.rename": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1}
_watched: str | None = None
"""The output directory of the run in this process; None in the parent."""
_kill_at = 0
_seen: list[str] = []


def _under(value: object) -> str | None:
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or _watched is None:
        return None
    path = os.path.realpath(value)
    inside = path == _watched or path.startswith(_watched + os.sep)
    return os.path.relpath(path, _watched) if inside else None


def _change(event: str, args: tuple[object, ...]) -> str | None:
    """``event path…`` when the event changes something under the watched directory."""
    if event == "open":
        mode, flags = str(args[1]) if len(args) > 1 else "", args[2] if len(args) > 2 else 0
        writing = any(c in mode for c in "wax+") or (isinstance(flags, int) and flags & _WRITING)
        paths = [_under(args[0])] if writing else []
    elif event in _CHANGES:
        paths = [_under(a) for a in args[: _CHANGES[event]]]
    else:
        return None
    inside = [p for p in paths if p is not None]
    return f"{event} {' '.join(inside)}" if inside else None


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _watched is None:
        return
    change = _change(event, args)
    if change is None:
        return
    _seen.append(change)
    if len(_seen) == _kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def _child(directory: str, kill_at: int, args: list[str], changes_file: str) -> None:
    """The body of one forked run; never returns."""
    global _watched, _kill_at  # noqa: PLW0603  (the hook reads them; set once per child)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.argv = ["infra-architect", *[a.replace("{out}", directory) for a in args]]
    _watched, _kill_at = os.path.realpath(directory), kill_at
    code = 70
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        _watched = None
        with open(changes_file, "w", encoding="utf-8") as stream:  # noqa: PTH123
            json.dump(_seen, stream)
        os._exit(code)


sys.addaudithook(_hook)
from infra_architect.cli import app, main  # noqa: E402  (imported under the hook on purpose)


def _warm_up(cli: list[str], scratch: str) -> None:
    """One run in this process first, so each child starts with the catalog loaded and the
    templates compiled (a run costs its own work, not the first run's)."""
    args = [a.replace("{out}", scratch) for a in cli]
    quiet = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
    with quiet[0], quiet[1], contextlib.suppress(SystemExit):
        app(args, standalone_mode=False)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    results_file, rest = sys.argv[1], sys.argv[2:]
    jobs, cli = rest[: rest.index("--")], rest[rest.index("--") + 1 :]
    _warm_up(cli, f"{results_file}.warm-up")
    results = []
    for index, job in enumerate(jobs):
        point, directory = job.split(":", 1)
        changes_file = f"{results_file}.{index}"
        pid = os.fork()
        if pid == 0:
            _child(directory, int(point), cli, changes_file)
        _, status = os.waitpid(pid, 0)
        ended = (
            "killed"
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            else (f"exit {os.waitstatus_to_exitcode(status)}")
        )
        result: dict[str, object] = {"dir": directory, "kill_at": int(point), "ended": ended}
        if int(point) == 0:
            with open(changes_file, encoding="utf-8") as stream:  # noqa: PTH123
                result["changes"] = json.load(stream)
        if os.path.exists(changes_file):  # noqa: PTH110
            os.remove(changes_file)  # noqa: PTH107
        results.append(result)
    with open(results_file, "w", encoding="utf-8") as stream:  # noqa: PTH123
        json.dump(results, stream)
