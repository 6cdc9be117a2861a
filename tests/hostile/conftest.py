"""The harness of the hostile-input tests (issue 16).

Every test here runs the real CLI in a child process under an audit hook
(``_audited.py``) and checks the tool's promises about untrusted input:

- nothing outside what it was given is read, written or deleted: every file the child
  opens, removes, renames, creates or lists must resolve inside the allowed roots (the
  reviewed tree or the output directory, the spec, the Python installation, the external
  tools the run was configured with and the system's read-only data); a canary directory
  beside the tree must come out of the run exactly as it went in;
- no process and no request is started unless the test allows it: a listener on
  127.0.0.1 that hostile inputs point at must receive no connection;
- the run ends within a bound, never with an internal error (exit 70) or a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

AUDITED = Path(__file__).with_name("_audited.py")
SRC = Path(__file__).resolve().parents[2] / "src"
EXIT_INTERNAL = 70

_SYSTEM_ROOTS = (
    "/usr/",
    "/lib/",
    "/lib64/",
    "/etc/",
    "/proc/",
    "/sys/",
    "/dev/null",
    "/dev/urandom",
    "/dev/tty",
    "/dev/pts/",
)
"""Read-only system data a Python program may touch (locale, zoneinfo, certificates)."""


def _python_roots() -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(SRC), str(AUDITED.parent)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib", "include", "scripts", "data"):
        with_key = sysconfig.get_paths().get(key)
        if with_key:
            roots.add(with_key)
    return tuple(os.path.realpath(r) for r in roots)


def _tool_roots() -> tuple[str, ...]:
    """The external tools this test run was configured with, read and run but never written:
    checkov's own virtualenv and the Terraform provider mirror (wherever .ci/run or the
    developer put them, inside the clone or not) and helm's directory when it is on PATH."""
    roots: set[str] = set()
    checkov = os.environ.get("INFRA_ARCHITECT_CHECKOV")
    if checkov:
        roots.add(str(Path(checkov).parent.parent))
    plugins = os.environ.get("INFRA_ARCHITECT_PLUGIN_DIR")
    if plugins:
        roots.add(plugins)
    helm = shutil.which("helm")
    if helm:
        roots.update({str(Path(helm).parent), str(Path(helm).resolve().parent)})
    return tuple(os.path.realpath(r) for r in roots)


@dataclass
class Listener:
    """A TCP server on 127.0.0.1 that records every connection it receives."""

    port: int = 0
    connections: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Run:
    """One audited run of the CLI."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    events: list[dict[str, object]]

    def paths(self, *events: str) -> list[str]:
        return [
            str(p)
            for e in self.events
            if not events or e["event"] in events
            for p in e.get("paths", [])  # type: ignore[attr-defined]
        ]

    def processes(self) -> list[dict[str, object]]:
        kinds = ("subprocess", "os.exec", "os.posix_spawn", "os.spawn", "os.system")
        return [e for e in self.events if str(e["event"]).startswith(kinds)]

    def connections(self) -> list[dict[str, object]]:
        return [e for e in self.events if str(e["event"]).startswith("socket.")]

    def writes(self) -> list[str]:
        """Paths opened for writing or changed in place (removed, renamed, made)."""
        changed = self.paths(
            "os.remove",
            "os.rmdir",
            "os.rename",
            "os.mkdir",
            "os.chmod",
            "os.chown",
            "os.symlink",
            "os.link",
            "os.truncate",
            "os.utime",
            "shutil.rmtree",
        )
        for e in self.events:
            if e["event"] != "open":
                continue
            mode, flags = str(e.get("mode")), e.get("flags")
            writing = any(c in mode for c in "wax+") or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            )
            if writing:
                changed.extend(str(p) for p in e["paths"])  # type: ignore[attr-defined]
        return changed


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r.rstrip("/") or path.startswith(r.rstrip("/") + "/") for r in roots)


@dataclass
class Sandbox:
    """A test's world: the tree it gives the tool, an output directory, a canary beside
    them that must not change, a 127.0.0.1 listener that must receive nothing."""

    root: Path
    listener: Listener
    tree: Path = field(init=False)
    out: Path = field(init=False)
    outside: Path = field(init=False)
    home: Path = field(init=False)

    def __post_init__(self) -> None:
        self.tree = self.root / "tree"
        self.out = self.root / "out"
        self.outside = self.root / "outside"
        self.home = self.root / "home"
        for directory in (self.tree, self.outside, self.home):
            directory.mkdir(parents=True, exist_ok=True)
        (self.outside / "canary.txt").write_text("canary: must never be read or changed\n")
        (self.outside / "secret.tf").write_text(
            'resource "aws_db_instance" "outside" {\n  publicly_accessible = true\n}\n'
        )
        (self.outside / "nested").mkdir(exist_ok=True)
        (self.outside / "nested" / "keep.md").write_text("keep\n")
        self._before = self.snapshot_outside()

    def snapshot_outside(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for path in sorted(self.outside.rglob("*")):
            rel = str(path.relative_to(self.outside))
            if path.is_symlink():
                found[rel] = "link:" + str(path.readlink())
            elif path.is_file():
                data = path.read_bytes()
                found[rel] = f"file:{oct(path.stat().st_mode)}:{hashlib.sha256(data).hexdigest()}"
            else:
                found[rel] = f"dir:{oct(path.stat().st_mode)}"
        return found

    def run(
        self,
        *args: str,
        allowed: tuple[Path, ...] = (),
        timeout: float = 120,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        stdin: str = "",
    ) -> Run:
        """Run ``infra-architect ARGS`` audited; fail the test on a hang."""
        log = self.root / f"audit-{time.monotonic_ns()}.jsonl"
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.upper().endswith("_PROXY") and k != "INFRA_ARCHITECT_DEBUG"
        }
        environment.update(
            {
                "HOME": str(self.home),
                "MPLCONFIGDIR": str(self.home / ".mpl"),
                "COLUMNS": "200",
                "PYTHONDONTWRITEBYTECODE": "1",
                **(env or {}),
            }
        )
        start = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, str(AUDITED), str(log), *args],
                capture_output=True,
                text=True,
                input=stdin,
                cwd=cwd or self.root,
                env=environment,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"infra-architect {' '.join(args)} ran longer than {timeout} s")
        seconds = time.monotonic() - start
        events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        log.unlink()
        result = Run(args, done.returncode, done.stdout, done.stderr, seconds, events)
        self.check(result, allowed=allowed)
        return result

    def check(self, result: Run, *, allowed: tuple[Path, ...]) -> None:
        """The promises every run keeps, whatever its input."""
        assert result.returncode != EXIT_INTERNAL, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        roots = (
            *(os.path.realpath(p) for p in (self.tree, self.out, self.home, *allowed)),
            *_python_roots(),
            *_tool_roots(),
            *_SYSTEM_ROOTS,
        )
        escaped = sorted({p for p in result.paths() if not _inside(p, roots)})
        assert not escaped, f"touched outside what it was given: {escaped}"
        outside = os.path.realpath(self.outside)
        touched = sorted({p for p in result.paths() if _inside(p, (outside,))})
        assert not touched, f"touched the canary directory: {touched}"
        assert self.snapshot_outside() == self._before, "the canary directory changed"
        reached = self.listener.connections
        assert not reached, f"requests reached 127.0.0.1: {reached}"
        writable = tuple(os.path.realpath(p) for p in (self.out, self.home, *allowed))
        devices = ("/dev/null", "/dev/tty", "/dev/pts/")
        writes = sorted(
            {p for p in result.writes() if not _inside(p, writable) and not p.startswith(devices)}
        )
        assert not writes, f"wrote outside the output: {writes}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    found = Listener(port=server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            found.connections.append(f"{address[0]}:{address[1]}")
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(timeout=2)
    server.close()


@pytest.fixture
def sandbox(tmp_path: Path, listener: Listener) -> Sandbox:
    return Sandbox(tmp_path, listener)
