"""Precision and recall of `review` on public repositories, against a ground truth
written by reading them (benchmarks/review_truth/<owner>+<name>[@<variant>].yaml).

    python benchmarks/review_precision.py                      # from the bare mirrors
    python benchmarks/review_precision.py --repos /tmp/trees   # already-extracted trees
    python benchmarks/review_precision.py --only stefanprodan/podinfo

Each repository is taken at a pinned commit: extracted blob by blob from a bare git
mirror (<mirrors>/<owner>+<name>/repo; blobs the mirror lacks, such as large files, are
skipped and counted) or read from <repos>/<owner>+<name>. A repository with neither is
skipped with its reason printed, never silently. `infra-architect review -f json
--allow-incomplete` runs on the repository root through the CLI, as a platform team
would run it; a truth file may add arguments (`review_args:`, `{tree}` standing for the
extracted tree) and small files written into the tree for that review only (`write:`,
path -> content; an existing file is never overwritten), such as a variable file that
switches a repository's findings on the way its README says it is used. Several truth
files of one repository (`<slug>@<variant>.yaml`) are several reviews of the same tree,
each judged and counted on its own.

What the review could not read is compared with the truth's `not_read:` (path, a piece
of the reason, and `without: <tool>` when it is unread only because the tool is not on
PATH): an expected gap is printed ("not read: ..."), an unexpected one, or an expected
one that is now read, fails the run; a gap `without:` a tool that is on PATH must not
occur, and the findings of what the tool reads are then judged like any other (entries
with `needs: <tool>` count only when the tool is on PATH).

Every reported finding must be judged in the truth file (TP or FP, with the reason found
in the code): a finding the truth does not list fails the run ("unjudged finding"), so
the truth cannot go stale silently. A TP entry no longer reported is a false negative;
an FP entry no longer reported is listed as gone. `misses` are real problems a rule
claims to cover but does not report: they are false negatives too (recall).

A finding is one entry however many root modules or overlays it is reported through: it
is matched by rule, file, object (its resources) and `in:`, the root modules and overlays
it names (the report's `roots` + `overlays`; absent when it names none), plus `says:`, a
piece of the message, where those leave two findings alike (two containers of one
workload).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPOSITORIES = (
    ("terraform-aws-modules/terraform-aws-vpc", "82d1929e669efef4e2ad00611b8a68e7a56e049c"),
    ("terraform-aws-modules/terraform-aws-eks", "bef29c4d9523523e57fe898643fde2895106b339"),
    ("GoogleCloudPlatform/microservices-demo", "34ffea9175946982c3088ed84994fe6019ad6e92"),
    ("stefanprodan/podinfo", "eec06d1ea459af4cb4e10e806f8be7c7bd58b361"),
    ("madhuakula/kubernetes-goat", "56e60a29ed66fda476fa4794b41749e953cbd60f"),
    ("nccgroup/sadcloud", "f538652921a7f3e8e25c0afaecad2d4382f8b21e"),
)
TRUTH = Path(__file__).parent / "review_truth"
CLI = "import sys; from infra_architect.cli import main; sys.argv[0] = 'infra-architect'; main()"
NO_LAZY_FETCH = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}  # a mirror's absent blob stays absent


class TruthError(Exception):
    """The truth file and the review disagree in a way no count can express."""


@dataclass(frozen=True)
class Reported:
    rule: str
    file: str
    line: int | None
    object: str
    scopes: tuple[str, ...]  # the root modules and overlays it is reported through
    message: str

    def show(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.rule} {where} {self.object}: {self.message}"


@dataclass(frozen=True)
class Unread:
    path: str
    reason: str


@dataclass(frozen=True)
class Expected:
    """One finding the truth expects (an entry of findings: or misses:)."""

    rule: str
    file: str
    object: str
    scopes: tuple[str, ...]
    says: str | None
    verdict: str  # TP, FP, or MISS (a known miss: never reported today)
    why: str
    needs: str | None  # a tool without which the finding cannot be reported (helm)

    def matches(self, found: Reported) -> bool:
        return (
            (self.rule, self.file, self.object, self.scopes)
            == (found.rule, found.file, found.object, found.scopes)
            and (self.says is None or self.says in found.message)
        )  # fmt: skip

    def show(self) -> str:
        scope = f" in {', '.join(self.scopes)}" if self.scopes else ""
        says = f" ({self.says})" if self.says else ""
        return f"{self.rule} {self.file} {self.object}{scope}{says}"


@dataclass(frozen=True)
class NotRead:
    """A part of the repository the truth expects the review not to read."""

    path: str
    reason: str  # a piece of the report's reason
    without: str | None  # unread only because this tool is not on PATH

    def matches(self, unread: Unread) -> bool:
        return self.path == unread.path and self.reason in unread.reason


@dataclass(frozen=True)
class Truth:
    name: str  # owner/name, or owner/name @variant
    expected: tuple[Expected, ...]
    not_read: tuple[NotRead, ...]
    review_args: tuple[str, ...]
    write: tuple[tuple[str, str], ...]  # (path inside the tree, content)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class Outcome:
    name: str
    by_rule: dict[str, Tally] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def tally(self, rule: str) -> Tally:
        return self.by_rule.setdefault(rule, Tally())


def extract(git_dir: Path, commit: str, dest: Path) -> tuple[int, int]:
    """Every blob of ``commit`` the mirror holds, written under ``dest``; returns
    (written, absent). Symlinks and submodules are not followed or written."""
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit],
        capture_output=True, check=True, env=NO_LAZY_FETCH,
    ).stdout.decode()  # fmt: skip
    blobs: list[tuple[str, str]] = []
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, kind, oid = meta.split()
        if kind == "blob" and mode != "120000":
            blobs.append((oid, path))
    batch = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        input="".join(f"{oid}\n" for oid, _ in blobs).encode(),
        capture_output=True, check=True, env=NO_LAZY_FETCH,
    ).stdout  # fmt: skip
    written = absent = 0
    at = 0
    for oid, path in blobs:
        end = batch.index(b"\n", at)
        header = batch[at:end].decode().split()
        at = end + 1
        if header[1] == "missing":
            absent += 1
            continue
        size = int(header[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[at : at + size])
        at += size + 1  # the content, then a newline
        written += 1
        assert header[0] == oid
    return written, absent


def run_review(tree: Path, extra: tuple[str, ...]) -> tuple[list[Reported], list[Unread]]:
    """`infra-architect review TREE -f json --allow-incomplete EXTRA`: the findings and
    what was not read (the truth judges both); output that is not the JSON report, or a
    walk that stopped early, is an error."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, "review", str(tree), "-f", "json", "--allow-incomplete",
         *(arg.replace("{tree}", str(tree)) for arg in extra)],
        capture_output=True, check=False, timeout=600,
    )  # fmt: skip
    try:
        document = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise TruthError(
            f"review exited {done.returncode}: {done.stderr.decode()[-2000:]}"
        ) from exc
    if document["stopped"]:
        raise TruthError(f"review stopped early: {document['stopped']}")
    unread = [Unread(s["path"], s["reason"]) for s in document["skipped"] if not s["by_design"]]
    if document["summary"]["incomplete"] and not unread:
        raise TruthError("review incomplete with nothing listed as unread")
    found = [
        Reported(
            rule=f["rule_id"],
            file=f["file"],
            line=f.get("line"),
            object=", ".join(f["resources"]),
            scopes=tuple(sorted(f["roots"] + f["overlays"])),
            message=f["message"],
        )
        for f in document["findings"]
    ]
    return found, unread


def _scopes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(sorted(value if isinstance(value, list) else [value]))


def load_truth(path: Path, name: str) -> Truth:
    document = yaml.safe_load(path.read_text())
    expected: list[Expected] = []
    for section, default in (("findings", None), ("misses", "MISS")):
        for entry in document.get(section) or []:
            verdict = default or entry["verdict"]
            if verdict not in {"TP", "FP", "MISS"}:
                raise TruthError(f"{path.name}: verdict {verdict!r} is not TP or FP")
            if not entry.get("why"):
                raise TruthError(f"{path.name}: {entry} has no reason (why:)")
            expected.append(
                Expected(
                    rule=entry["rule"],
                    file=entry["file"],
                    object=entry["object"],
                    scopes=_scopes(entry.get("in")),
                    says=entry.get("says"),
                    verdict=verdict,
                    why=entry["why"],
                    needs=entry.get("needs"),
                )
            )
    not_read = tuple(
        NotRead(path=e["path"], reason=e["reason"], without=e.get("without"))
        for e in document.get("not_read") or []
    )
    variant = path.stem.partition("@")[2]
    return Truth(
        name=f"{name} @{variant}" if variant else name,
        expected=tuple(expected),
        not_read=not_read,
        review_args=tuple(document.get("review_args") or ()),
        write=tuple((document.get("write") or {}).items()),
    )


def judge_unread(unread: list[Unread], truth: Truth, outcome: Outcome) -> None:
    """A gap the truth states is printed; any other disagreement is an error."""
    for gap in unread:
        hits = [n for n in truth.not_read if n.matches(gap)]
        if not hits:
            outcome.errors.append(f"not read, unexpectedly: {gap.path}: {gap.reason}")
        elif hits[0].without and shutil.which(hits[0].without):
            outcome.errors.append(
                f"not read although {hits[0].without} is on PATH: {gap.path}: {gap.reason}"
            )
        else:
            outcome.notes.append(f"not read: {gap.path} — {gap.reason}")
    for stated in truth.not_read:
        if any(gap.path == stated.path for gap in unread):
            continue  # judged above, as expected or not
        if stated.without and shutil.which(stated.without):
            outcome.notes.append(
                f"read: {stated.path} ({stated.without} is on PATH): its findings are judged"
            )
        else:
            outcome.errors.append(
                f"expected not read, but read: {stated.path} ({stated.reason}) — update not_read:"
            )


def judge(truth: Truth, found: list[Reported], unread: list[Unread]) -> Outcome:
    outcome = Outcome(truth.name)
    judge_unread(unread, truth, outcome)
    entries = [e for e in truth.expected if e.needs is None or shutil.which(e.needs)]
    if len(entries) < len(truth.expected):
        outcome.notes.append(
            f"{len(truth.expected) - len(entries)} truth entries need a tool not on PATH "
            "(not counted)"
        )
    seen: Counter[Expected] = Counter()
    for finding in found:
        hits = [e for e in entries if e.matches(finding)]
        if not hits:
            outcome.errors.append(f"unjudged finding: {finding.show()} — add it to the truth")
            continue
        if len(hits) > 1:
            outcome.errors.append(
                f"finding {finding.show()} matches {len(hits)} truth entries — add says: to tell"
            )
            continue
        entry = hits[0]
        seen[entry] += 1
        if entry.verdict == "MISS":
            outcome.errors.append(
                f"known miss now reported: {finding.show()} — judge it under findings:"
            )
        elif seen[entry] > 1:
            outcome.errors.append(f"reported twice: {finding.show()}")
        elif entry.verdict == "TP":
            outcome.tally(entry.rule).tp += 1
        else:
            outcome.tally(entry.rule).fp += 1
            outcome.notes.append(f"FP: {entry.show()}: {entry.why}")
    judge_unreported([e for e in entries if not seen[e]], outcome)
    return outcome


def judge_unreported(entries: list[Expected], outcome: Outcome) -> None:
    """Truth entries no finding matched: a TP or a known miss is a false negative."""
    for entry in entries:
        if entry.verdict == "TP":
            outcome.tally(entry.rule).fn += 1
            outcome.notes.append(f"FN (no longer reported): {entry.show()}")
        elif entry.verdict == "MISS":
            outcome.tally(entry.rule).fn += 1
            outcome.notes.append(f"FN (known miss): {entry.show()}: {entry.why}")
        else:
            outcome.notes.append(f"gone (an FP no longer reported): {entry.show()}")


def review(tree: Path, truth: Truth) -> tuple[list[Reported], list[Unread]]:
    """The review the truth asks for, with its files written into the tree for that
    review only."""
    written: list[Path] = []
    try:
        for relative, content in truth.write:
            target = tree / relative
            if target.exists() or not target.resolve().is_relative_to(tree.resolve()):
                raise TruthError(f"write: {relative} exists or is outside the tree")
            target.write_text(content)
            written.append(target)
        return run_review(tree, truth.review_args)
    finally:
        for target in written:
            target.unlink()


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.1f}%" if whole else "     -"


def print_table(title: str, by_rule: dict[str, Tally]) -> None:
    print(f"\n{title}")
    print(f"  {'rule':<11} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}")
    total = Tally()
    for rule in sorted(by_rule):
        t = by_rule[rule]
        total.add(t)
        print(
            f"  {rule:<11} {t.tp:>4} {t.fp:>4} {t.fn:>4} {ratio(t.tp, t.tp + t.fp):>10} "
            f"{ratio(t.tp, t.tp + t.fn):>8}"
        )
    print(
        f"  {'all':<11} {total.tp:>4} {total.fp:>4} {total.fn:>4} "
        f"{ratio(total.tp, total.tp + total.fp):>10} {ratio(total.tp, total.tp + total.fn):>8}"
    )


def tree_of(name: str, commit: str, args: argparse.Namespace, work: Path) -> Path | str:
    """The repository's tree at ``commit``, or why there is none."""
    slug = name.replace("/", "+")
    if args.repos:
        tree: Path = args.repos / slug
        return tree if tree.is_dir() else f"no extracted tree at {tree}"
    git_dir = args.mirrors / slug / "repo"
    if not git_dir.is_dir():
        return f"no mirror at {git_dir}"
    tree = work / slug
    try:
        written, absent = extract(git_dir, commit, tree)
    except subprocess.CalledProcessError as exc:
        return f"could not read commit {commit} from {git_dir}: {exc.stderr.decode().strip()}"
    print(f"{name}: {written} files extracted, {absent} blobs absent from the mirror (skipped)")
    return tree


def truth_files(directory: Path, name: str) -> list[Path]:
    """The repository's truth files: the plain review first, then its variants."""
    slug = name.replace("/", "+")
    plain = directory / f"{slug}.yaml"
    return [plain, *sorted(directory.glob(f"{slug}@*.yaml"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirrors", type=Path,
        default=Path(os.environ.get("INFRA_ARCHITECT_MIRRORS", "/work/.mirror")),
        help="directory of bare mirrors <owner>+<name>/repo",
    )  # fmt: skip
    parser.add_argument("--repos", type=Path, help="directory of extracted <owner>+<name> trees")
    parser.add_argument("--truth", type=Path, default=TRUTH)
    parser.add_argument("--only", action="append", help="owner/name (repeatable)")
    args = parser.parse_args()
    print("helm on PATH: " + (shutil.which("helm") or "no (charts are not rendered)"))
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="review-precision-") as scratch:
        for name, commit in REPOSITORIES:
            if args.only and name not in args.only:
                continue
            tree = tree_of(name, commit, args, Path(scratch))
            if isinstance(tree, str):
                skipped.append(f"{name}: SKIPPED: {tree}")
                print(skipped[-1])
                continue
            for truth_file in truth_files(args.truth, name):
                try:
                    truth = load_truth(truth_file, name)
                    outcome = judge(truth, *review(tree, truth))
                except (TruthError, OSError) as exc:
                    outcome = Outcome(truth_file.stem, errors=[str(exc)])
                outcomes.append(outcome)
    overall: dict[str, Tally] = {}
    for outcome in outcomes:
        for rule, t in outcome.by_rule.items():
            overall.setdefault(rule, Tally()).add(t)
        print_table(outcome.name, outcome.by_rule)
        for line in outcome.notes:
            print(f"    {line}")
    print_table("all repositories", overall)
    errors = [f"{o.name}: {e}" for o in outcomes for e in o.errors]
    for line in skipped + errors:
        print(line, file=sys.stderr)
    return 1 if errors or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
