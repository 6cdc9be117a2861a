"""Run the real tools on a generated tree: terraform fmt/init/validate, checkov.

Each tool gives one :class:`ToolResult` per target; a tool that is not installed is a
``skipped`` result that says so, never a silent pass. Tools run on a private copy of
the tree so nothing (``.terraform/``, lock files) is written into the user's output.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from infra_architect._io import UnreadableFileError, read_input

Status = Literal["passed", "failed", "skipped"]
MIRROR_ROOTS = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
TOOL_TIMEOUT_SECONDS = 900
TERRAFORM_GOGC = "400"
"""The Go collector's target for terraform and its providers (unless the caller sets
GOGC): every terraform process that loads the AWS provider builds its whole schema, an
allocation storm the default (100) spends about a quarter of a ``validate``'s CPU
collecting; 400 cuts terraform's CPU in ``validate`` by ~25% (measured: validate 3.2 ->
2.4 CPU-s, plan 4.8 -> 3.6) for ~80 MB more peak memory per process. Results unchanged."""


class ToolResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str
    target: str
    status: Status
    detail: str
    findings: list[str] = []


Job = Callable[[], "list[ToolResult]"]
"""One independent unit of validation (a tool's run on one target, or a chain that must
stay in order); jobs run concurrently and their results are reported in list order."""


@dataclass(frozen=True)
class Toolchain:
    """Where the tools are; ``None`` when absent."""

    terraform: str | None
    checkov: str | None
    plugin_dir: Path | None
    kubectl: str | None = None
    check_jsonschema: str | None = None
    zizmor: str | None = None

    @classmethod
    def discover(
        cls, plugin_dir: Path | None = None, env: Mapping[str, str] | None = None
    ) -> Toolchain:
        environ = os.environ if env is None else env
        checkov = environ.get("INFRA_ARCHITECT_CHECKOV") or shutil.which("checkov")
        mirror = plugin_dir or find_provider_mirror(environ)
        return cls(
            terraform=shutil.which("terraform"),
            checkov=checkov,
            plugin_dir=mirror,
            kubectl=shutil.which("kubectl"),
            check_jsonschema=_beside_python("check-jsonschema"),
            zizmor=_beside_python("zizmor"),
        )


def _beside_python(name: str) -> str | None:
    """A console script of this environment (installed with infra-architect), else PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.is_file() else shutil.which(name)


def find_provider_mirror(env: Mapping[str, str]) -> Path | None:
    """A local provider mirror holding hashicorp/aws: $INFRA_ARCHITECT_PLUGIN_DIR, else one
    of the usual plugin directories."""
    candidates = (
        [env["INFRA_ARCHITECT_PLUGIN_DIR"]] if env.get("INFRA_ARCHITECT_PLUGIN_DIR") else []
    )
    candidates += list(MIRROR_ROOTS)
    for candidate in candidates:
        root = Path(candidate).expanduser()
        if (root / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
            return root
    return None


def write_cli_config(plugin_dir: Path, work: Path) -> Path:
    """A CLI config installing providers from the mirror (symlinked, not copied)."""
    path = work / "terraformrc"
    path.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{plugin_dir}"\n'
        '    include = ["registry.terraform.io/*/*"]\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    return path


def private_copy(source: Path, destination: Path) -> Path:
    """The Terraform tree without init state, so tools write nothing into the user's.
    Links are copied as links (the preflight refused any leading out of the tree) and
    only regular files are copied: a pipe or a device would block or never end."""

    def left_out(directory: str, names: list[str]) -> set[str]:
        out = {".terraform", ".terraform.lock.hcl"}
        for name in names:
            mode = (Path(directory) / name).lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                out.add(name)
        return out

    shutil.copytree(source, destination, symlinks=True, ignore=left_out)
    return destination


def _run(
    args: list[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = TOOL_TIMEOUT_SECONDS,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


DESIGN_JSON_BYTES = 64 * 1024 * 1024


def design_document(tree: Path) -> dict[str, Any]:
    """The tree's design.json, or {} when it is absent or not a JSON object (read as an
    untrusted input: a pipe or a device there is not opened)."""
    try:
        document = json.loads(read_input(tree / "design.json", DESIGN_JSON_BYTES))
    except (UnreadableFileError, ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def terraform_environments(tree: Path) -> list[Path]:
    root = tree / "infra" / "terraform" / "environments"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def run_terraform(tools: Toolchain, tree: Path, work: Path) -> Iterator[ToolResult]:
    """``fmt -check`` on the whole Terraform tree, then ``init -backend=false`` and
    ``validate`` per environment, in ``work`` (a private copy)."""
    for job in terraform_jobs(tools, tree, work):
        yield from job()


def go_collector(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with :data:`TERRAFORM_GOGC`, unless it sets GOGC itself."""
    return {"GOGC": TERRAFORM_GOGC, **env}


def terraform_environment(tools: Toolchain, work: Path) -> dict[str, str]:
    env = go_collector(dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1"))
    # roots are initialised concurrently: Terraform's plugin cache is not safe for that
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    if tools.plugin_dir is not None:
        env["TF_CLI_CONFIG_FILE"] = str(write_cli_config(tools.plugin_dir, work))
    return env


def terraform_jobs(tools: Toolchain, tree: Path, work: Path) -> list[Job]:
    """fmt, then one job per environment (init then validate, in its own directory)."""
    source = tree / "infra" / "terraform"
    if tools.terraform is None:
        skipped = ToolResult(
            tool="terraform",
            target=str(source),
            status="skipped",
            detail="terraform is not installed (https://developer.hashicorp.com/terraform/install)",
        )
        return [lambda: [skipped]]
    terraform = tools.terraform
    copy = private_copy(source, work / "terraform")
    env = terraform_environment(tools, work)

    def fmt() -> list[ToolResult]:
        proc = _run([terraform, "fmt", "-check", "-recursive", "-no-color", "."], copy, env)
        unformatted = [line for line in proc.stdout.splitlines() if line.strip()]
        return [
            ToolResult(
                tool="terraform fmt",
                target="infra/terraform",
                status="passed" if proc.returncode == 0 else "failed",
                detail="formatted"
                if proc.returncode == 0
                else f"{len(unformatted)} file(s) not formatted",
                findings=unformatted or ([proc.stderr.strip()] if proc.returncode else []),
            )
        ]

    def environment(name: str) -> Job:
        return lambda: _init_and_validate(terraform, copy / "environments" / name, name, env)

    return [fmt] + [environment(d.name) for d in terraform_environments(tree)]


def _init_and_validate(
    terraform: str, cwd: Path, name: str, env: Mapping[str, str]
) -> list[ToolResult]:
    target = f"infra/terraform/environments/{name}"
    init = _run([terraform, "init", "-backend=false", "-input=false", "-no-color"], cwd, env)
    if init.returncode != 0:
        return [
            ToolResult(
                tool="terraform init",
                target=target,
                status="failed",
                detail="init failed (offline? set TF_CLI_CONFIG_FILE or --plugin-dir)",
                findings=_tail(init.stderr or init.stdout),
            )
        ]
    validate = _run([terraform, "validate", "-json", "-no-color"], cwd, env)
    return [
        ToolResult(
            tool="terraform init", target=target, status="passed", detail="providers installed"
        ),
        _validate_result(target, validate),
    ]


def _validate_result(target: str, proc: subprocess.CompletedProcess[str]) -> ToolResult:
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return ToolResult(
            tool="terraform validate",
            target=target,
            status="failed",
            detail="no JSON report",
            findings=_tail(proc.stderr),
        )
    diagnostics = [
        f"{d.get('severity')}: {d.get('summary')}"
        + (f" ({d['range']['filename']}:{d['range']['start']['line']})" if d.get("range") else "")
        for d in report.get("diagnostics", [])
    ]
    valid = bool(report.get("valid")) and proc.returncode == 0
    errors = report.get("error_count", 0)
    warnings = report.get("warning_count", 0)
    return ToolResult(
        tool="terraform validate",
        target=target,
        status="passed" if valid else "failed",
        detail=f"valid ({warnings} warning(s))" if valid else f"{errors} error(s)",
        findings=diagnostics,
    )


def _tail(text: str, lines: int = 15) -> list[str]:
    return [line for line in text.strip().splitlines() if line.strip()][-lines:]


def run_checkov(tools: Toolchain, tree: Path, work: Path) -> Iterator[ToolResult]:
    """checkov on the Terraform, offline; every failed check is a finding, every inline
    skip is listed with its reason (not --quiet: that drops the skipped checks from the
    report)."""
    if tools.checkov is None:
        yield CHECKOV_ABSENT
        return
    yield from run_checkov_scans(tools.checkov, [terraform_scan(tree, work)], work)


CHECKOV_ABSENT = ToolResult(
    tool="checkov",
    target="infra/terraform",
    status="skipped",
    detail="checkov is not installed (pip install checkov in its own "
    "virtualenv; set INFRA_ARCHITECT_CHECKOV to its path)",
)
CHECKOV_OPTIONS = ("--skip-download", "--compact", "-o", "json")


@dataclass(frozen=True)
class CheckovScan:
    """One checkov run: the report entry it gives, its arguments, where it runs."""

    target: str
    arguments: tuple[str, ...]
    cwd: Path


def terraform_scan(tree: Path, work: Path) -> CheckovScan:
    """The Terraform, on a private copy (checkov's module resolution writes nothing, but
    the copy leaves out init state a user's tree may hold)."""
    copy = private_copy(tree / "infra" / "terraform", work / "checkov")
    return CheckovScan(
        "infra/terraform", ("-d", ".", "--framework", "terraform", *CHECKOV_OPTIONS), copy
    )


def manifest_scan(target: str, manifests: Path) -> CheckovScan:
    """One rendered overlay (a file of its own, so no scan sees another overlay's
    objects: checkov's Kubernetes graph links objects across files and namespaces)."""
    return CheckovScan(
        target,
        ("-f", str(manifests), "--framework", "kubernetes", *CHECKOV_OPTIONS),
        manifests.parent,
    )


def checkov_interpreter(checkov: str) -> str | None:
    """The Python that runs the ``checkov`` console script (its ``#!`` line), or None when
    it is not one (a wrapper, a binary): then every scan is a ``checkov`` call of its own."""
    try:
        with Path(checkov).open("rb") as script:
            first = script.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    interpreter = first[2:].decode("utf-8", "replace").strip()
    path = Path(interpreter)
    if " " in interpreter or not path.is_absolute() or not path.name.startswith("python"):
        return None
    return interpreter if path.is_file() else None


def run_checkov_scans(checkov: str, scans: list[CheckovScan], work: Path) -> list[ToolResult]:
    """One result per scan, in order. The scans share one checkov process when checkov is
    a Python console script on a POSIX system (the import, most of a small scan's time,
    happens once; :mod:`._checkov_driver` forks a clean child per scan); each report is
    read exactly as a separate ``checkov`` call's would be."""
    if not scans:
        return []
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
    python = checkov_interpreter(checkov) if os.name == "posix" else None
    if python is None:
        separate = [(scan, _run([checkov, *scan.arguments], scan.cwd, env)) for scan in scans]
        return [checkov_output(scan.target, p.stdout, p.stderr) for scan, p in separate]
    batch = Path(tempfile.mkdtemp(prefix="checkov-", dir=work))
    outputs = [batch / f"{index}.out" for index in range(len(scans))]
    requests = [
        {
            "argv": list(scan.arguments),
            "cwd": str(scan.cwd),
            "stdout": str(out),
            "stderr": str(out.with_suffix(".err")),
        }
        for scan, out in zip(scans, outputs, strict=True)
    ]
    proc = _run(
        [python, "-c", CHECKOV_DRIVER],
        batch,
        env,
        timeout=TOOL_TIMEOUT_SECONDS * len(scans),
        stdin="".join(json.dumps(r) + "\n" for r in requests),
    )
    return [
        checkov_output(scan.target, _read(out), _read(out.with_suffix(".err")))
        if out.is_file()
        # the driver failed before this scan ran (checkov not importable, say)
        else checkov_output(scan.target, proc.stdout, proc.stderr)
        for scan, out in zip(scans, outputs, strict=True)
    ]


CHECKOV_DRIVER = (
    resources.files("infra_architect.validate").joinpath("_checkov_driver.py").read_text("utf-8")
)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def checkov_output(target: str, stdout: str, stderr: str) -> ToolResult:
    try:
        payload = json.loads(stdout)
    except json.JSONDecodeError:
        return ToolResult(
            tool="checkov",
            target=target,
            status="failed",
            detail="checkov produced no report",
            findings=_tail(stderr or stdout),
        )
    return checkov_result(payload, target)


def checkov_result(payload: object, target: str = "infra/terraform") -> ToolResult:
    reports = payload if isinstance(payload, list) else [payload]
    failed: list[str] = []
    skipped: list[str] = []
    passed = 0
    for report in reports:
        if not isinstance(report, dict) or "results" not in report:
            continue  # an empty scan is reported as a bare summary
        results = report["results"]
        passed += int(report.get("summary", {}).get("passed", 0))
        failed += [_failed_check(c) for c in results.get("failed_checks", [])]
        skipped += [
            f"{c['check_id']} {c['resource']}: "
            + str((c.get("check_result") or {}).get("suppress_comment", ""))
            for c in results.get("skipped_checks", [])
        ]
    return ToolResult(
        tool="checkov",
        target=target,
        status="failed" if failed else "passed",
        detail=f"{passed} passed, {len(failed)} failed, {len(skipped)} skipped with a reason",
        findings=sorted(failed) + [f"skipped {s}" for s in sorted(set(skipped))],
    )


def _failed_check(check: dict[str, Any]) -> str:
    where = f"{str(check['file_path']).lstrip('/')}:{check['file_line_range'][0]}"
    return f"{check['check_id']} {check['resource']} ({where}): {check['check_name']}"
