"""Building findings for Kubernetes objects."""

from __future__ import annotations

from infra_architect.iac import K8sObject
from infra_architect.rules._model import Finding, RuleMeta


def finding(meta: RuleMeta, obj: K8sObject, message: str) -> Finding:
    return meta.finding(message, obj.file, obj.line, (obj.address,))
