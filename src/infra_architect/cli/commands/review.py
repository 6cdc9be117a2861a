"""``infra-architect review``: the rules over an existing repository. It runs in pre-commit
hooks, so it loads the readers and the rules, never the engine, numpy or the renderers."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from infra_architect._display import printable
from infra_architect._io import atomic_write_text
from infra_architect.cli._common import EXIT_INCOMPLETE, command_app, fail, stdout
from infra_architect.cli._progress import next_step, step
from infra_architect.cli._render_reports import render_review
from infra_architect.review import (
    CONFIG_FILE,
    IGNORE_FILE,
    IgnoreFile,
    Limits,
    ReviewDefaults,
    ReviewReport,
    baseline_json,
    helm_render,
    kubectl_build,
    read_baseline,
    read_ignore_file,
    read_review_config,
    report_json,
    report_markdown,
    report_sarif,
    review,
)
from infra_architect.rules import ALL_RULES, Severity

app = command_app()

FAIL_LEVELS = ("critical", "high", "medium", "low", "none")
BASELINE_HINT = ".infra-architect-baseline.json"


@app.command("review")
def review_command(  # noqa: PLR0917  (Typer: arguments and options, each checked)
    path: Annotated[Path, typer.Argument(help="The repository or directory to review.")],
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, json, sarif or markdown (default: the config file's, else table).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here (not stdout).")
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 on a new finding this severe: "
            + ", ".join(FAIL_LEVELS)
            + " (default: the config file's, else high).",
            show_default=False,
        ),
    ] = None,
    slo: Annotated[
        list[str] | None,
        typer.Option(
            "--slo",
            help="The availability SLO in percent (enables the availability rules), or "
            "ENV=SLO for the root modules, overlays and charts whose path names ENV "
            "(repeatable: --slo prod=99.9 --slo staging=99; a plain value is the rest's).",
        ),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Accepted findings: only new ones count.")
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Record today's findings as accepted."),
    ] = None,
    max_file_mb: Annotated[float, typer.Option("--max-file-mb", min=0.001)] = 5.0,
    max_files: Annotated[int, typer.Option("--max-files", min=1)] = 50_000,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds.")] = 120.0,
    only_rules: Annotated[
        list[str] | None,
        typer.Option("--rule", help="Report only this rule (repeatable)."),
    ] = None,
    skip_rules: Annotated[
        list[str] | None,
        typer.Option("--skip-rule", help="Do not report this rule (repeatable)."),
    ] = None,
    var_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--var-file",
            help="A Terraform variable file inside the reviewed tree, applied to every "
            "root module after its terraform.tfvars and *.auto.tfvars (repeatable).",
        ),
    ] = None,
    allow_incomplete: Annotated[
        bool,
        typer.Option(
            "--allow-incomplete",
            help="Do not fail (exit 3) when something could not be read; the report "
            "still says what.",
        ),
    ] = False,
) -> None:
    """Review existing infrastructure code: Terraform (local modules, variables, locals,
    count; parsed, never run), Kubernetes YAML and kustomizations, with the rules that
    guard generated output. Suppress with a reason (inline `# infra-architect:ignore ID --
    why`, or .infra-architect-ignore.yaml); adopt on a legacy repo with a baseline.

    Exit 0: everything was read and no new finding reaches --fail-on, or
    --write-baseline recorded the findings. Exit 1: a new finding reaches --fail-on.
    Exit 2: bad input (an unknown --rule or --skip-rule id too). Exit 3: the review is
    incomplete (a file not read: not UTF-8, over --max-file-mb, not parsable, a symlink
    out of the tree; a kustomize overlay not built: refused, failed or no kubectl; a
    Helm chart not rendered: helm template failed or no helm; the
    walk stopped at --max-files, the depth limit or --timeout; or nothing checked at all:
    no Terraform resource, Kubernetes object or workflow read), whatever the findings;
    the report lists what and why, --allow-incomplete accepts it. Left out by design,
    listed but not failing: kustomize patches (reviewed through their overlay), Helm
    templates, remote and out-of-tree Terraform modules.

    --rule ID reports only those rules, --skip-rule ID leaves rules out (both
    repeatable).

    Defaults for --format, --fail-on, --slo, --baseline, --rule, --skip-rule,
    --var-file and --allow-incomplete can be kept in .infra-architect.yaml at the
    reviewed root (`review:` mapping); a flag given here wins."""
    for option, target in (("--output", output), ("--write-baseline", write_baseline)):
        if target is not None:
            _check_writable(option, target)
    run = run_review(
        path,
        ReviewFlags(
            output_format=output_format,
            fail_on=fail_on,
            slo=slo,
            baseline=baseline,
            max_file_mb=max_file_mb,
            max_files=max_files,
            timeout=timeout,
            only_rules=only_rules,
            skip_rules=skip_rules,
            var_files=var_files,
            allow_incomplete=allow_incomplete,
        ),
    )
    report, output_format, fail_on = run.report, run.output_format, run.fail_on
    if write_baseline is not None:
        _write_report(
            "--write-baseline",
            write_baseline,
            baseline_json(
                [(r.fingerprint, r.finding) for r in report.findings if r.suppressed is None]
            ),
        )
    text = {
        "json": report_json,
        "sarif": report_sarif,
        "markdown": report_markdown,
    }.get(output_format)
    if text is not None:
        rendered = text(report)
        if output is not None:
            _write_report("--output", output, rendered)
        else:
            sys.stdout.write(rendered)
    else:
        render_review(stdout, report, fail_on)
    code = _exit_code(
        report, fail_on, run.allow_incomplete, wrote_baseline=write_baseline is not None
    )
    if output_format in ("table", "markdown"):
        next_step(*_next_after_review(path, code, write_baseline))
    if code:
        raise typer.Exit(code)


@dataclass(frozen=True)
class ReviewFlags:
    """The options of a review as given (None: the reviewed root's config file's, else
    the default). Shared by the CLI and the MCP server's ``review`` tool."""

    output_format: str | None = None
    fail_on: str | None = None
    slo: list[str] | None = None
    baseline: Path | None = None
    max_file_mb: float = 5.0
    max_files: int = 50_000
    timeout: float = 120.0
    only_rules: list[str] | None = None
    skip_rules: list[str] | None = None
    var_files: list[Path] | None = None
    allow_incomplete: bool = False


@dataclass(frozen=True)
class ReviewRun:
    """A finished review and the settings it ran with (flags over the config file's)."""

    report: ReviewReport
    output_format: str
    fail_on: str
    allow_incomplete: bool

    @property
    def exit_code(self) -> int:
        """``review -f json``'s exit code: 0 passed, 1 a new finding at fail_on, 3
        incomplete (not a pass)."""
        return _exit_code(self.report, self.fail_on, self.allow_incomplete, wrote_baseline=False)


def run_review(path: Path, flags: ReviewFlags) -> ReviewRun:
    """Review ``path`` as ``review`` does: its config file's defaults under the flags,
    each option checked (bad input ends in ``fail``, exit 2)."""
    if not path.is_dir():
        fail(f"{path}: not a directory\n  fix: pass the repository's root directory")
    config = _review_config(path)
    output_format = flags.output_format or config.format or "table"
    fail_on = flags.fail_on or config.fail_on or "high"
    slo = flags.slo or config.slo_flags()
    baseline = flags.baseline
    if baseline is None and config.baseline is not None:
        baseline = path / config.baseline
    only_rules = flags.only_rules or config.rules
    skip_rules = flags.skip_rules or config.skip_rules
    var_files = flags.var_files or [path / v for v in config.var_files]
    allow_incomplete = flags.allow_incomplete or bool(config.allow_incomplete)
    if output_format not in ("table", "json", "sarif", "markdown"):
        fail(f"--format {output_format!r}: use table, json, sarif or markdown")
    if fail_on not in FAIL_LEVELS:
        fail(f"--fail-on {fail_on!r}: use one of {', '.join(FAIL_LEVELS)}")
    chosen = _chosen_rules(only_rules or [], skip_rules or [])
    default_slo, environment_slos = _slos(slo or [])
    named_var_files = [_var_file(path, v) for v in var_files or []]
    ignore = _review_ignore_file(path)
    accepted = read_baseline(baseline) if baseline is not None else None
    limits = Limits(
        max_file_bytes=int(flags.max_file_mb * 1024 * 1024),
        max_files=flags.max_files,
        seconds=flags.timeout,
    )
    kubectl, helm = shutil.which("kubectl"), shutil.which("helm")
    with step(f"reviewing {path}"):
        report = review(
            path,
            slo=default_slo,
            environment_slos=environment_slos,
            limits=limits,
            ignore=ignore,
            baseline=accepted,
            build=kubectl_build(kubectl) if kubectl else None,
            render=helm_render(helm) if helm else None,
            var_files=named_var_files,
        )
    report = report.model_copy(
        update={"findings": [r for r in report.findings if r.finding.rule_id in chosen]}
    )
    return ReviewRun(report, output_format, fail_on, allow_incomplete)


def _next_after_review(path: Path, code: int, written: Path | None) -> list[str]:
    if written is not None:
        return [f"infra-architect review {path} --baseline {written}   # only new findings fail"]
    if code == 1:
        return [
            "fix the findings above (each names its remedy), or suppress one with a reason",
            f"infra-architect review {path} --write-baseline {BASELINE_HINT}   # accept today's",
        ]
    return []


def _review_config(root: Path) -> ReviewDefaults:
    """The reviewed root's review defaults, read like its ignore file: only a regular file
    inside the tree (a link out of it is refused, not followed)."""
    config_path = root / CONFIG_FILE
    if not os.path.lexists(config_path):
        return ReviewDefaults()
    real, base = config_path.resolve(), root.resolve()
    if base not in real.parents:
        fail(
            f"{config_path}: links outside the reviewed tree ({printable(str(real))}): "
            "not read\n"
            "  fix: make it a regular file in the repository"
        )
    return read_review_config(config_path)


def _exit_code(
    report: ReviewReport, fail_on: str, allow_incomplete: bool, *, wrote_baseline: bool
) -> int:
    """Incomplete, or nothing checked at all, beats everything (a baseline of part of
    the tree is still part); then recording a baseline succeeds whatever it recorded;
    then --fail-on decides."""
    if (report.incomplete or report.checked_nothing) and not allow_incomplete:
        return EXIT_INCOMPLETE
    if wrote_baseline:
        return 0
    level = None if fail_on == "none" else Severity(fail_on)
    return 1 if report.fails(level) else 0


def _chosen_rules(only: list[str], skip: list[str]) -> frozenset[str]:
    """The rule ids to report: --rule's (every rule when none), less --skip-rule's. An
    unknown id is bad input (exit 2) naming the known ones: a typo must not silently
    report nothing, or everything."""
    known = [rule.meta.id for rule in ALL_RULES]
    unknown = sorted({i for i in (*only, *skip) if i.upper() not in known})
    if unknown:
        fail(f"unknown rule id {', '.join(map(repr, unknown))}\n  known rules: {', '.join(known)}")
    chosen = {i.upper() for i in only} or set(known)
    return frozenset(chosen - {i.upper() for i in skip})


def _review_ignore_file(root: Path) -> IgnoreFile | None:
    """The tree's own suppressions file: read only when it is a regular file inside the
    reviewed tree (the tree is untrusted: a link out of it is refused, not followed)."""
    ignore_path = root / IGNORE_FILE
    if not os.path.lexists(ignore_path):
        return None
    real, base = ignore_path.resolve(), root.resolve()
    if base not in real.parents:
        fail(
            f"{ignore_path}: links outside the reviewed tree ({printable(str(real))}): "
            "not read\n"
            "  fix: make it a regular file in the repository"
        )
    return read_ignore_file(ignore_path)


def _slos(given: list[str]) -> tuple[float | None, dict[str, float]]:
    """--slo values: at most one plain percentage (everything's) and ENV=percentage
    (each environment once); anything else is bad input (exit 2)."""
    default: float | None = None
    by_environment: dict[str, float] = {}
    for text in given:
        name, _, value = text.rpartition("=")
        name = name.strip().lower()
        try:
            target = float(value)
        except ValueError:
            target = -1.0
        if not 0 <= target <= 100 or (text.count("=") and not name.isalnum()):
            fail(f"--slo {text!r}: use a percentage (99.9) or ENV=percentage (prod=99.9)")
        if (not name and default is not None) or name in by_environment:
            fail(f"--slo {text!r}: {name or 'the plain SLO'} is given twice")
        if name:
            by_environment[name] = target
        else:
            default = target
    return default, by_environment


def _var_file(root: Path, given: Path) -> str:
    """A --var-file as a path relative to the reviewed tree: it must be a .tfvars or
    .tfvars.json file inside it (the review reads nothing outside the tree)."""
    if not given.name.lower().endswith((".tfvars", ".tfvars.json")):
        fail(f"--var-file {given}: not a .tfvars or .tfvars.json file")
    real, base = given.resolve(), root.resolve()
    if base not in real.parents:
        fail(
            f"--var-file {given}: outside the reviewed tree ({printable(str(real))}): not read\n"
            "  fix: name a variable file inside the reviewed directory"
        )
    if not real.is_file():
        fail(f"--var-file {given}: not a file")
    return real.relative_to(base).as_posix()


def _check_writable(option: str, target: Path) -> None:
    """Refuse before reviewing when a report could not be written where asked."""
    if target.is_dir():
        fail(f"{option} {target}: is a directory\n  fix: name a file to write")
    if not target.parent.is_dir():
        fail(
            f"{option} {target}: {target.parent} is not a directory\n"
            "  fix: name a file in an existing directory"
        )


def _write_report(option: str, target: Path, text: str) -> None:
    try:
        atomic_write_text(target, text)
    except OSError as exc:
        fail(f"{option} {target}: cannot be written ({exc.strerror or exc})")
