"""IA-CI-001 on workflows shaped like real projects' CI: a production deploy is found by
where it goes (a production environment, or a release deploy aimed at production), never
by the tools a job installs or a pull request's preview namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.rules import (
    WORKFLOW_RULES,
    RuleContext,
    WorkflowGraph,
    load_workflow,
    run_rules,
)

CASES = Path(__file__).parent / "IA-CI-001" / "cases"

EXPECTED = {
    "helm_install.yml": [],
    "pr_preview.yml": [],
    "staging_on_main.yml": [],
    "preprod_on_tag.yml": [],
    "prod_environment.yml": [(29, "job deploy")],
    "prod_rollback.yml": [],
    "release_tag_prod_namespace.yml": [(21, "job release")],
}


def test_every_case_has_its_expectation() -> None:
    assert {p.name for p in CASES.glob("*.yml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_are_exactly_the_production_deploys_without_rollback(name: str) -> None:
    (rule,) = [r for r in WORKFLOW_RULES if r.meta.id == "IA-CI-001"]
    workflow = load_workflow((CASES / name).read_text(encoding="utf-8"), name)
    found = run_rules(WorkflowGraph([workflow]), RuleContext(), [rule])
    assert [(f.rule_id, f.file, f.line, f.resources[0]) for f in found] == [
        ("IA-CI-001", name, line, resource) for line, resource in EXPECTED[name]
    ]
