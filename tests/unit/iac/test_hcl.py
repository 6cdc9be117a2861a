"""The tree-sitter HCL conversion gives python-hcl2's shape: every Terraform file of the
repository (shipped modules, golden trees, rule and review fixtures) parses to the same
blocks, labels, attributes, literal values and line numbers; expressions match up to
python-hcl2's reformatting (whitespace, quotes, its `${}` re-wrapping of nested references,
`true` printed as `True` and `null` as `None`, a dropped `...`, the pair of parentheses
wrapping a whole value, which the conversion unwraps as Terraform does when it evaluates;
comments and the markers of a heredoc nested in an expression, which the conversion keeps
because the evaluator reads an expression from its source)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hcl2.api import loads

from infra_architect.iac._hcl import HclSyntaxError, parse_hcl
from tests.conftest import ROOT

FILES = sorted(
    p
    for base in ("src", "tests")
    for p in (ROOT / base).rglob("*.tf")
    if "node_modules" not in p.parts
)
_NOISE = re.compile(r"""[\s"'${},\\]|\.\.\.""")


def _unwrapped(text: str) -> str:
    """``(a ? b : c)`` → ``a ? b : c`` when the first parenthesis closes at the end."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for index, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and index < len(text) - 1:
                return text
        text = text[1:-1]
    return text


_COMMENT = re.compile(r"(?:#|//)[^\n]*")
_HEREDOC_OPEN = re.compile(r"<<-?(\w+)\n")


def _without_markers(text: str) -> str:
    """A nested heredoc's ``<<-EOT`` and closing ``EOT`` line removed (python-hcl2 drops them)."""
    for opening in _HEREDOC_OPEN.finditer(text):
        closing = re.compile(rf"(?m)^[ \t]*{opening.group(1)}[ \t]*$")
        text = closing.sub("", text.replace(opening.group(0), "", 1), count=1)
    return text


def _norm(value: object) -> object:
    if isinstance(value, str):
        source = _COMMENT.sub("", _without_markers(value))
        text = _unwrapped(_NOISE.sub("", source)).replace("=", ":").replace("::", "==")
        return text.replace("True", "true").replace("False", "false").replace("None", "null")
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {_norm(k): _norm(v) for k, v in value.items()}
    return value


def _reference(path: Path) -> dict[str, object] | None:
    try:
        parsed: dict[str, object] = loads(path.read_text(encoding="utf-8"), with_meta=True)
    except Exception:  # noqa: BLE001 - files python-hcl2 cannot read are not compared
        return None
    return parsed


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_same_shape_as_python_hcl2(path: Path) -> None:
    reference = _reference(path)
    if reference is None:
        pytest.skip("python-hcl2 cannot parse it either")
    assert _norm(parse_hcl(path.read_text(encoding="utf-8"))) == _norm(reference)


def test_there_are_files_to_compare() -> None:
    assert len(FILES) > 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('x = "plain"', "plain"),
        ("x = 3", 3),
        ("x = -1.5", -1.5),
        ("x = true", True),
        ("x = null", None),
        ("x = var.a", "${var.a}"),
        ('x = "a-${var.b}"', "a-${var.b}"),
        ("x = string", "string"),
        ('x = ["a", 1]', ["a", 1]),
        ('x = { "k-1" = "v", k2 = var.z }', {"k-1": "v", "k2": "${var.z}"}),
        ("x = <<-EOT\n    one\n      two\n    EOT\n", "one\n  two\n"),
        ("x = a ? b :\n    c", "${a ? b : c}"),
    ],
)
def test_values(text: str, expected: object) -> None:
    assert parse_hcl(text + "\n")["x"] == expected


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(HclSyntaxError) as raised:
        parse_hcl('resource "a" "b" {\n  x = 1\n  y = = 2\n}\n')
    assert raised.value.line == 3
