"""IA-TF-003: IAM statements allowing every action, or writes on every resource."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from infra_architect.iac import Resource, TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-003",
    title="Wildcard IAM action or resource",
    severity=Severity.HIGH,
    rationale="`*` actions grant everything a service will ever add; writes on `*` "
    "resources let one compromised workload change every bucket, queue or secret in the "
    "account. Least privilege names actions and resources.",
    remediation="List the actions the workload calls and the ARNs it calls them on; keep "
    "`Resource: *` only for read-only Describe/List/Get calls or under a condition.",
)

_READ = re.compile(r"^[a-z0-9-]+:(Describe|List|Get|BatchGet|Head|Query|Scan|Lookup)", re.I)
# Writes AWS defines no resource type for: the only Resource they take is "*", so naming
# them on "*" is least privilege (Service Authorization Reference, the "Resource types"
# column is empty: AWS X-Ray https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html,
# CloudWatch PutMetricData https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
_NO_RESOURCE_TYPE = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "cloudwatch:PutMetricData",
    }
)
_POLICY_RESOURCES = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
)


def _excepting(excluded: list[object], resources: list[object], conditional: bool) -> list[str]:
    """An Allow with NotAction grants every action of every service but those listed:
    on ``*`` without a condition that is administrator in all but name."""
    texts = sorted(a for a in excluded if isinstance(a, str))
    if "*" in resources and not conditional and texts:
        return [f"allows every action except {', '.join(texts[:3])} (NotAction) on every resource"]
    return []


def _problems(actions: list[object], resources: list[object], conditional: bool) -> list[str]:
    texts = [a for a in actions if isinstance(a, str)]
    wild = sorted(a for a in texts if a == "*" or a.endswith(":*"))
    if wild:
        return [f"allows every action: {', '.join(wild)}"]
    writes = [a for a in texts if not _READ.match(a) and a not in _NO_RESOURCE_TYPE]
    if "*" in resources and writes and not conditional:
        return [f"allows {', '.join(sorted(writes)[:3])} on every resource"]
    return []


def _key_policies(graph: TerraformGraph) -> set[str]:
    """Policy documents used as KMS key policies, where Resource "*" means the key."""
    used: set[str] = set()
    for key in graph.of_type("aws_kms_key", "aws_kms_key_policy"):
        used |= graph.references(key.get("policy"), key.scope)
    return used


def _document(graph: TerraformGraph, doc: Resource) -> Iterator[str]:
    for statement in nested(doc, "statement"):
        if graph.value(statement.get("effect", "Allow"), doc.scope) == "Deny":
            continue
        actions = graph.value(statement.get("actions", []), doc.scope)
        resources = graph.value(statement.get("resources", []), doc.scope)
        if not isinstance(actions, list) or not isinstance(resources, list):
            continue
        conditional = bool(statement.get("condition"))
        yield from _problems(actions, resources, conditional)
        excluded = graph.value(statement.get("not_actions", []), doc.scope)
        if isinstance(excluded, list):
            yield from _excepting(excluded, resources, conditional)


def _json_policy(text: str) -> Iterator[str]:
    try:
        policy = json.loads(text)
    except json.JSONDecodeError:
        return
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        yield from _problems(
            actions if isinstance(actions, list) else [actions],
            resources,
            "Condition" in statement,
        )
        excluded = statement.get("NotAction", [])
        yield from _excepting(
            excluded if isinstance(excluded, list) else [excluded],
            resources,
            "Condition" in statement,
        )


_ENCODED_WILDCARD = re.compile(
    r"""["']?Action["']?\s*[=:]\s*\[?[^\]]*?["'](\*|[a-z0-9-]+:\*)["']"""
)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    exempt = _key_policies(graph) | graph.used_only_by_absent()  # key policies; unattached
    for doc in graph.data_of_type("aws_iam_policy_document"):
        if doc.address in exempt:
            continue
        for problem in _document(graph, doc):
            yield finding(META, doc, f"{doc.address} {problem}")
    for policy in graph.of_type(*_POLICY_RESOURCES):
        raw = policy.get("policy")
        text = graph.value(raw, policy.scope)
        if isinstance(text, str):
            for problem in _json_policy(text):
                yield finding(META, policy, f"{policy.address} {problem}")
        elif isinstance(raw, str):
            match = _ENCODED_WILDCARD.search(raw)
            if match:
                yield finding(
                    META, policy, f"{policy.address} allows every action: {match.group(1)}"
                )
