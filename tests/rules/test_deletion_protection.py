"""IA-TF-017 is about databases someone means to keep: without an availability target
(no --slo: a sandbox) its fail fixture reports nothing."""

from __future__ import annotations

from pathlib import Path

from infra_architect.rules import RuleContext, load_terraform, registry, run_rules
from infra_architect.rules.terraform import ia_tf_017_no_deletion_protection

FAIL = Path(__file__).parent / "IA-TF-017" / "fail"


def test_no_availability_target_reports_nothing() -> None:
    rules = registry(ia_tf_017_no_deletion_protection)
    graph = load_terraform(FAIL)
    assert [f.resources[0] for f in run_rules(graph, RuleContext(slo=99.9), rules)] == [
        "aws_db_instance.orders",
        "aws_rds_cluster.billing",
    ]
    assert run_rules(graph, RuleContext(), rules) == []
