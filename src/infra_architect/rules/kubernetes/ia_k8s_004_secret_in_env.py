"""IA-K8S-004: secret values written into manifests."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infra_architect.iac import KubernetesGraph, containers
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.kubernetes._helpers import finding

META = RuleMeta(
    id="IA-K8S-004",
    title="Secret value in a manifest",
    severity=Severity.CRITICAL,
    rationale="A password, token or key written as an env literal (or in a Secret's "
    "data) is in git history, in every clone and in every rendered manifest forever; "
    "rotating it means rewriting history.",
    remediation="Keep the value in AWS Secrets Manager and sync it with an ExternalSecret "
    "(or mount it from a Secret the cluster creates); reference it, never write it.",
)

_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.I)
_VALUE = re.compile(r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|ghp_[A-Za-z0-9]{36})")


def check(graph: KubernetesGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for obj in graph.objects:
        spec = obj.pod_spec()
        for container in containers(spec) if spec else []:
            for variable in container.get("env") or []:
                value = variable.get("value")
                if not isinstance(value, str) or not value:
                    continue
                if _NAME.search(str(variable.get("name", ""))) or _VALUE.search(value):
                    yield finding(
                        META,
                        obj,
                        f"{obj.address} container {container.get('name')} sets "
                        f"{variable.get('name')} to a literal value",
                    )
        if obj.kind == "Secret" and (obj.doc.get("data") or obj.doc.get("stringData")):
            yield finding(META, obj, f"{obj.address} carries its values in the manifest")
