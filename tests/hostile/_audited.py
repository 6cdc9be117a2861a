"""Run the infra-architect CLI under a Python audit hook (PEP 578) that records, as JSON
lines, every file opened (with its resolved path and mode), every file removed, renamed,
created or re-moded, every process started and every socket connection attempted.

Used by the hostile-input tests: ``python _audited.py LOG ARGS...``. The hook is installed
before the package is imported and writes through a handle opened first, so nothing the
tool does escapes the log."""

from __future__ import annotations

import json
import os
import sys

_LOG = open(sys.argv[1], "a", encoding="utf-8", buffering=1)  # noqa: SIM115, PTH123  (held for the run; pathlib is not imported before the hook)
_BUSY = False

_PATH_EVENTS = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.rename": (0, 1),
    "os.mkdir": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.symlink": (0, 1),
    "os.link": (0, 1),
    "os.truncate": (0,),
    "os.utime": (0,),
    "os.listdir": (0,),
    "os.scandir": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (0, 1),
    "shutil.move": (0, 1),
}
_PROCESS_EVENTS = ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system")


def _resolve(value: object) -> str | None:
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        return None
    return os.path.realpath(value)


def _hook(event: str, args: tuple[object, ...]) -> None:
    global _BUSY  # noqa: PLW0603  (re-entrancy guard of the hook itself)
    if _BUSY:
        return
    record: dict[str, object] | None = None
    _BUSY = True
    try:
        if event == "open":
            path = _resolve(args[0])
            if path is not None:
                mode = args[1] if len(args) > 1 else None
                flags = args[2] if len(args) > 2 else None
                record = {"event": event, "paths": [path], "mode": str(mode), "flags": flags}
        elif event in _PATH_EVENTS:
            paths = [_resolve(args[i]) for i in _PATH_EVENTS[event] if i < len(args)]
            record = {"event": event, "paths": [p for p in paths if p is not None]}
        elif event in _PROCESS_EVENTS:
            record = {"event": event, "args": [repr(a) for a in args]}
        elif event in ("socket.connect", "socket.sendto", "socket.getaddrinfo"):
            record = {"event": event, "args": [repr(a) for a in args[1:]]}
        if record is not None:
            _LOG.write(json.dumps(record) + "\n")
    finally:
        _BUSY = False


sys.addaudithook(_hook)
sys.argv = ["infra-architect", *sys.argv[2:]]

from infra_architect.cli import main  # noqa: E402  (imported under the hook on purpose)

main()
