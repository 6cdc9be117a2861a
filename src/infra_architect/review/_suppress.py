"""Suppressions (inline and file-based, each with a reason) and the baseline.

Inline, on the line a finding names or directly above it::

    # infra-architect:ignore IA-TF-004 -- staging copy, restored from prod nightly

File-based, ``.infra-architect-ignore.yaml`` at the reviewed root::

    ignore:
      - rule: IA-TF-006
        path: legacy/**          # glob over the reported file (default: everywhere)
        resource: aws_instance.* # glob over the resources (optional)
        reason: replaced by the new stack in Q3

A suppression without a reason is not applied. The baseline records the fingerprints
of the findings a team accepts today (rule, file, resources, message; not the line, so
edits above a finding do not make it new) so a legacy repository fails only on new ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from fnmatch import fnmatchcase
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infra_architect._display import printable
from infra_architect._io import UnreadableFileError, read_input
from infra_architect.errors import Problem, ReviewInputError
from infra_architect.rules import Finding

IGNORE_FILE = ".infra-architect-ignore.yaml"
_INLINE = re.compile(
    r"(?:#|//)\s*infra-architect:ignore\s+(?P<rules>[A-Z][A-Z0-9-]*(?:\s*,\s*[A-Z][A-Z0-9-]*)*)"
    r"(?:\s*(?:--|:)\s*(?P<reason>.*?))?\s*$"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Suppression(_Model):
    """An inline suppression: the rules it names, in one file, at one line."""

    file: str
    line: int
    rules: tuple[str, ...]
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            finding.file == self.file
            and finding.rule_id in self.rules
            and finding.line in (self.line, self.line + 1)
        )


def inline_suppressions(texts: dict[str, str]) -> tuple[list[Suppression], list[str]]:
    """Every inline suppression of every file, and those refused for want of a reason."""
    found: list[Suppression] = []
    invalid: list[str] = []
    for path in sorted(texts):
        if "infra-architect:ignore" not in texts[path]:
            continue
        for number, line in enumerate(texts[path].splitlines(), start=1):
            match = _INLINE.search(line)
            if match is None:
                continue
            rules = tuple(r.strip() for r in match.group("rules").split(","))
            reason = (match.group("reason") or "").strip()
            if not reason:
                invalid.append(
                    f"{path}:{number}: ignoring {', '.join(rules)} needs a reason "
                    "(fix: append `-- why it is acceptable`)"
                )
                continue
            found.append(Suppression(file=path, line=number, rules=rules, reason=reason))
    return found, invalid


class IgnoreEntry(_Model):
    rule: str = Field(min_length=1)
    path: str = "**"
    resource: str | None = None
    reason: str = Field(min_length=1)

    def matches(self, finding: Finding) -> bool:
        if not fnmatchcase(finding.rule_id, self.rule):
            return False
        if not fnmatchcase(finding.file, self.path):  # `*` crosses `/`: `infra/*` is a subtree
            return False
        return self.resource is None or any(
            fnmatchcase(r, self.resource) for r in finding.resources
        )


class IgnoreFile(_Model):
    ignore: list[IgnoreEntry] = Field(default_factory=list)

    def reason_for(self, finding: Finding) -> str | None:
        return next((e.reason for e in self.ignore if e.matches(finding)), None)


IGNORE_FILE_BYTES = 4 * 1024 * 1024
BASELINE_BYTES = 64 * 1024 * 1024


def read_input_text(path: Path, field: str, limit: int, fix: str) -> str:
    """A small UTF-8 input file (ignore file, baseline), or one clear error: not a
    regular file (a directory, a FIFO that would block, a device that never ends), over
    ``limit`` bytes, unreadable or not UTF-8. Opened without blocking, checked on the
    open handle, so nothing is swapped in between."""

    def problem(message: str) -> ReviewInputError:
        return ReviewInputError(str(path), [Problem(field=field, message=message, fix=fix)])

    try:
        data = read_input(path, limit)
    except UnreadableFileError as exc:
        raise problem(exc.reason) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise problem(f"not UTF-8 text (byte {exc.start:,})") from None


def read_ignore_file(path: Path) -> IgnoreFile:
    """The file-based suppressions; bad input is one located error (exit 2)."""
    fix = "write .infra-architect-ignore.yaml as UTF-8 YAML: ignore: [{rule, reason}]"
    text = read_input_text(path, "ignore", IGNORE_FILE_BYTES, fix)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ReviewInputError(
            str(path),
            [
                Problem(
                    field="ignore",
                    message=printable(str(exc), newlines=True),
                    fix="write valid YAML",
                )
            ],
        ) from None
    except RecursionError:
        raise ReviewInputError(
            str(path), [Problem(field="ignore", message="nested too deeply", fix=fix)]
        ) from None
    try:
        return IgnoreFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [p for p in error["loc"] if isinstance(p, (str, int))]
        raise ReviewInputError(
            str(path),
            [
                Problem(
                    line=_line_of(node, location),
                    field=printable(".".join(str(p) for p in location)),
                    message=printable(error["msg"]),
                    fix="each entry needs rule and reason (path and resource are optional "
                    "globs); a suppression without a reason is not accepted",
                )
            ],
        ) from None


def _line_of(node: yaml.Node | None, location: list[str | int]) -> int | None:
    """The line of the deepest node of ``location`` that exists (a missing key: its
    mapping's line)."""
    current = node
    for part in location:
        child: yaml.Node | None = None
        if isinstance(current, yaml.MappingNode):
            child = next((v for k, v in current.value if k.value == part), None)
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            child = current.value[part] if part < len(current.value) else None
        if child is None:
            break
        current = child
    return current.start_mark.line + 1 if current is not None else None


_DIGITS = re.compile(r"\d+")


def fingerprint(finding: Finding) -> str:
    """Stable across edits that do not change the finding: rule, file, the resource it
    anchors on and its message with counts blanked (a repo-wide "3 workloads and no
    alarm" stays the same finding when a fourth workload arrives); never the line."""
    anchor = finding.resources[0] if finding.resources else ""
    message = _DIGITS.sub("#", finding.message)
    key = "\x1f".join([finding.rule_id, finding.file, anchor, message])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class Baseline(_Model):
    version: int = 1
    fingerprints: frozenset[str]


def read_baseline(path: Path) -> Baseline:
    fix = "write one with `infra-architect review PATH --write-baseline FILE`"
    text = read_input_text(path, "findings", BASELINE_BYTES, fix)
    try:
        data = json.loads(text)
        return Baseline(fingerprints=frozenset(str(f["fingerprint"]) for f in data["findings"]))
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ReviewInputError(
            str(path),
            [
                Problem(
                    field="findings",
                    message=f"not a baseline file ({type(exc).__name__}: {exc})",
                    fix="write one with `infra-architect review PATH --write-baseline FILE`",
                )
            ],
        ) from None


def baseline_json(findings: list[tuple[str, Finding]]) -> str:
    entries = sorted(
        (
            {
                "fingerprint": print_,
                "rule_id": f.rule_id,
                "file": f.file,
                "resources": list(f.resources),
            }
            for print_, f in findings
        ),
        key=lambda e: (str(e["file"]), str(e["rule_id"]), str(e["fingerprint"])),
    )
    return json.dumps({"version": 1, "findings": entries}, indent=2, sort_keys=True) + "\n"
