"""IA-TF-010: a database with a public endpoint."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph, value
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-010",
    title="Publicly accessible database",
    severity=Severity.CRITICAL,
    rationale="A public endpoint puts the database's authentication on the internet: "
    "credential stuffing and engine CVEs are one security-group rule away.",
    remediation="publicly_accessible = false; reach the database from inside the VPC "
    "(or through SSM port forwarding for operators).",
)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for db in graph.of_type("aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster"):
        if value(graph, db, "publicly_accessible") is True:
            yield finding(META, db, f"{db.address}: publicly_accessible = true")
