"""A review as JSON, SARIF 2.1.0 (GitHub code scanning) or Markdown.

Each says whether the review is complete. An incomplete one (a file not read, an
overlay not built, the walk stopped at a limit) is ``"incomplete": true`` in JSON,
``invocations[0].executionSuccessful: false`` with one tool execution notification per
unread item in SARIF, and a warning above the findings in Markdown. Names from the
reviewed tree are escaped for each format (``_display``); JSON keeps them exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from infra_architect import __version__
from infra_architect._display import markdown_code, markdown_text, printable, sarif_uri
from infra_architect._documents import OutputDocument
from infra_architect.review._inventory import Link, Part, mermaid
from infra_architect.review._review import Reviewed, ReviewReport, RootCost
from infra_architect.review._walk import Skipped, repository_root
from infra_architect.rules import ALL_RULES, Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/infra-architect/infra-architect"
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub ranks code-scanning alerts by this CVSS-like score (0-10).
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}


# GitHub files a result under Security only when its rule is tagged "security"; the rest
# are reliability (availability, recovery, rollout) checks. A rule missing here fails
# tests/review (test_every_rule_is_tagged): each new rule is classified on purpose.
SECURITY_RULES = frozenset(
    {
        "IA-TF-001",  # data store reachable from the internet
        "IA-TF-002",  # hard-coded secret
        "IA-TF-003",  # wildcard IAM
        "IA-TF-008",  # unencrypted storage
        "IA-TF-010",  # publicly accessible database
        "IA-TF-013",  # admin or data port open to the internet
        "IA-TF-014",  # resource policy open to anyone
        "IA-TF-015",  # EKS API endpoint open to the internet
        "IA-K8S-003",  # no NetworkPolicy
        "IA-K8S-004",  # secret value in a manifest
        "IA-K8S-005",  # privileged or root container
        "IA-CI-002",  # plaintext secret in a workflow
        "IA-CI-003",  # script injection
    }
)
RELIABILITY_RULES = frozenset(
    {
        "IA-TF-004",
        "IA-TF-005",
        "IA-TF-006",
        "IA-TF-007",
        "IA-TF-009",
        "IA-TF-011",
        "IA-TF-012",
        "IA-TF-016",
        "IA-TF-017",
        "IA-K8S-001",
        "IA-K8S-002",
        "IA-K8S-006",
        "IA-CI-001",
    }
)


def rule_tags(rule_id: str) -> list[str]:
    """The SARIF tags of a rule: "infrastructure", then "security" or "reliability"."""
    if rule_id in SECURITY_RULES:
        return ["infrastructure", "security"]
    if rule_id in RELIABILITY_RULES:
        return ["infrastructure", "reliability"]
    return ["infrastructure"]


def repository_prefix(root: Path) -> str:
    """Where the reviewed root sits in its git repository ("" at the repository's root or
    outside any). GitHub code scanning places a result by its path from the repository
    root, so SARIF paths carry this prefix."""
    repository = repository_root(root)
    if repository is None or repository == root.resolve():
        return ""
    return root.resolve().relative_to(repository).as_posix()


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewFinding(Finding):
    """A finding as the review reports it: where it holds and whether it gates."""

    fingerprint: str = Field(description="Stable id of the finding, for baselines.")
    roots: list[str] = Field(description="Terraform roots the finding's file belongs to.")
    overlays: list[str] = Field(description="Kustomize overlays that build the object.")
    status: Literal["new", "baselined", "suppressed"]
    suppressed: str | None = Field(
        default=None,
        exclude_if=lambda reason: reason is None,
        description="The suppression's reason; present only when suppressed.",
    )


class ReviewSummary(_Frozen):
    """What was read and what was found (active findings only in ``findings``)."""

    files_read: int
    terraform_roots: list[str]
    resources: int
    kubernetes_objects: int
    findings: int = Field(description="Active findings: not suppressed, not baselined.")
    by_severity: dict[str, int] = Field(description="Active findings by severity.")
    suppressed: int
    baselined: int
    skipped: int
    unread: int
    incomplete: bool
    checked_nothing: bool


class ReviewArchitecture(_Frozen):
    """The components the review recognised and how they connect."""

    parts: list[Part]
    links: list[Link]


class ReviewCost(_Frozen):
    """List-price monthly cost of the Terraform roots read."""

    region: str
    prices_as_of: str
    monthly_usd: float
    roots: list[RootCost]


class ReviewDocument(OutputDocument):
    """``infra-architect review -f json``: findings, what was skipped, the architecture
    and the cost of a repository. ``incomplete`` true: the review did not read everything
    and a gate must not pass on it."""

    kind: Literal["Review"]
    root: str
    summary: ReviewSummary
    findings: list[ReviewFinding]
    skipped: list[Skipped]
    architecture: ReviewArchitecture
    cost: ReviewCost
    invalid_suppressions: list[str]
    stopped: str | None = Field(description="Why the walk stopped at a limit, if it did.")
    incomplete: bool


def review_document(report: ReviewReport) -> ReviewDocument:
    """The JSON form of a review, typed (``report_json`` writes it)."""
    return ReviewDocument(
        kind="Review",
        root=report.root,
        summary=_summary(report),
        findings=[
            ReviewFinding(
                **dict(r.finding),
                fingerprint=r.fingerprint,
                roots=list(r.roots),
                overlays=list(r.overlays),
                status=_status(r),
                suppressed=r.suppressed,
            )
            for r in report.findings
        ],
        skipped=report.skipped,
        architecture=ReviewArchitecture(parts=report.parts, links=report.links),
        cost=ReviewCost(
            region=report.region,
            prices_as_of=report.prices_as_of,
            monthly_usd=round(sum(c.monthly_usd for c in report.costs), 2),
            roots=report.costs,
        ),
        invalid_suppressions=report.invalid_suppressions,
        stopped=report.stopped,
        incomplete=report.incomplete,
    )


def report_json(report: ReviewReport) -> str:
    document = review_document(report).model_dump(mode="json")
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _status(r: Reviewed) -> Literal["new", "baselined", "suppressed"]:
    if r.suppressed is not None:
        return "suppressed"
    return "baselined" if r.baselined else "new"


def _summary(report: ReviewReport) -> ReviewSummary:
    counts = {s.value: 0 for s in Severity}
    for r in report.active:
        counts[r.finding.severity.value] += 1
    return ReviewSummary(
        files_read=report.files_read,
        terraform_roots=report.terraform_roots,
        resources=report.resources,
        kubernetes_objects=report.kubernetes_objects,
        findings=len(report.active),
        by_severity=counts,
        suppressed=sum(1 for r in report.findings if r.suppressed is not None),
        baselined=sum(1 for r in report.findings if r.baselined),
        skipped=len(report.skipped),
        unread=len(report.unread),
        incomplete=report.incomplete,
        checked_nothing=report.checked_nothing,
    )


def report_sarif(report: ReviewReport, prefix: str | None = None) -> str:
    """SARIF 2.1.0: one run, every rule described (security-severity and tags for GitHub),
    suppressed findings carried with their justification, baselined ones marked
    unchanged. Paths are from the repository root: ``prefix`` (the reviewed root's path
    in its repository) is found from ``.git`` above the reviewed root when not given."""
    if prefix is None:
        prefix = repository_prefix(Path(report.root))
    rules = [
        {
            "id": rule.meta.id,
            "name": "".join(w.capitalize() for w in rule.meta.title.split()[:8]),
            "shortDescription": {"text": rule.meta.title},
            "fullDescription": {"text": rule.meta.rationale},
            "help": {
                "text": f"{rule.meta.rationale}\n\nFix: {rule.meta.remediation}",
                "markdown": f"{rule.meta.rationale}\n\n**Fix:** {rule.meta.remediation}",
            },
            "defaultConfiguration": {"level": _LEVEL[rule.meta.severity]},
            "properties": {
                "security-severity": _SECURITY_SEVERITY[rule.meta.severity],
                "tags": rule_tags(rule.meta.id),
            },
        }
        for rule in ALL_RULES
    ]
    index = {rule.meta.id: i for i, rule in enumerate(ALL_RULES)}
    results = []
    for r in report.findings:
        f = r.finding
        result: dict[str, object] = {
            "ruleId": f.rule_id,
            "level": _LEVEL[f.severity],
            "message": {"text": printable(f"{f.message}. Fix: {f.remediation}")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": sarif_uri(f"{prefix}/{f.file}" if prefix else f.file),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": max(f.line, 1)},
                    },
                    "logicalLocations": [
                        {"fullyQualifiedName": printable(name), "kind": "resource"}
                        for name in f.resources
                    ],
                }
            ],
            "partialFingerprints": {"infraArchitect/v1": r.fingerprint},
            "baselineState": "unchanged" if r.baselined else "new",
        }
        if f.rule_id in index:
            result["ruleIndex"] = index[f.rule_id]
        through = {k: list(v) for k, v in (("roots", r.roots), ("overlays", r.overlays)) if v}
        if through:  # one result for a module read by N roots, a base built by N overlays
            result["properties"] = {k: [printable(n) for n in v] for k, v in through.items()}
        if r.suppressed is not None:
            result["suppressions"] = [
                {"kind": r.suppression_kind or "external", "justification": printable(r.suppressed)}
            ]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "infra-architect",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {
                        "description": {
                            "text": "the repository root (the reviewed root when not in one)"
                        }
                    }
                },
                "invocations": [_invocation(report)],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _invocation(report: ReviewReport) -> dict[str, object]:
    """Whether the review read everything: an incomplete review did not succeed (code
    scanning shows it as a failed analysis), each unread item an error notification, each
    item left out by design a note."""
    notes: list[dict[str, object]] = []
    if report.nothing_checked:
        notes.append(_notification("error", "nothing-checked", report.nothing_checked))
    if report.stopped:
        notes.append(_notification("error", "walk-stopped", f"the walk stopped: {report.stopped}"))
    for s in report.skipped:
        kind = ("note", "left-out") if s.by_design else ("error", "not-read")
        notes.append(_notification(*kind, f"{s.path}: {s.reason}"))
    return {
        "executionSuccessful": not (report.incomplete or report.checked_nothing),
        "toolExecutionNotifications": notes,
    }


def _notification(level: str, descriptor: str, text: str) -> dict[str, object]:
    return {
        "level": level,
        "descriptor": {"id": f"infra-architect/{descriptor}"},
        "message": {"text": printable(text)},
    }


def report_markdown(report: ReviewReport) -> str:
    s = _summary(report).model_dump()
    lines = [f"# Infrastructure review: {markdown_text(report.root)}", ""]
    if report.incomplete:
        lines += [
            (
                f"> **Incomplete review**: {len(report.unread)} files, modules or overlays "
                "could not be read or built"
                + (
                    f", and the walk stopped ({markdown_text(report.stopped)})"
                    if report.stopped
                    else ""
                )
                + ". The findings below cover only what was read; see *Not read*."
            ),
            "",
        ]
    lines += [
        (
            f"{s['files_read']} files read, {s['resources']} Terraform resources in "
            f"{len(report.terraform_roots)} root modules, {s['kubernetes_objects']} "
            f"Kubernetes objects. **{s['findings']} findings** ({s['suppressed']} "
            f"suppressed, {s['baselined']} in the baseline)."
        ),
        "",
    ]
    if report.active:
        lines += [
            "| Severity | Rule | Where | Resources | Finding | Fix |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.finding.severity.value} | {markdown_text(r.finding.rule_id)} | "
            f"{markdown_code(f'{r.finding.file}:{r.finding.line}', cell=True)} | "
            f"{', '.join(markdown_code(x, cell=True) for x in r.finding.resources)} | "
            f"{markdown_text(r.finding.message)} | {markdown_text(r.finding.remediation)} |"
            for r in sorted(report.active, key=lambda r: (-r.finding.severity.rank, r.finding.file))
        ]
    elif report.nothing_checked:
        lines.append(
            f"> **Not a pass**: {report.nothing_checked}. What was left out is listed "
            "under *Left out by design*."
        )
    else:
        lines.append("No findings.")
    if report.parts:
        lines += [
            "",
            "## What it found",
            "",
            (
                f"{len(report.parts)} notable resources (entry points, compute, queues, "
                "data stores) and the references between them:"
            ),
            "",
            "```mermaid",
            mermaid(report.parts, report.links),
            "```",
        ]
    if report.costs:
        total = sum(c.monthly_usd for c in report.costs)
        lines += [
            "",
            (
                f"## Monthly cost at list prices ({report.region}, prices of "
                f"{report.prices_as_of}): ${total:,.0f}"
            ),
            "",
            (
                "What the code fixes (instances, nodes, databases, load balancers ...); "
                "usage-priced parts (requests, transfer, storage growth) and sizes that are "
                "not static are counted, not guessed."
            ),
            "",
            "| Root module | $/month | Priced | Usage-priced | Unknown |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {markdown_code(c.root, cell=True)} | {c.monthly_usd:,.0f} | {c.priced} | "
            f"{c.usage_priced} | {c.unknown} |"
            for c in report.costs
        ]
    lines += _not_read(report)
    if report.invalid_suppressions:
        lines += ["", "## Suppressions not applied", ""]
        lines += [f"- {markdown_text(text)}" for text in report.invalid_suppressions]
    return "\n".join(lines) + "\n"


def _not_read(report: ReviewReport) -> list[str]:
    unread = report.unread
    left_out = [s for s in report.skipped if s.by_design]
    lines: list[str] = []
    if unread or report.stopped:
        lines += ["", "## Not read (the review is incomplete)", ""]
        if report.stopped:
            lines.append(f"- the walk stopped: {markdown_text(report.stopped)}")
        lines += [_bullet(s) for s in unread]
    if left_out:
        lines += ["", "## Left out by design", ""]
        lines += [_bullet(s) for s in left_out]
    return lines


def _bullet(skipped: Skipped) -> str:
    return f"- {markdown_code(skipped.path)}: {markdown_text(skipped.reason)}"
