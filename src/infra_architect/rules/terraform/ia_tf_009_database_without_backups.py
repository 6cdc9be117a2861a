"""IA-TF-009: a database with no backups."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph, is_read_replica, nested, value
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-009",
    title="Database without backups",
    severity=Severity.HIGH,
    rationale="Without automated backups there is no point-in-time recovery: a bad "
    "migration or a deleted table is unrecoverable, whatever the replication.",
    remediation="backup_retention_period of at least 7 days (35 for regulated data); "
    "point-in-time recovery on DynamoDB tables.",
)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    for db in graph.of_type("aws_db_instance", "aws_rds_cluster"):
        if db.type == "aws_db_instance" and is_read_replica(graph, db):
            continue
        if value(graph, db, "backup_retention_period") == 0:
            yield finding(META, db, f"{db.address}: backup_retention_period is 0")
    for table in graph.of_type("aws_dynamodb_table"):
        pitr = list(nested(table, "point_in_time_recovery"))
        if not pitr or all(graph.value(b.get("enabled"), table.scope) is False for b in pitr):
            yield finding(META, table, f"{table.address}: point-in-time recovery is off")
