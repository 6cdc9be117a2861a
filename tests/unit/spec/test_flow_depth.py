"""Flow collections nested past the bound stop the scanner where they pass it: its work
grows with the square of the nesting (400 KiB of ``[[[`` took 15 s), and brackets that
open nothing (quoted, commented, in block scalars) are not counted."""

from __future__ import annotations

import time

import pytest

from infra_architect.errors import SpecError
from infra_architect.spec import MAX_SPEC_BYTES, parse_document
from infra_architect.spec._load import MAX_DEPTH

DEEP = MAX_DEPTH + 1

TOO_DEEP = [
    ("value", "a: " + "[" * DEEP, (1, 4 + MAX_DEPTH)),
    ("value-on-next-line", "a:\n  " + "[" * DEEP, (2, 3 + MAX_DEPTH)),
    ("list-entry", "- " + "[" * DEEP, (1, 3 + MAX_DEPTH)),
    ("document", "[" * DEEP, (1, 1 + MAX_DEPTH)),
    ("mappings", "a: " + "{b: " * DEEP, (1, 4 + 4 * MAX_DEPTH)),
    ("after-an-anchor", "a: &x " + "[" * DEEP, (1, 7 + MAX_DEPTH)),
    ("after-a-tag", "a: !!seq " + "[" * DEEP, (1, 10 + MAX_DEPTH)),
    ("spaced", "a: " + "[ " * DEEP, (1, 4 + 2 * MAX_DEPTH)),
]

NOT_FLOW = [
    ("single-quoted", "a: '" + "[" * 100 + "'"),
    ("double-quoted", 'a: "' + "[" * 100 + '"'),
    ("comment", "a: b # " + "[" * 100),
    ("literal-block", "a: |\n  " + "[" * 100 + "\nb: c"),
    ("plain-text", "a: see " + "[" * 100),
    ("quoted-in-flow", "a: [b, '" + "[" * 100 + "']"),
    ("at-the-bound", "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH),
]


@pytest.mark.parametrize(("text", "where"), [c[1:] for c in TOO_DEEP], ids=[c[0] for c in TOO_DEEP])
def test_deep_flow_is_refused_where_it_passes_the_bound(text: str, where: tuple[int, int]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_document(text, "spec.yaml")
    [problem] = caught.value.problems
    assert problem.message == "the YAML is nested too deeply to be a spec"
    assert (problem.line, problem.column) == where


@pytest.mark.parametrize("text", [c[1] for c in NOT_FLOW], ids=[c[0] for c in NOT_FLOW])
def test_brackets_that_open_nothing_are_not_counted(text: str) -> None:
    with pytest.raises(SpecError) as caught:  # no header: the point is which error
        parse_document(text, "spec.yaml")
    assert "nested too deeply" not in caught.value.render()


def test_a_file_of_deep_flow_is_refused_in_bound() -> None:
    """256 KiB of lines nested past the bound: refused at the first, at once."""
    line = "k: " + "[" * 300 + "]" * 300 + "\n"
    text = line * (MAX_SPEC_BYTES // len(line))
    start = time.perf_counter()
    with pytest.raises(SpecError, match=r"spec.yaml:1:\d+: the YAML is nested too deeply"):
        parse_document(text, "spec.yaml")
    assert time.perf_counter() - start < 1
