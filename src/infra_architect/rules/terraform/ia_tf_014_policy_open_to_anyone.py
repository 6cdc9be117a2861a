"""IA-TF-014: a resource policy that allows anyone (principal ``*``) with no condition
restricting who calls."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from infra_architect.iac import Resource, TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-014",
    title="Resource policy open to anyone",
    severity=Severity.HIGH,
    rationale="A bucket, key, queue or topic policy that allows Principal `*` with no "
    "condition on the caller lets every AWS account, and for S3 every anonymous user on "
    "the internet, call the allowed actions: read or overwrite the data, decrypt with the "
    "key, read or inject messages.",
    remediation="Name the principals (account roots, roles, service principals), or keep "
    "`*` only under a condition that pins the caller: aws:SourceArn/aws:SourceAccount for "
    "a service, aws:PrincipalOrgID for the organisation, aws:SourceVpce for an endpoint.",
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    ),
)

POLICY_ATTRIBUTES = {
    "aws_s3_bucket_policy": "policy",
    "aws_s3_bucket": "policy",
    "aws_kms_key": "policy",
    "aws_kms_key_policy": "policy",
    "aws_sqs_queue_policy": "policy",
    "aws_sqs_queue": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy",
    "aws_ecr_repository_policy": "policy",
    "aws_secretsmanager_secret_policy": "policy",
    "aws_iam_role": "assume_role_policy",
}
"""Resources whose attribute is a resource policy, a JSON document with principals."""
_RESTRICTING = frozenset(
    key.lower()
    for key in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpce",
        "aws:SourceVpc",
        "aws:SourceIp",
        "aws:VpcSourceIp",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalServiceName",
        "aws:userid",
        "kms:CallerAccount",
        "kms:ViaService",
    )
)
"""Condition keys that pin who (or from where) the caller is."""
_JSONENCODE = re.compile(r"^\$\{\s*jsonencode\((.*)\)\s*\}$", re.DOTALL)
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def _everyone(principal: object) -> bool:
    """Principal ``"*"``, ``{"AWS": "*"}`` or ``{"AWS": ["*"]}``."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        aws = principal.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


def _restricted(condition: object) -> bool:
    """Whether a JSON Condition names a key that pins the caller; an unknown condition
    is taken to restrict (never guessed open)."""
    if not isinstance(condition, Mapping):
        return condition is not None
    for tests in condition.values():
        if not isinstance(tests, Mapping):
            return True
        if any(not isinstance(key, str) or key.lower() in _RESTRICTING for key in tests):
            return True
    return False


def _open_statements(policy: object) -> Iterator[str]:
    """The actions of each Allow statement open to anyone (a policy as JSON data)."""
    statements = policy.get("Statement") if isinstance(policy, Mapping) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if _everyone(statement.get("Principal")) and not _restricted(statement.get("Condition")):
            yield _actions(statement.get("Action"))


def _actions(action: object) -> str:
    listed = action if isinstance(action, list) else [action]
    named = sorted(a for a in listed if isinstance(a, str))
    return ", ".join(named[:3]) + (" and more" if len(named) > 3 else "") if named else "actions"


def _policy(graph: TerraformGraph, resource: Resource, raw: object) -> object:
    """A policy attribute as data: ``jsonencode(...)``'s argument (unknown parts stay
    unknown in place), or a JSON text whose interpolations are read as unknown strings."""
    if isinstance(raw, str):
        encoded = _JSONENCODE.match(raw)
        if encoded is not None:
            return graph.value("${" + encoded.group(1) + "}", resource.scope)
    text = graph.value(raw, resource.scope)
    if not isinstance(text, str) and isinstance(raw, str) and "\n" in raw:
        text = _INTERPOLATION.sub("unknown", raw)  # a heredoc with interpolations
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _document(graph: TerraformGraph, doc: Resource) -> Iterator[str]:
    """The actions of each Allow statement of an aws_iam_policy_document open to anyone."""
    for statement in nested(doc, "statement"):
        if graph.value(statement.get("effect", "Allow"), doc.scope) != "Allow":
            continue
        if statement.get("condition") and _document_restricted(graph, doc, statement):
            continue
        for principals in _blocks(statement.get("principals")):
            kind = graph.value(principals.get("type"), doc.scope)
            identifiers = graph.value(principals.get("identifiers"), doc.scope)
            if kind in ("*", "AWS") and isinstance(identifiers, list) and "*" in identifiers:
                yield _actions(graph.value(statement.get("actions"), doc.scope))
                break


def _document_restricted(
    graph: TerraformGraph, doc: Resource, statement: Mapping[str, object]
) -> bool:
    for condition in _blocks(statement.get("condition")):
        variable = graph.value(condition.get("variable"), doc.scope)
        if not isinstance(variable, str) or variable.lower() in _RESTRICTING:
            return True
    return False


def _blocks(value: object) -> list[Mapping[str, object]]:
    listed = value if isinstance(value, list) else [value]
    return [v for v in listed if isinstance(v, Mapping)]


def _report(resource: Resource, actions: str) -> Finding:
    return finding(
        META,
        resource,
        f"{resource.address} allows anyone (Principal *) to call {actions} with no condition "
        "restricting the caller",
    )


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    unused = graph.used_only_by_absent()
    for doc in graph.data_of_type("aws_iam_policy_document"):
        if doc.address in unused:
            continue  # its only consumers have count 0: attached nowhere
        for actions in sorted(set(_document(graph, doc))):
            yield _report(doc, actions)
    for resource in graph.of_type(*POLICY_ATTRIBUTES):
        raw = resource.get(POLICY_ATTRIBUTES[resource.type])
        for actions in sorted(set(_open_statements(_policy(graph, resource, raw)))):
            yield _report(resource, actions)
