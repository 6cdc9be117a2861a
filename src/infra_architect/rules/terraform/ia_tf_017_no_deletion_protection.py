"""IA-TF-017: a database left at the provider's default of no deletion protection."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph, is_read_replica
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-017",
    title="Database without deletion protection",
    severity=Severity.MEDIUM,
    rationale="deletion_protection is off unless set: a `terraform destroy` in the wrong "
    "workspace, a renamed resource or a replacement forced by a changed argument deletes "
    "the database, and only the final snapshot (if any) is left. Reported under an "
    "availability target (--slo; without one, a sandbox's databases are expendable), and "
    "only when unset: an explicit false is the repository's stated choice (a staging stack).",
    remediation="Set deletion_protection = true on databases that hold data you keep "
    "(false, written down, for stacks you mean to destroy).",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeleteInstance.DeletionProtection",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-7",
    ),
)

_DATABASES = ("aws_db_instance", "aws_rds_cluster", "aws_neptune_cluster", "aws_docdb_cluster")


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    if context.slo is None:
        return  # no availability target (a sandbox): losing the database is a choice
    for db in graph.of_type(*_DATABASES):
        if db.type == "aws_db_instance" and is_read_replica(graph, db):
            continue  # deleting a replica loses no data
        if "deletion_protection" not in db.body:
            unset = True
        else:
            unset = graph.value(db.body["deletion_protection"], db.scope) is None
        if unset:
            yield finding(
                META, db, f"{db.address}: deletion_protection is not set (the default is off)"
            )
