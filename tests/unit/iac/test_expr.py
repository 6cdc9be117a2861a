"""Terraform expressions evaluated as far as they are static, UNKNOWN past that."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.iac._tf_expr import evaluate
from infra_architect.iac._tf_values import UNKNOWN
from infra_architect.rules import load_terraform

VARIABLES: dict[str, object] = {
    "m": {"a": "x", "b": "y"},
    "l": ["p", "q", "p"],
    "n": 3,
    "on": True,
    "none": None,
}


def _resolve(word: str, name: str, _depth: int = 0) -> object:
    return VARIABLES.get(name, UNKNOWN) if word == "var" else UNKNOWN


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('[for k, v in var.m : upper(v) if k != "a"]', ["Y"]),
        ("{for s in toset(var.l) : s => length(s)}", {"p": 1, "q": 1}),
        ("(var.n + 2) * 3", 15),
        ('var.on ? "yes" : "no"', "yes"),
        ("var.none != null", False),
        ("length(var.l)", 3),
        ("toset(var.l)", ["p", "q"]),
        ("merge(var.m, { c = 1 })", {"a": "x", "b": "y", "c": 1}),
        ('lookup(var.m, "z", "d")', "d"),
        ('"pre-${var.n}"', "pre-3"),
        ("-1", -1),
        ("!var.on", False),
        ('var.m["a"]', "x"),
        ("var.l[1]", "q"),
        ("keys(var.m)", ["a", "b"]),
        ('coalesce(var.none, "x")', "x"),
        ("var.n > 2 && var.on", True),
        ('try(var.m.z, "fallback")', "fallback"),
        ('try(var.m["z"], var.l[7], var.none.a, "last")', "last"),
        ('try(var.m.a, "fallback")', "x"),
        ("try(try(var.m.z), 2)", 2),
        ("can(var.m.z)", False),
        ("can(var.l[1])", True),
        ('concat(var.l, ["r"])', ["p", "q", "p", "r"]),
        ("length([aws_subnet.a.id, aws_subnet.b.id])", 2),
        ("var.n > 2 ? 1 : aws_instance.x.count", 1),
        ('jsonencode({ Action = "*" })', '{"Action":"*"}'),
    ],
)
def test_static_values(expression: str, expected: object) -> None:
    assert evaluate(expression, _resolve) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "aws_instance.a.id",
        "each.value",
        "count.index",
        "var.missing",
        "data.aws_region.current.name",
        "var.on ? aws_instance.a.id : 1",
        "upper(aws_instance.a.id)",
        "timestamp()",
        "var.n +",
        # known only at plan time: may fail or not there, so neither the fallback...
        'try(aws_s3_bucket.b.arn, "fallback")',
        "try(var.missing, null)",
        "try(var.missing.a, var.m.z, 1)",
        "try([var.n, data.aws_vpc.this.id], [])",
        # ...nor an answer from `can`
        "can(var.missing)",
        "can(data.aws_vpc.this.id)",
        "can(var.m[var.missing])",
    ],
)
def test_dynamic_values_are_unknown(expression: str) -> None:
    assert evaluate(expression, _resolve) is UNKNOWN


def test_module_arguments_flow_through_locals_and_conditionals(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "main.tf").write_text(
        "locals {\n  envs = { prod = 2, staging = 1 }\n}\n"
        'module "db" {\n  source = "./db"\n  replicas = local.envs["prod"]\n'
        "  source_db = null\n}\n"
    )
    (tmp_path / "db" / "main.tf").write_text(
        'variable "replicas" {}\nvariable "source_db" { default = "x" }\n'
        "locals {\n  is_replica = var.source_db != null\n}\n"
        'resource "aws_db_instance" "this" {\n'
        "  allocated_storage = local.is_replica ? null : 100 * var.replicas\n}\n"
    )
    graph = load_terraform(tmp_path)
    (db,) = graph.resources
    assert graph.value(db.body["allocated_storage"], db.scope) == 200
