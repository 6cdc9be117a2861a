"""IA-CI-001: a pipeline that deploys but has no way back."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infra_architect.iac import Step, WorkflowGraph
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

_DEPLOY_ACTIONS = re.compile(
    r"(amazon-ecs-deploy-task-definition|aws-actions/.*deploy|azure/k8s-deploy|"
    r"google-github-actions/deploy|helm|argocd|appleboy/ssh-action)",
    re.I,
)
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


def _deploys(step: Step) -> bool:
    return bool(_DEPLOY_RUN.search(step.run) or (step.uses and _DEPLOY_ACTIONS.search(step.uses)))


def _rolls_back(step: Step) -> bool:
    text = " ".join([step.name, step.uses, step.run, *step.with_.values()])
    return bool(_ROLLBACK.search(text))


def check(graph: WorkflowGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for workflow in graph.workflows:
        steps = list(workflow.steps())
        deploys = [s for s in steps if _deploys(s)]
        if not deploys or any(_rolls_back(s) for s in steps):
            continue
        first = deploys[0]
        yield META.finding(
            f"{workflow.file} deploys (job {first.job}, {first.label}) and has no rollback "
            "step or automatic rollback",
            workflow.file,
            first.line,
            (f"job {first.job}",),
        )
