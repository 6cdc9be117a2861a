"""Progress and verbosity as users meet them: a status line on a real terminal (a pty
driven by pexpect) and none in a pipe; --quiet and --verbose; the closing "next:" line
of each command (never in JSON or SARIF); shell completion."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.cli.test_cli import EXE, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

HERE = Path(__file__).parent
VULNERABLE = HERE.parent / "review" / "vulnerable"
ANSI = re.compile(r"\x1b\[")


def spawn(*args: str, cwd: Path, env: dict[str, str] | None = None) -> pexpect.spawn:
    environ = {**os.environ, "COLUMNS": "160", "TERM": "xterm", **(env or {})}
    return pexpect.spawn(
        EXE,
        list(args),
        cwd=str(cwd),
        env=environ,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 160),
    )


@pytest.fixture(scope="module")
def designed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("designed") / "out"
    result = run("design", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_design_shows_its_phases_on_a_terminal(tmp_path: Path) -> None:
    child = spawn("design", "-o", "out", cwd=tmp_path)
    child.expect("designing, simulating and pricing…")
    child.expect(r"writing \d+ files…")
    child.expect("next: infra-architect validate out")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_quiet_draws_no_status_line_on_a_terminal(tmp_path: Path) -> None:
    child = spawn("-q", "design", "-o", "out", cwd=tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "designing" not in child.before
    assert "next:" not in child.before


def test_validate_counts_its_jobs_on_a_terminal(designed: Path, tmp_path: Path) -> None:
    # only the tools beside Python (check-jsonschema, zizmor): terraform and kubectl are
    # left off PATH so the count, not the tools, is what this waits for
    path = str(Path(EXE).parent)
    child = spawn("validate", str(designed), cwd=tmp_path, env={"PATH": path})
    child.expect(r"validate: .*\d+/\d+")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus in (0, 1)


def test_piped_output_has_no_status_line(tmp_path: Path) -> None:
    result = run("design", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stderr
    assert not ANSI.search(result.stderr)
    assert not ANSI.search(result.stdout)
    assert "designing" not in result.stderr + result.stdout


def test_verbose_times_each_step_and_quiet_says_nothing_more(tmp_path: Path) -> None:
    verbose = run("-v", "design", "-o", str(tmp_path / "out"))
    assert verbose.returncode == 0, verbose.stderr
    for phase in (
        "loading the spec",
        "designing, simulating and pricing",
        "rendering the documents, Terraform and manifests",
        r"writing \d+ files",
    ):
        assert re.search(rf"^  {phase}: \d+\.\d\d s$", verbose.stderr, re.M), verbose.stderr
    quiet = run("--quiet", "design", "-o", str(tmp_path / "out"))
    assert quiet.returncode == 0
    assert quiet.stderr == ""


def test_stdout_is_the_same_whatever_the_verbosity() -> None:
    plain, quiet, verbose = (run(*flags, "constraints") for flags in ((), ("-q",), ("-v",)))
    assert plain.stdout == quiet.stdout == verbose.stdout
    assert "next:" not in plain.stdout


def test_help_documents_quiet_and_verbose() -> None:
    result = run("--help")
    assert "--quiet" in result.stdout
    assert "--verbose" in result.stdout


def _next(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("next:", "  or:"))]


def test_init_points_at_design(tmp_path: Path) -> None:
    result = run("init", "--example", "saas-team", str(tmp_path / "spec.yaml"))
    assert result.returncode == 0, result.stderr
    assert _next(result.stderr) == [
        f"next: infra-architect design {tmp_path / 'spec.yaml'} -o infra-architect-out"
    ]


def test_constraints_points_at_design_but_not_in_json() -> None:
    assert _next(run("constraints").stderr) == [
        "next: infra-architect design -o infra-architect-out"
    ]
    assert _next(run("constraints", "-f", "json").stderr) == []


def test_design_points_at_validate_and_simulate(tmp_path: Path) -> None:
    result = run("design", "-o", str(tmp_path / "out"))
    lines = _next(result.stderr)
    assert lines[0].startswith(f"next: infra-architect validate {tmp_path / 'out'}")
    assert lines[1].startswith("  or: infra-architect simulate")


def test_validate_on_a_hand_written_tree_points_at_review(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert _next(result.stderr) == [
        f"next: infra-architect review {tmp_path}   # the rules over hand-written code"
    ]
    assert _next(run("validate", str(tmp_path), "-f", "json").stderr) == []


def test_review_points_at_fix_or_baseline_but_not_in_sarif(tmp_path: Path) -> None:
    failing = run("review", str(VULNERABLE))
    assert failing.returncode == 1
    lines = _next(failing.stderr)
    assert lines[0].startswith("next: fix the findings above")
    assert "--write-baseline .infra-architect-baseline.json" in lines[1]
    assert _next(run("review", str(VULNERABLE), "-f", "sarif").stderr) == []
    baseline = tmp_path / "baseline.json"
    written = run("review", str(VULNERABLE), "--write-baseline", str(baseline))
    assert _next(written.stderr)[0].startswith(
        f"next: infra-architect review {VULNERABLE} --baseline {baseline}"
    )
    assert _next(run("-q", "review", str(VULNERABLE)).stderr) == []


def test_show_completion_prints_a_bash_script() -> None:
    result = run("--show-completion", "bash")
    assert result.returncode == 0, result.stderr
    assert "complete -o default -F _infra_architect_completion infra-architect" in result.stdout


def test_completion_offers_the_commands_and_their_options() -> None:
    env = {**os.environ, "_INFRA_ARCHITECT_COMPLETE": "complete_bash", "COMP_CWORD": "1"}
    commands = _complete({**env, "COMP_WORDS": "infra-architect "})
    assert {"design", "validate", "review", "init", "simulate"} <= set(commands)
    options = _complete({**env, "COMP_WORDS": "infra-architect review --f", "COMP_CWORD": "2"})
    assert options == ["--format", "--fail-on"]


def _complete(env: dict[str, str]) -> list[str]:
    exe = shutil.which(EXE) or EXE
    result = subprocess.run([exe], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()
