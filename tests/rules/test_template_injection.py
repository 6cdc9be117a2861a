"""IA-CI-003 beyond its fixtures: severity by trigger and by context, what the expression
parser lets flow, tracing through env, step and job outputs, and hostile workflow files
that must neither crash the reader nor hide an expression."""

from __future__ import annotations

import textwrap

import pytest

from infra_architect.iac import Where, expressions, flowing_contexts
from infra_architect.rules import (
    WORKFLOW_RULES,
    RuleContext,
    Severity,
    WorkflowGraph,
    load_workflow,
    run_rules,
)
from infra_architect.rules.workflows import ia_ci_003_template_injection

RULE = next(r for r in WORKFLOW_RULES if r.meta is ia_ci_003_template_injection.META)


def _findings(text: str) -> list[tuple[int, str, Severity]]:
    graph = WorkflowGraph([load_workflow(textwrap.dedent(text), "w.yml")])
    found = run_rules(graph, RuleContext(), [RULE])
    return [(f.line, f.resources[0].split(": ", 1)[1], f.severity) for f in found]


def _one_step(on: str, run: str) -> str:
    return f"""\
        on: {on}
        jobs:
          j:
            runs-on: ubuntu-24.04
            steps:
              - name: s
                run: {run}
        """


@pytest.mark.parametrize(
    ("on", "expression", "severity"),
    [
        ("pull_request_target", "github.event.pull_request.title", Severity.CRITICAL),
        ("issue_comment", "github.event.comment.body", Severity.CRITICAL),
        ("workflow_run", "github.event.workflow_run.head_branch", Severity.CRITICAL),
        ("issues", "github.event.issue.body", Severity.CRITICAL),
        ("push", "github.event.head_commit.message", Severity.HIGH),
        ("push", "github.event.head_commit.author.email", Severity.HIGH),
        ("pull_request", "github.head_ref", Severity.HIGH),
        ("pull_request", "github.event.pull_request.head.ref", Severity.HIGH),
        ("pull_request_target", "toJSON(github.event)", Severity.CRITICAL),
        ("pull_request_target", "github.event.pull_request.html_url", Severity.MEDIUM),
        ("push", "github.ref_name", Severity.MEDIUM),
        ("gollum", "github.event.pages[0].page_name", Severity.HIGH),
        ("pull_request_review", "github.event.review.body", Severity.CRITICAL),
        (
            "pull_request_target",
            "format('{0}!', github.event.pull_request.body)",
            Severity.CRITICAL,
        ),
        ("pull_request_target", "GitHub.Event.Pull_Request.Title", Severity.CRITICAL),
    ],
)
def test_attacker_text_in_a_script_is_found_with_the_trigger_s_severity(
    on: str, expression: str, severity: Severity
) -> None:
    found = _findings(_one_step(on, f'echo "${{{{ {expression} }}}}"'))
    assert [(line, s) for line, _, s in found] == [(7, severity)]


@pytest.mark.parametrize(
    "expression",
    [
        "github.sha",
        "github.event.pull_request.number",
        "github.event.pull_request.head.sha",
        "github.event.issue.created_at",
        "github.event.issue.reactions.total_count",
        "github.event.pull_request.user.login",
        "github.actor",
        "github.repository",
        "github.event.repository.html_url",
        "github.event.repository.description",
        "github.run_id",
        "secrets.TOKEN",
        "vars.PUBLIC_URL",
        "runner.temp",
        "matrix.os",
        "contains(github.event.comment.body, '/deploy')",
        "startsWith(github.head_ref, 'release/')",
        "github.event.comment.body == '/deploy'",
        "!github.event.pull_request.draft",
        "hashFiles('**/lock')",
        "needs.build.result",
        "steps.test.outcome",
    ],
)
def test_values_nobody_outside_chooses_are_not_findings(expression: str) -> None:
    assert _findings(_one_step("pull_request_target", f'echo "${{{{ {expression} }}}}"')) == []


def test_the_recommended_fix_passes_and_the_same_text_inline_fails() -> None:
    workflow = """\
        on: issues
        jobs:
          j:
            runs-on: ubuntu-24.04
            steps:
              - env:
                  TITLE: ${{ github.event.issue.title }}
                run: echo "$TITLE"
              - env:
                  TITLE: ${{ github.event.issue.title }}
                run: echo "${{ env.TITLE }}"
        """
    assert _findings(workflow) == [(11, "env.TITLE", Severity.CRITICAL)]


def test_inputs_are_judged_by_their_declared_type() -> None:
    workflow = """\
        on:
          workflow_dispatch:
            inputs:
              note: {description: free text}
              flag: {type: boolean}
              level: {type: choice, options: [a, b]}
          workflow_call:
            inputs:
              count: {type: number}
              name: {type: string}
        jobs:
          j:
            runs-on: ubuntu-24.04
            steps:
              - run: |
                  echo ${{ inputs.note }} ${{ inputs.flag }} ${{ inputs.level }}
                  echo ${{ inputs.count }} ${{ github.event.inputs.name }} ${{ inputs.other }}
        """
    assert _findings(workflow) == [
        (16, "inputs.note", Severity.HIGH),
        (17, "github.event.inputs.name", Severity.HIGH),
        (17, "inputs.other", Severity.HIGH),
    ]


def test_outputs_are_followed_to_what_they_carry() -> None:
    workflow = """\
        on: pull_request_target
        env:
          STATIC: eu-west-1
        jobs:
          a:
            runs-on: ubuntu-24.04
            env:
              REF: ${{ github.head_ref }}
            outputs:
              tainted: ${{ steps.t.outputs.v }}
              clean: ${{ steps.c.outputs.v }}
              action: ${{ steps.x.outputs.v }}
            steps:
              - id: t
                env:
                  B: ${{ env.REF }}
                run: echo "v=$B" >> "$GITHUB_OUTPUT"
              - id: c
                run: echo "v=$(date +%s)" >> "$GITHUB_OUTPUT"
              - id: x
                uses: some/action@0123456789012345678901234567890123456789
              - run: echo ${{ steps.t.outputs.v }} ${{ steps.c.outputs.v }} ${{ env.STATIC }}
          b:
            needs: a
            runs-on: ubuntu-24.04
            steps:
              - run: |
                  echo ${{ needs.a.outputs.clean }} ${{ needs.a.outputs.action }}
                  echo ${{ needs.a.outputs.tainted }} ${{ needs.missing.outputs.v }}
        """
    assert _findings(workflow) == [
        (22, "steps.t.outputs.v", Severity.CRITICAL),
        (29, "needs.a.outputs.tainted", Severity.CRITICAL),
    ]


def test_github_script_is_a_sink_and_lines_inside_a_block_are_exact() -> None:
    workflow = """\
        on: issue_comment
        jobs:
          j:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
                with:
                  script: |
                    const a = 1

                    const body = `${{ github.event.comment.body }}`
              - uses: other/script-runner@60a0d83039c74a4aee543508d2ffcb1c3799cdea
                with:
                  script: echo ${{ github.event.comment.body }}
        """
    assert _findings(workflow) == [(11, "github.event.comment.body", Severity.CRITICAL)]


def test_an_expression_the_parser_cannot_read_is_not_called_safe() -> None:
    found = _findings(_one_step("issues", 'echo "${{ github.event.issue.title ))) }}"'))
    assert found == [(7, "github.event.issue.title", Severity.CRITICAL)]


@pytest.mark.parametrize(
    ("source", "flows"),
    [
        ("github.event.issue.title", {"github.event.issue.title"}),
        ("format('{0}', github.head_ref)", {"github.head_ref"}),
        ("join(github.event.commits.*.message, ' ')", {"github.event.commits.*.message"}),
        ("inputs.a || inputs.b && 'x'", {"inputs.a", "inputs.b"}),
        ("contains(github.head_ref, 'x')", set()),
        ("github.head_ref != ''", set()),
        ("!inputs.a", set()),
        ("github.event.issue.labels[0].name", {"github.event.issue.labels.*.name"}),
        ("steps['my-step'].outputs['v']", {"steps.my-step.outputs.v"}),
        ("x[github.head_ref]", {"x.*"}),
        ("fromJSON(inputs.json).key", {"inputs.json"}),
        ("'it''s a }} literal'", set()),
        ("true && null || 1.5e3", set()),
    ],
)
def test_what_flows_into_an_expression(source: str, flows: set[str]) -> None:
    assert flowing_contexts(source) == flows


def test_expressions_are_located_and_a_quoted_close_does_not_end_one() -> None:
    text = "a ${{ 'x}}y' }} b ${{ github.head_ref }}\n${{ unclosed"
    found = list(expressions(text))
    assert [(e.source.strip(), e.offset) for e in found] == [
        ("'x}}y'", 2),
        ("github.head_ref", 18),
        ("unclosed", 41),
    ]
    assert Where(line=3, block=True).line_of(41, text) == 5
    assert Where(line=3).line_of(41, text) == 3


@pytest.mark.parametrize(
    "text",
    [
        "on: 5\njobs: []\n",
        "on: [push, 7]\njobs: {a: 1}\n",
        "on: {workflow_dispatch: {inputs: [1, 2]}}\njobs: {a: {steps: {b: c}}}\n",
        "on: {workflow_call: {inputs: {x: 1}}}\njobs: {a: {steps: [1, {run: [1]}, {with: 3}]}}\n",
        "jobs: {a: {env: [1], outputs: 2, steps: [{env: 3, id: [4], run: '${{ x'}]}}\n",
        "[]\n",
        "",
    ],
)
def test_odd_workflow_shapes_neither_crash_the_reader_nor_the_rule(text: str) -> None:
    graph = WorkflowGraph([load_workflow(text, "w.yml")])
    found = run_rules(graph, RuleContext(), [RULE])
    assert all("rule crashed" not in f.title for f in found)
