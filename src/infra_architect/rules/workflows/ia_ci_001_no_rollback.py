"""IA-CI-001: a pipeline that deploys to production but has no way back.

A production deploy is recognised by where it goes, not by the tools it touches:
installing helm, or deploying a pull request's preview namespace, is not one. A job
deploys to production when its ``environment:`` names production (prod, production,
live as a word, an expression naming it included), or when the workflow runs on a push
to the default branch or a release tag and the job's deploy command targets such an
environment (a namespace, overlay, context or variable naming it)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infra_architect.iac import Job, Step, Workflow, WorkflowGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity

META = RuleMeta(
    id="IA-CI-001",
    title="Deploying pipeline with no rollback path",
    severity=Severity.HIGH,
    rationale="A deploy that fails verification stays in production until someone "
    "reverts it by hand: the outage lasts as long as it takes to notice, find the "
    "previous version and redeploy it, which alone can spend a month's error budget.",
    remediation="Make the way back automatic: a rollback job on failure (kubectl rollout "
    "undo, helm rollback, argo rollouts abort, redeploying the previous image digest), an "
    "ECS deployment circuit breaker with rollback, or CodeDeploy/Argo Rollouts analysis.",
)

# Actions that deploy. Actions that install a tool (azure/setup-helm, *setup-kubectl,
# argocd CLI installers) are not deploys: see _INSTALLS.
_DEPLOY_ACTIONS = re.compile(
    r"(amazon-ecs-deploy-task-definition|aws-actions/[^@]*deploy|azure/k8s-deploy|"
    r"azure/webapps-deploy|google-github-actions/deploy|deliverybot/helm|appleboy/ssh-action)",
    re.I,
)
_INSTALLS = re.compile(r"(^|/)setup-|/setup@|install", re.I)
_DEPLOY_RUN = re.compile(
    r"\b(kubectl\s+(apply|set\s+image|replace)|helm\s+(upgrade|install)|"
    r"terraform\s+apply|aws\s+ecs\s+update-service|aws\s+deploy\s+create-deployment|"
    r"argocd\s+app\s+sync|serverless\s+deploy|sam\s+deploy|cdk\s+deploy|"
    r"aws\s+lambda\s+update-function-code)",
    re.I,
)
_ROLLBACK = re.compile(
    r"(rollout\s+undo|helm\s+rollback|--atomic|rollouts?\s+(abort|undo)|rollback|roll-back|"
    r"revert|circuit.?breaker|previous.?(task|digest|version|release))",
    re.I,
)
# "prod", "production" or "live" as a word of their own: "prod-eu", "k8s/overlays/prod"
# and "'production'" inside an expression name it; "preprod", "non-prod", "liveness",
# "staging", "pr-123" and "preview" do not.
_PRODUCTION = re.compile(r"(?<![a-z0-9])(?<!non-)(prod|production|live)(?![a-z0-9])", re.I)
_DEFAULT_BRANCHES = frozenset({"main", "master"})
_PULL_REQUEST_ONLY = re.compile(r"event_name\s*==\s*'pull_request", re.I)


def _deploys(step: Step) -> bool:
    if _DEPLOY_RUN.search(step.run):
        return True
    return bool(step.uses and _DEPLOY_ACTIONS.search(step.uses) and not _INSTALLS.search(step.uses))


def _rolls_back(step: Step) -> bool:
    text = " ".join([step.name, step.uses, step.run, *step.with_.values()])
    return bool(_ROLLBACK.search(text))


def _releases(workflow: Workflow) -> bool:
    """Whether a push to the default branch or a release tag runs the workflow."""
    if "release" in workflow.triggers:
        return True
    if "push" not in workflow.triggers:
        return False
    if workflow.push_tags:
        return True
    if workflow.push_branches is None:
        return True  # every branch, the default one included
    return bool(_DEFAULT_BRANCHES.intersection(workflow.push_branches))


def _targets_production(step: Step, job: Job) -> bool:
    texts = [step.run, *step.with_.values(), *step.env.values(), *job.env.values()]
    return any(_PRODUCTION.search(t) for t in texts)


def _production_deploy(workflow: Workflow, job: Job) -> tuple[int, str] | None:
    """Where a job deploys to production (line, what), or None when it does not."""
    if _PULL_REQUEST_ONLY.search(job.condition):
        return None
    deploys = [s for s in job.steps if _deploys(s)]
    if _PRODUCTION.search(job.environment):
        first = deploys[0] if deploys else None
        where = f"environment {job.environment}"
        return (first.line, f"{where}, {first.label}") if first else (job.line, where)
    if _releases(workflow):
        for step in deploys:
            if _targets_production(step, job):
                return step.line, step.label
    return None


def check(graph: WorkflowGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for workflow in graph.workflows:
        if any(_rolls_back(s) for s in workflow.steps()):
            continue
        for job in workflow.jobs:
            deploy = _production_deploy(workflow, job)
            if deploy is None:
                continue
            line, what = deploy
            yield META.finding(
                f"{workflow.file} deploys to production (job {job.id}, {what}) and has no "
                "rollback step or automatic rollback",
                workflow.file,
                line,
                (f"job {job.id}",),
            )
