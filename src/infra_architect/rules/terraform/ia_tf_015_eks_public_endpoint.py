"""IA-TF-015: an EKS cluster whose API endpoint is open to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph, nested
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-015",
    title="EKS API endpoint open to the internet",
    severity=Severity.MEDIUM,
    rationale="The provider's defaults make an EKS cluster's Kubernetes API public "
    "(endpoint_public_access true, public_access_cidrs 0.0.0.0/0): anyone can reach it, "
    "probe it for unauthenticated paths and its CVEs, and try leaked tokens from anywhere; "
    "only authentication stands in the way.",
    remediation="Set vpc_config.endpoint_private_access = true and "
    "endpoint_public_access = false (reach the API through a VPN, a bastion or SSM), or "
    "keep it public only for named CIDRs in public_access_cidrs.",
    references=(
        "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-1",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#vpc_config",
    ),
)
_ANYWHERE = ("0.0.0.0/0", "::/0")


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for cluster in graph.of_type("aws_eks_cluster"):
        for config in nested(cluster, "vpc_config"):
            # both defaults are the open ones: absent is public to everyone
            public = graph.value(config.get("endpoint_public_access", True), cluster.scope)
            cidrs = graph.value(config.get("public_access_cidrs", ["0.0.0.0/0"]), cluster.scope)
            # null is the default too
            public = True if public is None else public
            cidrs = list(_ANYWHERE[:1]) if cidrs is None else cidrs
            if public is not True or not isinstance(cidrs, list):
                continue  # private, or unknown: never guessed
            if not cidrs or any(cidr in _ANYWHERE for cidr in cidrs):
                yield finding(
                    META,
                    cluster,
                    f"{cluster.address}'s Kubernetes API endpoint is public to 0.0.0.0/0"
                    + ("" if "endpoint_public_access" in config else " (the provider's default)"),
                )
