"""Building findings for Terraform resources."""

from __future__ import annotations

from infra_architect.iac import Resource
from infra_architect.rules._model import Finding, RuleMeta


def finding(meta: RuleMeta, resource: Resource, message: str, *others: str) -> Finding:
    return meta.finding(message, resource.file, resource.line, (resource.address, *others))
