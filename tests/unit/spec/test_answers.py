"""Interview answers land in the spec where a person would put them, comments intact."""

from __future__ import annotations

import pytest

from infra_architect.spec import parse_document
from infra_architect.spec._answers import check_answer, dump_document, set_answer
from infra_architect.spec._questions import DEPLOYS, SLO, TEAM_SIZE, find_missing

SPEC = """\
# keep this comment
apiVersion: infra-architect/v1
kind: Requirements
metadata: {name: demo}  # and this one
traffic: {requests_per_second: 5}
team:
  ops_experience: low
"""


def test_answers_are_placed_in_model_order_and_keep_comments() -> None:
    document = parse_document(SPEC, "spec.yaml")
    set_answer(document.tree, ("delivery", "deploys_per_day"), 3)
    set_answer(document.tree, ("availability", "slo"), 99.5)
    set_answer(document.tree, ("team", "size"), 4)
    text = dump_document(document.tree)
    assert "# keep this comment" in text
    assert "# and this one" in text
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == ["apiVersion", "kind", "metadata", "traffic", "availability", "delivery", "team"]
    assert "  size: 4\n  ops_experience: low" in text


def test_find_missing_lists_questions_in_interview_order() -> None:
    document = parse_document(SPEC, "spec.yaml")
    keys = [q.key for q in find_missing(document.tree)]
    assert keys == ["system.services", "availability.slo", "delivery.deploys_per_day", "team.size"]


def test_null_counts_as_missing() -> None:
    document = parse_document(SPEC + "availability: {slo: }\n", "spec.yaml")
    assert "availability.slo" in [q.key for q in find_missing(document.tree)]


def test_wrong_shape_is_not_a_question() -> None:
    document = parse_document(SPEC + "availability: [99.9]\n", "spec.yaml")
    assert "availability.slo" not in [q.key for q in find_missing(document.tree)]


@pytest.mark.parametrize(
    ("question", "value", "problem"),
    [
        (SLO, 100.0, "must be less than 100"),
        (SLO, 0.0, "must be greater than 0"),
        (SLO, 99.9, None),
        (TEAM_SIZE, 0.0, "must be at least 1"),
        (TEAM_SIZE, 2.5, "must be a whole number"),
        (DEPLOYS, 0.0, None),
    ],
    ids=["slo-100", "slo-0", "slo-ok", "team-0", "team-fraction", "deploys-0"],
)
def test_check_answer(question, value, problem) -> None:
    assert check_answer(question, value) == problem
