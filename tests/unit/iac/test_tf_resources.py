"""Which resources can exist at once: those switched on by opposite answers to one test
(a resource's own count, or a module call's around it) never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_architect.iac import coexist
from infra_architect.rules import load_terraform

ROOT = """
variable "replica" {
  type = bool
}

module "primary" {
  source = "./db"
  count  = var.replica ? 0 : 1
}

module "replica" {
  source = "./db"
  count  = var.replica ? 1 : 0
}

resource "aws_db_instance" "a" {
  count = var.replica ? 2 : 0
}

resource "aws_db_instance" "b" {
  count = ! var.replica ? 1 : 0
}

resource "aws_db_instance" "c" {
  count = (var.replica) ? 1 : 0
}

resource "aws_db_instance" "d" {
  count = var.replica && var.other ? 0 : 1
}

resource "aws_db_instance" "e" {
  count = var.replica ? 3 : 1
}
"""


@pytest.mark.parametrize(
    ("one", "other", "expected"),
    [
        ("module.primary.aws_db_instance.this", "module.replica.aws_db_instance.this", False),
        ("module.primary.aws_db_instance.this", "aws_db_instance.a", False),
        ("module.replica.aws_db_instance.this", "aws_db_instance.a", True),
        ("aws_db_instance.a", "aws_db_instance.b", False),
        ("aws_db_instance.a", "aws_db_instance.c", True),
        ("aws_db_instance.b", "aws_db_instance.c", False),
        ("aws_db_instance.a", "aws_db_instance.d", True),
        ("aws_db_instance.a", "aws_db_instance.e", True),
    ],
)
def test_resources_switched_by_opposite_answers_never_coexist(
    tmp_path: Path, one: str, other: str, expected: bool
) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "main.tf").write_text(ROOT)
    (tmp_path / "db" / "main.tf").write_text('resource "aws_db_instance" "this" {}\n')
    graph = load_terraform(tmp_path)
    first, second = graph.by_address(one), graph.by_address(other)
    assert first is not None
    assert second is not None
    assert coexist(first, second) is expected
    assert coexist(first) is True
