"""A review as JSON, SARIF 2.1.0 (GitHub code scanning) or Markdown."""

from __future__ import annotations

import json

from infra_architect import __version__
from infra_architect._figures import table_cell
from infra_architect.review._inventory import mermaid
from infra_architect.review._review import Reviewed, ReviewReport
from infra_architect.rules import ALL_RULES, Severity

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


def report_json(report: ReviewReport) -> str:
    document = {
        "apiVersion": "infra-architect/v1",
        "kind": "Review",
        "root": report.root,
        "summary": _summary(report),
        "findings": [
            {
                **r.finding.model_dump(mode="json"),
                "fingerprint": r.fingerprint,
                "status": _status(r),
                **({"suppressed": r.suppressed} if r.suppressed else {}),
            }
            for r in report.findings
        ],
        "skipped": [s.model_dump(mode="json") for s in report.skipped],
        "architecture": {
            "parts": [p.model_dump(mode="json") for p in report.parts],
            "links": [link.model_dump(mode="json") for link in report.links],
        },
        "cost": {
            "region": report.region,
            "prices_as_of": report.prices_as_of,
            "monthly_usd": round(sum(c.monthly_usd for c in report.costs), 2),
            "roots": [c.model_dump(mode="json") for c in report.costs],
        },
        "invalid_suppressions": report.invalid_suppressions,
        "stopped": report.stopped,
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _status(r: Reviewed) -> str:
    if r.suppressed is not None:
        return "suppressed"
    return "baselined" if r.baselined else "new"


def _summary(report: ReviewReport) -> dict[str, object]:
    counts = {s.value: 0 for s in Severity}
    for r in report.active:
        counts[r.finding.severity.value] += 1
    return {
        "files_read": report.files_read,
        "terraform_roots": report.terraform_roots,
        "resources": report.resources,
        "kubernetes_objects": report.kubernetes_objects,
        "findings": len(report.active),
        "by_severity": counts,
        "suppressed": sum(1 for r in report.findings if r.suppressed is not None),
        "baselined": sum(1 for r in report.findings if r.baselined),
        "skipped": len(report.skipped),
    }


def report_sarif(report: ReviewReport) -> str:
    """SARIF 2.1.0: one run, every rule described, suppressed findings carried with
    their justification, baselined ones marked unchanged."""
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
                "tags": ["infrastructure", "architecture"],
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
            "message": {"text": f"{f.message}. Fix: {f.remediation}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(f.line, 1)},
                    },
                    "logicalLocations": [
                        {"fullyQualifiedName": name, "kind": "resource"} for name in f.resources
                    ],
                }
            ],
            "partialFingerprints": {"infraArchitect/v1": r.fingerprint},
            "baselineState": "unchanged" if r.baselined else "new",
        }
        if f.rule_id in index:
            result["ruleIndex"] = index[f.rule_id]
        if r.suppressed is not None:
            result["suppressions"] = [
                {"kind": r.suppression_kind or "external", "justification": r.suppressed}
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
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "reviewed root"}}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def report_markdown(report: ReviewReport) -> str:
    s = _summary(report)
    lines = [
        f"# Infrastructure review: {report.root}",
        "",
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
            f"| {r.finding.severity.value} | {r.finding.rule_id} | `{r.finding.file}:"
            f"{r.finding.line}` | {', '.join(f'`{x}`' for x in r.finding.resources)} | "
            f"{table_cell(r.finding.message)} | {table_cell(r.finding.remediation)} |"
            for r in sorted(report.active, key=lambda r: (-r.finding.severity.rank, r.finding.file))
        ]
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
            f"| `{c.root}` | {c.monthly_usd:,.0f} | {c.priced} | {c.usage_priced} | {c.unknown} |"
            for c in report.costs
        ]
    if report.skipped or report.stopped:
        lines += ["", "## Not read", ""]
        if report.stopped:
            lines.append(f"- the walk stopped: {report.stopped}")
        lines += [f"- `{s.path}`: {s.reason}" for s in report.skipped]
    if report.invalid_suppressions:
        lines += ["", "## Suppressions not applied", ""]
        lines += [f"- {text}" for text in report.invalid_suppressions]
    return "\n".join(lines) + "\n"
