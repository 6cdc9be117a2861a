"""Evaluation is bounded: a tiny file cannot make it take minutes, gigabytes or the
stack. Each bound reached leaves the value UNKNOWN and a note naming where; the rest of
the graph is evaluated as before."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from infra_architect.iac._tf_expr import evaluate
from infra_architect.iac._tf_graph import TerraformGraph, _deep_json, load_plan, plan_json
from infra_architect.iac._tf_values import UNKNOWN, Bounds, Budget, number
from infra_architect.review import Limits, review
from infra_architect.rules import load_terraform

INSTANCE = 'resource "aws_instance" "x" {\n  instance_type = "t3.micro"\n  tags = %s\n}\n'


def _graph(tmp_path: Path, text: str, budget: Budget | None = None) -> TerraformGraph:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return load_terraform(tmp_path, budget=budget)


def _tags(graph: TerraformGraph) -> object:
    (instance,) = [r for r in graph.resources if r.type == "aws_instance"]
    return graph.value(instance.body["tags"], instance.scope)


def _doubling(count: int, first: str = '"x"') -> str:
    lines = [f"  a0 = {first}"] + [
        f'  a{i} = "${{local.a{i - 1}}}${{local.a{i - 1}}}"' for i in range(1, count + 1)
    ]
    return "locals {\n" + "\n".join(lines) + "\n}\n"


def test_self_doubling_locals_are_evaluated_once_each(tmp_path: Path) -> None:
    graph = _graph(tmp_path, _doubling(20) + INSTANCE % "local.a20")
    start = time.perf_counter()
    assert _tags(graph) == "x" * 2**20  # a mebibyte: still within the bound
    assert time.perf_counter() - start < 2  # twenty evaluations, not a million
    assert graph.notes() == []


def test_a_string_past_the_bound_is_unknown_and_noted(tmp_path: Path) -> None:
    graph = _graph(tmp_path, _doubling(60) + INSTANCE % "local.a21")
    assert _tags(graph) is UNKNOWN
    assert graph.notes() == [
        (
            "main.tf:1: local.a21: a string of over 2,097,152 characters, over 1,048,576 "
            "(evaluated as unknown)"
        )
    ]


def test_references_through_doubling_locals_are_followed_once_each(tmp_path: Path) -> None:
    text = _doubling(50, first='"${aws_s3_bucket.b.id}"') + INSTANCE % "local.a50"
    graph = _graph(tmp_path, text + 'resource "aws_s3_bucket" "b" {\n}\n')
    (instance,) = [r for r in graph.resources if r.type == "aws_instance"]
    start = time.perf_counter()
    assert graph.references(instance.body["tags"], instance.scope) == {"aws_s3_bucket.b"}
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    ("expression", "note"),
    [
        ("range(100000000)", "range() of 100,000,000 numbers, over 50,000"),
        ('join(",", [for i in range(40000) : format("%999s", "x")])', "join() would build"),
        (
            'replace(join("", [for i in range(20) : format("%999s", "")]), " ", local.wide)',
            "replace() would build",
        ),
        ("[for x in range(50000) : [for y in range(50000) : y]]", "over 1,000,000 elements"),
    ],
    ids=["range", "join", "replace", "nested-for"],
)
def test_values_past_a_bound_are_never_built(tmp_path: Path, expression: str, note: str) -> None:
    locals_ = f'locals {{\n  big = {expression}\n  wide = format("%999s", "y")\n}}\n'
    graph = _graph(tmp_path, locals_ + INSTANCE % "local.big")
    start = time.perf_counter()
    assert _tags(graph) is UNKNOWN
    assert time.perf_counter() - start < 10
    (written,) = graph.notes()
    assert written.startswith("main.tf:1: local.big: ")
    assert note in written


@pytest.mark.parametrize(
    "expression",
    [
        " + ".join(["1"] * 10_000),
        "abs(" * 500 + "1" + ")" * 500,
        "true ? (" * 300 + "1" + ") : 0" * 300,
        "[for x in [1] : " * 200 + "1" + "]" * 200,
    ],
    ids=["sum", "calls", "conditionals", "for"],
)
def test_deep_expressions_are_unknown_not_a_crash(tmp_path: Path, expression: str) -> None:
    graph = _graph(tmp_path, f"locals {{\n  deep = {expression}\n}}\n" + INSTANCE % "local.deep")
    assert _tags(graph) is UNKNOWN
    assert any("nested deeper than" in n for n in graph.notes())


def test_a_long_chain_of_locals_is_unknown_not_a_crash(tmp_path: Path) -> None:
    chain = "".join(f'  a{i} = "${{local.a{i - 1}}}y"\n' for i in range(1, 501))
    graph = _graph(tmp_path, f'locals {{\n  a0 = "x"\n{chain}}}\n' + INSTANCE % "local.a500")
    assert _tags(graph) is UNKNOWN
    assert graph.notes()


def test_a_short_chain_of_locals_is_followed(tmp_path: Path) -> None:
    chain = "".join(f"  a{i} = local.a{i - 1} + 1\n" for i in range(1, 16))
    graph = _graph(tmp_path, f"locals {{\n  a0 = 0\n{chain}}}\n" + INSTANCE % "local.a15")
    assert _tags(graph) == 15


def test_a_cycle_of_locals_is_unknown(tmp_path: Path) -> None:
    graph = _graph(tmp_path, "locals {\n  a = local.b\n  b = local.a\n}\n" + INSTANCE % "local.a")
    assert _tags(graph) is UNKNOWN


def test_values_nested_deeper_than_the_rules_walk_are_unknown(tmp_path: Path) -> None:
    deep = "[" * 40 + "1" + "]" * 40
    graph = _graph(tmp_path, f"locals {{\n  deep = {deep}\n}}\n" + INSTANCE % "local.deep")
    assert _tags(graph) is UNKNOWN
    assert any("a value nested deeper than 32 levels" in n for n in graph.notes())


def test_hcl_nested_500_deep_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    deep_value = "locals {\n  deep = " + "[" * 500 + "1" + "]" * 500 + "\n}\n"
    deep_blocks = (
        'resource "aws_security_group" "g" {\n'
        + "".join(f"  b{i} {{\n" for i in range(500))
        + "  }\n" * 500
        + "}\n"
    )
    graph = _graph(tmp_path, deep_value + deep_blocks + INSTANCE % "local.deep")
    assert {r.address for r in graph.resources} == {"aws_security_group.g", "aws_instance.x"}
    assert _tags(graph) is UNKNOWN
    assert graph.skipped[:2] == [
        "main.tf:2: a value nested deeper than 48 levels (unknown)",
        "main.tf:52: a block nested deeper than 48 levels (left out)",
    ]


def test_a_passed_deadline_makes_everything_unknown(tmp_path: Path) -> None:
    budget = Budget(deadline=10.0, clock=lambda: 11.0)
    graph = _graph(tmp_path, "locals {\n  a = 1 + 1\n}\n" + INSTANCE % "local.a", budget)
    assert _tags(graph) is UNKNOWN
    assert any("time limit reached" in n for n in graph.notes())


def test_notes_are_capped(tmp_path: Path) -> None:
    ranges = "".join(f"  r{i} = range({100_000 + i})\n" for i in range(30))
    tags = "{" + ", ".join(f"r{i} = local.r{i}" for i in range(30)) + "}"
    budget = Budget(bounds=Bounds(max_notes=5))
    graph = _graph(tmp_path, f"locals {{\n{ranges}}}\n" + INSTANCE % tags, budget)
    _tags(graph)
    notes = graph.notes()
    assert len(notes) == 6
    assert notes[-1] == "and 25 more values not evaluated (evaluated as unknown)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e3", 1000),
        ("1.5E-2", 0.015),
        ("1.0", 1),
        ("1e400", UNKNOWN),
        ("9" * 5000, UNKNOWN),
        ("0x10", None),
        ("1.", None),
    ],
)
def test_numeric_literals(text: str, expected: object) -> None:
    assert number(text) == expected if expected is not UNKNOWN else number(text) is UNKNOWN


@pytest.mark.parametrize("expression", ["1e308 * 1e308", "-1e400", 'tonumber("1e999")'])
def test_no_infinity_is_a_value(expression: str) -> None:
    assert evaluate(expression, lambda *_: UNKNOWN) is UNKNOWN


# --- plans -----------------------------------------------------------------------------


def _deep_plan(depth: int) -> str:
    module = (
        '{"resources": [{"address": "module.x.aws_db_instance.deep", "type": '
        '"aws_db_instance", "name": "deep", "values": {"publicly_accessible": true}}]}'
    )
    for i in range(depth):
        module = f'{{"address": "module.m{i}", "child_modules": [{module}]}}'
    return f'{{"planned_values": {{"root_module": {module}}}}}'


def test_a_plan_500_modules_deep_is_read() -> None:
    text = _deep_plan(500)
    with pytest.raises(RecursionError):
        json.loads(text)  # why the reader needs its own parser
    document = plan_json(text)
    assert isinstance(document, dict)
    graph = load_plan(document, "deep.tfplan.json")
    assert [r.address for r in graph.resources] == ["module.x.aws_db_instance.deep"]
    assert graph.resources[0].body == {"publicly_accessible": True}


def test_plan_values_nested_deeper_than_the_rules_walk_are_unknown() -> None:
    deep = "[" * 100 + "]" * 100
    document = plan_json(
        '{"planned_values": {"root_module": {"resources": [{"address": "aws_x.y", '
        f'"type": "aws_x", "name": "y", "values": {{"deep": {deep}, "ok": 1}}}}]}}}}}}'
    )
    assert isinstance(document, dict)
    graph = load_plan(document, "p.json")
    assert graph.resources[0].body == {"deep": UNKNOWN, "ok": 1}
    assert graph.skipped == [
        "p.json: aws_x.y.deep nested deeper than 32 levels (evaluated as unknown)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, -3e2, true, false, null, "x\\"y\\u00e9"], "b": {}, "c": []}',
        "[]",
        '"s"',
        " [1 , 2 ] ",
        '{"a": {"b": [{"c": null}]}}',
    ],
)
def test_the_iterative_json_reader_agrees_with_json(text: str) -> None:
    assert _deep_json(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ["[1 2]", '{"a" 1}', '{"a": 1,}', "[1,]", "[", "]", "[1]]", "{1: 2}", '{"a": 1]', "", "01"],
)
def test_the_iterative_json_reader_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(ValueError, match="not JSON"):
        _deep_json(text)


def test_the_review_deadline_covers_evaluation(tmp_path: Path) -> None:
    """`review --timeout` is one deadline for the walk and the evaluation: past it
    every value is UNKNOWN, said so, and the review is incomplete (the gate fails)."""
    (tmp_path / "main.tf").write_text(
        'locals {\n  size = "db.t3.micro"\n}\n'
        'resource "aws_db_instance" "x" {\n  instance_class = local.size\n}\n'
    )
    ticks = iter([0.0, *[1000.0] * 10_000])
    report = review(tmp_path, limits=Limits(seconds=5), clock=lambda: next(ticks))
    assert any("time limit reached" in s.reason for s in report.skipped), report.skipped
    assert report.incomplete
