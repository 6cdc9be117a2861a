"""IA-TF-002: a secret written literally in Terraform."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infra_architect.iac import TerraformGraph
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
    "it into Secrets Manager and reference the secret; never a literal or a variable default.",
)

_NAME = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|secret_key|token|auth_token|api_key|"
    r"access_key|private_key|client_secret)$",
    re.IGNORECASE,
)
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


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for resource in graph.resources:
        for where in sorted(set(_literal_secrets(resource.body))):
            yield finding(META, resource, f"{resource.address}: {where} is a literal secret")
    for variable in graph.variables:
        secret = (
            isinstance(variable.default, str)
            and variable.default
            and (_NAME.search(variable.name) or _FORMATS.search(variable.default))
        )
        if secret:
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
