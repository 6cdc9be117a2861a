"""Every rule against its fixtures: the fail fixture yields exactly the expected findings
(rule, file, line, resource), the pass fixture yields none of that rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from infra_architect.rules import (
    ALL_RULES,
    KUBERNETES_RULES,
    TERRAFORM_RULES,
    WORKFLOW_RULES,
    DuplicateRuleError,
    Finding,
    KubernetesGraph,
    Rule,
    RuleContext,
    WorkflowGraph,
    load_manifests,
    load_terraform,
    load_workflow,
    registry,
    rules_table,
    run_rules,
)
from infra_architect.rules.terraform import ia_tf_010_public_database

FIXTURES = Path(__file__).parent
ROOT = FIXTURES.parents[1]
_SLO = re.compile(r"#\s*infra-architect:\s*slo=([\d.]+)")
IDS = [r.meta.id for r in ALL_RULES]
MANIFESTS = "manifests.yaml"


WORKFLOW = "workflow.yml"


def _main(directory: Path) -> Path:
    area = directory.parent.name
    if area.startswith("IA-K8S"):
        return directory / MANIFESTS
    return directory / (WORKFLOW if area.startswith("IA-CI") else "main.tf")


def _context(directory: Path) -> RuleContext:
    match = _SLO.search(_main(directory).read_text(encoding="utf-8"))
    return RuleContext(slo=float(match.group(1)) if match else None)


def _run(rule: Rule, directory: Path) -> list[Finding]:
    if rule in KUBERNETES_RULES:
        text = (directory / MANIFESTS).read_text(encoding="utf-8")
        graph: object = KubernetesGraph(load_manifests(text, MANIFESTS))
    elif rule in WORKFLOW_RULES:
        text = (directory / WORKFLOW).read_text(encoding="utf-8")
        graph = WorkflowGraph([load_workflow(text, WORKFLOW)])
    else:
        graph = load_terraform(directory)
        assert not graph.skipped, graph.skipped
    found = run_rules(graph, _context(directory), [rule])  # type: ignore[arg-type]
    return [f for f in found if f.rule_id == rule.meta.id]


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_fail_fixture_gives_exactly_the_expected_findings(rule: Rule) -> None:
    directory = FIXTURES / rule.meta.id / "fail"
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    found = [[f.file, f.line, f.resources[0]] for f in _run(rule, directory)]
    assert found == expected
    assert found, "a fail fixture must fail"


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_pass_fixture_gives_no_finding(rule: Rule) -> None:
    assert _run(rule, FIXTURES / rule.meta.id / "pass") == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_rule_is_documented(rule: Rule) -> None:
    meta = rule.meta
    assert re.fullmatch(r"IA-(TF|K8S|CI)-\d{3}", meta.id)
    assert len(meta.rationale) > 40
    assert len(meta.remediation) > 20
    assert _main(FIXTURES / meta.id / "pass").is_file()
    assert (FIXTURES / meta.id / "fail" / "expected.json").is_file()


def test_every_fixture_folder_belongs_to_a_rule() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("IA-")}
    assert folders == set(IDS)


def test_registry_refuses_a_duplicate_id() -> None:
    with pytest.raises(DuplicateRuleError, match="IA-TF-010"):
        registry(ia_tf_010_public_database, ia_tf_010_public_database)


def test_a_crashing_rule_becomes_a_finding() -> None:
    def broken(graph: object, context: object) -> list[Finding]:
        raise KeyError("boom")

    rule = Rule(meta=TERRAFORM_RULES[0].meta, check=broken)  # type: ignore[arg-type]
    graph = load_terraform(FIXTURES / "IA-TF-010" / "pass")
    (finding,) = run_rules(graph, RuleContext(), [rule])
    assert "rule crashed" in finding.title
    assert "KeyError" in finding.message


def test_rules_table_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_table()
