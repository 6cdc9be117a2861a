"""What a run would do (``design --dry-run``) or did (``add-service``) to a tree, for
people and for machines. The lists come from the writer's own plan (``_output``); this
module only adds line counts and diffs and words them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from infra_architect._output import TreePreview, WriteReport, read_generated
from infra_architect.cli._design_diff import CostChange, DesignDiff
from infra_architect.cli._documents import (
    DryRunCost,
    DryRunCostChange,
    DryRunDesign,
    DryRunDocument,
    DryRunFile,
    DryRunFiles,
)


@dataclass(frozen=True)
class FileDiff:
    path: str
    lines_added: int
    lines_removed: int
    diff: str
    """Unified diff, tree's file → new file."""


@dataclass(frozen=True)
class DryRun:
    output: Path
    files: TreePreview
    diffs: dict[str, FileDiff]
    """Of the changed and edited files."""
    design: DesignDiff
    feasible: bool
    force: bool


def file_diffs(out: Path, files: dict[str, str], paths: list[str]) -> dict[str, FileDiff]:
    """The unified diff of each path, from what the tree holds to ``files``."""
    diffs: dict[str, FileDiff] = {}
    for rel in paths:
        held = read_generated(out, rel)
        old = (held or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        new = files[rel].splitlines(keepends=True)
        lines = list(difflib.unified_diff(old, new, f"a/{rel}", f"b/{rel}", n=3))
        added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
        removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
        text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        diffs[rel] = FileDiff(rel, added, removed, text)
    return diffs


class _Say:
    """Prints one plain line: paths and figures are shown as they are, never styled."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)


def dry_run_document(run: DryRun, *, full_diffs: bool) -> dict[str, object]:
    """The JSON form: every list sorted, so the same change gives the same document."""
    files = run.files

    def changed(paths: tuple[str, ...]) -> list[DryRunFile]:
        return [_file_entry(run.diffs[rel], full_diffs) for rel in paths]

    design = run.design
    document = DryRunDocument(
        kind="DryRun",
        output=str(run.output),
        changes=files.changes,
        feasible=run.feasible,
        files=DryRunFiles(
            added=list(files.added),
            changed=changed(files.changed),
            edited=changed(files.edited),
            removed=list(files.removed),
            kept=list(files.kept),
            blocked=list(files.blocked),
            unchanged=files.unchanged,
        ),
        design=DryRunDesign(
            previous=design.previous,
            note=design.note,
            decisions=design.decisions,
            cost=DryRunCost(
                total_before_usd=design.total_before,
                total_after_usd=design.total_after,
                changes=[
                    DryRunCostChange(**dict(c), delta_usd=round(c.delta, 2)) for c in design.costs
                ],
            ),
        ),
    )
    return document.model_dump(mode="json")


def _file_entry(diff: FileDiff, full: bool) -> DryRunFile:
    return DryRunFile(
        path=diff.path,
        lines_added=diff.lines_added,
        lines_removed=diff.lines_removed,
        diff=diff.diff if full else None,
    )


def render_dry_run(console: Console, run: DryRun, *, full_diffs: bool) -> None:
    files = run.files
    say = _Say(console)
    if not files.changes:
        say(f"{run.output}: nothing would change ({files.unchanged} files up to date)")
        return
    say(
        f"{run.output}: dry run, nothing written. A real run would: add {len(files.added)}, "
        f"change {len(files.changed) + len(files.edited)}, remove {len(files.removed)} "
        f"({files.unchanged} unchanged)"
    )
    for rel in files.added:
        say(f"  + {rel}")
    for rel in files.changed:
        say(f"  ~ {rel} {_counts(run.diffs[rel])}")
    for rel in files.removed:
        say(f"  - {rel}")
    refusal = (
        "edited since generated: --force overwrites it"
        if run.force
        else "edited since generated: a real run refuses it without --force"
    )
    for rel in files.edited:
        say(f"  ! {rel} {_counts(run.diffs[rel])} {refusal}")
    for rel in files.kept:
        say(f"  = {rel} no longer generated, but edited: a real run leaves it")
    for hazard in files.blocked:
        say(f"  ! {hazard}: a real run refuses it, even with --force")
    for note in files.notes:
        say(f"  note: {note}")
    _render_design_diff(say, run.design)
    if not run.feasible:
        say("INFEASIBLE: the requirements conflict; a real run writes the documents and exits 1")
    if full_diffs:
        for rel in (*files.changed, *files.edited):
            console.out(run.diffs[rel].diff, end="", highlight=False)


def _render_design_diff(say: _Say, design: DesignDiff) -> None:
    if not design.previous:
        say(f"design: {design.note}")
        return
    if not design.changes:
        say("design: no decision or cost changed")
        return
    if design.decisions:
        say(f"decisions changed ({len(design.decisions)}):")
    for d in design.decisions:
        say(f"  {d.title}: {d.before or '(none)'} -> {d.after or '(none)'}")
        say(f"      why: {d.why}")
    if design.total_before is not None and design.total_after is not None:
        delta = design.total_after - design.total_before
        say(
            f"monthly cost: {_usd(design.total_before)} -> {_usd(design.total_after)} "
            f"({_signed(delta)})"
        )
    for c in design.costs:
        say(f"  {_cost_line(c)}")


def _cost_line(change: CostChange) -> str:
    what = change.component + (f" [{change.price_key}]" if change.price_key else "")
    before = _usd(change.before) if change.before is not None else "(none)"
    after = _usd(change.after) if change.after is not None else "(none)"
    return f"{change.environment} {what}: {before} -> {after} ({_signed(change.delta)})"


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def _signed(value: float) -> str:
    return f"+{_usd(value)}" if value >= 0 else f"-{_usd(-value)}"


def _counts(diff: FileDiff) -> str:
    return f"(+{diff.lines_added} -{diff.lines_removed})"


def render_written(console: Console, report: WriteReport) -> None:
    """Every file a run changed: created, replaced, removed, and the edits it kept."""
    say = _Say(console)
    created = set(report.created)
    for rel in sorted(report.written):
        say(f"  {'+' if rel in created else '~'} {rel}")
    for rel in sorted(report.removed):
        say(f"  - {rel}")
    for rel in sorted(report.kept_edited):
        say(f"  = {rel} kept as you edited it")
