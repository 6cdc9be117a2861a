"""IA-TF-002: a secret written literally in Terraform: in a resource, a provider block
(``access_key``, ``secret_key``, ``token``), a variable's default, or a local or module
argument that reaches a secret-bearing attribute."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infra_architect.iac import Resource, TerraformGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-002",
    title="Hard-coded secret",
    severity=Severity.HIGH,
    rationale="A password, token or key in code is in every clone, every CI log and the "
    "state file, and cannot be rotated without a commit. Key-format scanners miss plain "
    'passwords such as `password = "hunter2"`.',
    remediation="Let the service manage it (RDS manage_master_user_password), or generate "
    "it into Secrets Manager and reference the secret; never a literal, a local, a module "
    "argument or a variable default. Give providers credentials from the environment, a "
    "profile or an assumed role, never access_key/secret_key in the provider block.",
    references=(
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs#authentication-and-configuration",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/hardcoded.html",
    ),
)

_NAME = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|secret_key|token|auth_token|api_key|"
    r"access_key|private_key|client_secret)$",
    re.IGNORECASE,
)
_FROM_VARIABLE = re.compile(r"^\$\{\s*var\.([A-Za-z_][\w-]*)\s*\}$")
_FORMATS = re.compile(
    r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|ghp_[A-Za-z0-9]{36}|"
    r"xox[baprs]-[A-Za-z0-9-]{10,})"
)


def _literal_secrets(body: object, path: str = "") -> Iterator[str]:
    if isinstance(body, dict):
        for key, item in body.items():
            if key.startswith("__"):
                continue
            where = f"{path}.{key}" if path else key
            if isinstance(item, str) and "${" not in item and item and _NAME.search(key):
                yield where
            else:
                yield from _literal_secrets(item, where)
    elif isinstance(body, list):
        for item in body:
            yield from _literal_secrets(item, path)
    elif isinstance(body, str) and _FORMATS.search(body):
        yield path or "value"


def _evaluated_secrets(graph: TerraformGraph, resource: Resource) -> Iterator[tuple[str, str]]:
    """(attribute, expression) of each secret-named attribute written as an expression
    that evaluates to a literal here: a local, a module argument or a variable default
    that reaches a password or key. A variable's own default is reported at the
    variable when its name or value says secret, so not again here."""
    for where, raw in _expressions(resource.body):
        found = _FROM_VARIABLE.match(raw)
        if found and found.group(1) not in resource.scope.arguments:
            default = resource.scope.variables.get(found.group(1))
            if _secret_default(found.group(1), default):
                continue
        evaluated = graph.value(raw, resource.scope)
        if isinstance(evaluated, str) and evaluated:
            expression = raw.removeprefix("${").removesuffix("}")
            if found and found.group(1) in resource.scope.arguments:
                expression += f", set by the call {resource.scope.path}"
            yield where, expression


def _expressions(body: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(attribute path, expression) of the secret-named attributes that are expressions."""
    if isinstance(body, dict):
        for key, item in body.items():
            if key.startswith("__"):
                continue
            where = f"{path}.{key}" if path else key
            if isinstance(item, str) and "${" in item and _NAME.search(key):
                yield where, item
            else:
                yield from _expressions(item, where)
    elif isinstance(body, list):
        for item in body:
            yield from _expressions(item, path)


def _secret_default(name: str, default: object) -> bool:
    return (
        isinstance(default, str)
        and bool(default)
        and bool(_NAME.search(name) or _FORMATS.search(default))
    )


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for resource in (*graph.providers, *graph.resources):
        kind = "credential" if resource.mode == "provider" else "secret"
        for where in sorted(set(_literal_secrets(resource.body))):
            yield finding(META, resource, f"{resource.address}: {where} is a literal {kind}")
        for where, expression in sorted(set(_evaluated_secrets(graph, resource))):
            yield finding(
                META,
                resource,
                f"{resource.address}: {where} is a literal {kind} (through {expression})",
            )
    for variable in graph.variables:
        if _secret_default(variable.name, variable.default):
            yield Finding(
                rule_id=META.id,
                severity=META.severity,
                title=META.title,
                message=f"variable {variable.name} has a secret as its default",
                file=variable.file,
                line=variable.line,
                resources=(variable.scope.address(f"var.{variable.name}"),),
                remediation=META.remediation,
            )
