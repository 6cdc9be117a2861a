"""What Terraform accepts, the HCL reader reads, and evaluates as Terraform does.

Terraform is the ground truth. Every snippet of ``SYNTAX`` is parsed here and by
``terraform fmt`` (Terraform's own parser); every expression of ``VALUES`` has the
value ``terraform console`` gives it, and the same value here, read the way a review
reads it (a resource's attribute, through the converter, the graph and the evaluator).
The expected values are written down so the comparison runs without Terraform; the
integration tests check them against Terraform itself.

``GAPS`` are valid Terraform the grammar still cannot read: they must raise
:class:`HclSyntaxError` (so a review lists the file as not read and its gate fails),
never parse into something else; one that starts parsing belongs in ``SYNTAX``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from infra_architect.iac._hcl import HclSyntaxError, parse_hcl
from infra_architect.iac._tf_values import UNKNOWN
from infra_architect.rules import load_terraform

TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed")

DB = 'resource "aws_db_instance" "x" {\n  allocated_storage = 20\n}\n'

SYNTAX: dict[str, str] = {
    # numbers: the grammar reads an exponent only after a fraction
    "exponent": "a = 1e3\n",
    "exponent_upper_signed": "a = 1E+10\n",
    "exponent_negative": "a = 1.5E-2\n",
    "exponent_unary_minus": "a = -1e3\n",
    "exponent_in_list_object_call": "a = [1e3, { b = 2e1 }, max(3e0, 1)]\n",
    "exponent_in_interpolation": 'a = "${1e3}"\n',
    "exponent_in_heredoc": "a = <<EOT\n${2e1}\nEOT\n",
    "exponent_in_conditional": "a = true ? 1e3 : 2e3\n",
    "exponent_in_index": "a = [1, 2][1e0]\n",
    "exponent_before_a_block": "a = 1e3\n" + DB,
    "fraction": "a = 0.5\n",
    "big_integer": "a = 123456789012345678901234567890\n",
    # heredocs
    "heredoc": "a = <<EOT\nhello\nEOT\n",
    "heredoc_indented": "a = <<-EOT\n    hello\n      world\n    EOT\n",
    "heredoc_closing_marker_indented": "a = <<EOT\nx\n  EOT\n",
    "heredoc_empty": "a = <<EOT\nEOT\n",
    "heredoc_in_a_block": 'resource "x" "y" {\n  policy = <<POLICY\n{"a": 1}\nPOLICY\n}\n',
    "heredoc_with_directives": "a = <<-EOT\n  %{ for x in [1] ~}\n  ${x}\n  %{ endfor ~}\n  EOT\n",
    "heredoc_with_a_marker_like_line": "a = <<A\n<<B\nB\nA\n",
    # templates
    "template_if": 'a = "%{ if true }yes%{ else }no%{ endif }"\n',
    "template_for": 'a = "%{ for k, v in { a = 1 } }${k}=${v}%{ endfor }"\n',
    "strip_markers": 'a = "%{~ if true ~} x %{~ endif ~} ${~ "y" ~}"\n',
    "nested_quotes": 'a = "x-${join("-", ["a", "b"])}-y"\n',
    "nested_templates": 'a = "${"${"in"}ner"}"\n',
    "brace_in_nested_string": 'a = "${"}"}"\n',
    "escapes": 'a = "\\t\\"\\\\\\u00e9\\U0001F600 $${x} %%{y}"\n',
    "dollar_and_percent_alone": 'a = "cost $5, 100% ${"x"}%"\n',
    # names
    "unicode_identifiers": "locals {\n  café = 1\n  名前 = 2\n}\n",
    "unicode_label": 'resource "aws_s3_bucket" "bücket" {\n}\n',
    "unquoted_labels": "resource aws_s3_bucket b {\n}\n",
    "keywords_as_attribute_names": "b {\n  for = 1\n  if = 2\n  in = 3\n  null = 4\n}\n",
    "dash_in_identifier": "a-b = 1\n",
    # traversals and calls
    "splat": "a = var.l[*].id\n",
    "splat_legacy": "a = var.l.*.id\n",
    "splat_then_index": "a = var.l[*].tags[0]\n",
    "splat_of_a_call": "a = f()[*]\n",
    "legacy_index": "a = var.l.0\n",
    "expansion": "a = max(var.l...)\n",
    "expansion_after_arguments": "a = concat(var.a, var.l...)\n",
    "provider_function": 'a = provider::aws::arn_parse("arn:aws:s3:::b")\n',
    "provider_function_attribute": 'a = "${provider::aws::arn_parse(var.x).region}"\n',
    "for_object_grouping": "a = { for k, v in var.m : v => k... if v != null }\n",
    "multiline_arguments": "a = f(\n  1,\n  2,\n)\n",
    "multiline_conditional": "a = (var.x\n  ? 1\n  : 2)\n",
    "type_constraint": (
        "variable x {\n  type = map(object({ a = string, b = optional(number, 1) }))\n}\n"
    ),
    # comments, line endings, byte order mark
    "comments_hash_and_slashes": "# c\na = 1 # d\n// e\nb = 2 // f\n",
    "comments_block": "/* c\n d */\na = /* e */ 1\n",
    "comments_in_a_list": "a = [\n  1, # c\n  2, // d\n  /* e */ 3,\n]\n",
    "comment_at_end_of_file": "a = 1 # c",
    "crlf": 'a = 1\r\nb = "x"\r\nblock {\r\n  c = 2\r\n}\r\n',
    "crlf_heredoc": "a = <<EOT\r\nhi\r\nEOT\r\n",
    "byte_order_mark": "\ufeffa = 1\r\n" + DB,
    # blocks Terraform has grown
    "moved_import_removed_check": (
        "moved {\n  from = a.b\n  to   = a.c\n}\n"
        'import {\n  to = a.b\n  id = "x"\n}\n'
        "removed {\n  from = a.b\n}\n"
        'check "c" {\n  assert {\n    condition     = true\n    error_message = "m"\n  }\n}\n'
    ),
    "dynamic_block": (
        'resource "x" "y" {\n  dynamic "z" {\n    for_each = var.l\n'
        "    content {\n      a = z.value\n    }\n  }\n}\n"
    ),
    "one_line_blocks": "b { a = 1 }\nc {}\n",
}

GAPS: dict[str, str] = {
    "nul_in_a_string": 'a = "x\x00y"\n',
    "legacy_index_written_as_an_exponent": "a = var.l.1e0\n",
    "templates_nested_a_hundred_deep": 'a = "' + '${"' * 100 + "x" + '"}' * 100 + '"\n',
}

INVALID: dict[str, str] = {
    "hexadecimal": "a = 0x10\n",
    "trailing_dot": "a = 1.\n",
    "number_then_word": "a = 1 e3\n",
}


@pytest.mark.parametrize("text", SYNTAX.values(), ids=SYNTAX.keys())
def test_parses(text: str) -> None:
    parse_hcl(text)


@pytest.mark.parametrize("text", GAPS.values(), ids=GAPS.keys())
def test_a_gap_is_reported_never_misread(text: str) -> None:
    with pytest.raises(HclSyntaxError):
        parse_hcl(text)


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_what_terraform_refuses_is_a_syntax_error(text: str) -> None:
    with pytest.raises(HclSyntaxError):
        parse_hcl(text)


def _fmt(text: str) -> subprocess.CompletedProcess[bytes]:
    assert TERRAFORM is not None
    return subprocess.run(
        [TERRAFORM, "fmt", "-no-color", "-"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.integration
@needs_terraform
@pytest.mark.parametrize(
    "text", [*SYNTAX.values(), *GAPS.values()], ids=[*SYNTAX.keys(), *GAPS.keys()]
)
def test_terraform_accepts(text: str) -> None:
    done = _fmt(text)
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.integration
@needs_terraform
@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_terraform_refuses(text: str) -> None:
    assert _fmt(text).returncode != 0


def test_an_exponent_hides_nothing_else_in_its_file(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_db_instance" "x" {\n  allocated_storage = 2e1\n'
        "  publicly_accessible = true\n}\n"
    )
    graph = load_terraform(tmp_path)
    assert graph.skipped == []
    (db,) = graph.resources
    assert graph.value(db.body["allocated_storage"], db.scope) == 20
    assert graph.value(db.body["publicly_accessible"], db.scope) is True


def test_an_exponent_before_a_block_does_not_swallow_it(tmp_path: Path) -> None:
    """Unrepaired, the grammar reads `e3` as a block type and the block after it as its
    labels, without any syntax error: the ingress rule would silently vanish."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "db" {\n  revoke_rules_on_delete = true\n'
        "  timeout_seconds = 3e2\n"
        '  ingress {\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
        "locals {\n  size = 1e3\n}\n"
        'resource "aws_db_instance" "x" {\n  allocated_storage = local.size\n}\n'
    )
    graph = load_terraform(tmp_path)
    group, db = sorted(graph.resources, key=lambda r: r.type)[::-1]
    assert graph.value(group.body["timeout_seconds"], group.scope) == 300
    assert graph.value(group.body["ingress"], group.scope) == [{"cidr_blocks": ["0.0.0.0/0"]}]
    assert graph.value(db.body["allocated_storage"], db.scope) == 1000


VALUES: dict[str, tuple[str, object]] = {
    "exponent": ("1e3", 1000),
    "exponent_signed": ("1e+10", 10000000000),
    "exponent_fraction": ("1.5E-2", 0.015),
    "exponent_arithmetic": ("2e1 * 2", 40),
    "exponent_negated": ("-1e3", -1000),
    "fraction": ("0.5", 0.5),
    "division_whole": ("4 / 2", 2),
    "division_fraction": ("1 / 4", 0.25),
    "plain_string_spaces": ('"  a  "', "  a  "),
    "escapes": (r'"tab\tquote\"slash\\é\u00e9"', 'tab\tquote"slash\\éé'),
    "escaped_template_markers": ('"$${literal} %%{x}"', "${literal} %{x}"),
    "spaces_around_interpolation": ('"a ${"b"} c"', "a b c"),
    "strip_markers": ('"a ${~ " b " ~} c"', "a b c"),
    "nested_quotes": ('"x-${join("-", ["a", "b"])}-y"', "x-a-b-y"),
    "nested_templates": ('"${"${"in"}ner"}"', "inner"),
    "interpolations_only": ('"${"a"}${"b"}"', "ab"),
    "if_directive": ('"%{ if 1 == 1 ~}  yes  %{~ else }no%{ endif ~}  !"', "yes!"),
    "if_directive_false": ('"%{ if false }yes%{ endif }"', ""),
    "for_directive": ('"%{ for k, v in {b = 2, a = 1} }${k}=${v};%{ endfor }"', "a=1;b=2;"),
    "heredoc_literal": ("<<-EOT\n\t\ta\n\t  b\n\tEOT", "a\n b\n"),
    "heredoc_blank_lines": ("<<-EOT\n    a\n\n  b\n    EOT", "  a\n\nb\n"),
    "heredoc_crlf": ("<<EOT\r\nhi\r\nEOT", "hi\r\n"),
    "for_map_order": ("[for k, v in {b = 1, a = 2, C = 3} : k]", ["C", "a", "b"]),
    "for_grouping": (
        "{for k, v in {a = 1, b = 1, c = 2} : v => k...}",
        {"1": ["a", "b"], "2": ["c"]},
    ),
    "for_condition": ('[for x in ["a", "", "b"] : upper(x) if x != ""]', ["A", "B"]),
    "splat": ("[{id = 1}, {id = 2}][*].id", [1, 2]),
    "splat_legacy": ("[{id = 1}, {id = 2}].*.id", [1, 2]),
    "splat_of_one_value": ("{id = 3}[*].id", [3]),
    "splat_of_null": ("null[*]", []),
    "expansion": ("max([3, 9, 4]...)", 9),
    "expansion_after_arguments": ("concat([1], [[2], [3]]...)", [1, 2, 3]),
    "unicode_key": ('{café = "x"}["café"]', "x"),
    "unicode_string": ('"名前 😀"', "名前 😀"),
    "format": ('format("%s-%03d", "a", 7)', "a-007"),
    "jsonencode": (
        'jsonencode({b = [1, "<x>"], a = true})',
        '{"a":true,"b":[1,"\\u003cx\\u003e"]}',
    ),
    "sort_is_lexical": ("sort([3, 10, 1])", ["1", "10", "3"]),
    "tostring_bool": ("tostring(true)", "true"),
    "numbers_in_templates": ('"${1.5} ${10 / 4} ${1e2}"', "1.5 2.5 100"),
    "conditional_over_lines": ('true ? (\n    "y"\n  ) : "n"', "y"),
    "comments_in_a_list": ("[\n    1, # one\n    2, // two\n    /* three */ 3,\n  ]", [1, 2, 3]),
    "distinct": ('distinct(["a", "b", "a"])', ["a", "b"]),
    "lookup_default": ('lookup({a = 1}, "b", 2)', 2),
    "range": ("range(3)", [0, 1, 2]),
    "keys_sorted": ("keys({b = 1, a = 2})", ["a", "b"]),
}

TEMPLATE_HEREDOCS: dict[str, tuple[str, object]] = {
    "heredoc_interpolated": ('<<EOT\nhello ${upper("x")}\n  world\nEOT', "hello X\n  world\n"),
    "heredoc_interpolated_indented": ("<<-EOT\n    a\n\n      b ${1 + 1}\n    EOT", "a\n\n  b 2\n"),
}
"""Heredocs that interpolate: python-hcl2's shape keeps only their text, from which
the template cannot be told apart, so a resource's attribute reads UNKNOWN (never a
wrong value); inside an expression they are evaluated."""


def _resource(cases: dict[str, tuple[str, object]]) -> str:
    lines = "".join(f"  {name} = {expression}\n" for name, (expression, _) in cases.items())
    return f'resource "null_resource" "values" {{\n{lines}}}\n'


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("values")
    (root / "main.tf").write_text(_resource({**VALUES, **TEMPLATE_HEREDOCS}), encoding="utf-8")
    graph = load_terraform(root)
    (resource,) = graph.resources
    return {name: graph.value(resource.body[name], resource.scope) for name in resource.body}


@pytest.mark.parametrize(("name", "expected"), [(k, v[1]) for k, v in VALUES.items()], ids=VALUES)
def test_value_as_terraform_gives_it(
    evaluated: dict[str, object], name: str, expected: object
) -> None:
    assert evaluated[name] == expected


@pytest.mark.parametrize("name", TEMPLATE_HEREDOCS)
def test_an_interpolating_heredoc_attribute_is_unknown(
    evaluated: dict[str, object], name: str
) -> None:
    assert evaluated[name] is UNKNOWN


@pytest.mark.parametrize(
    ("expression", "expected"), TEMPLATE_HEREDOCS.values(), ids=TEMPLATE_HEREDOCS
)
def test_an_interpolating_heredoc_inside_an_expression(expression: str, expected: str) -> None:
    from infra_architect.iac._tf_expr import evaluate  # noqa: PLC0415

    assert evaluate(f"trimspace({expression}\n)", lambda *_: UNKNOWN) == expected.strip()


@pytest.mark.integration
@needs_terraform
def test_the_expected_values_are_terraforms(tmp_path: Path) -> None:
    cases = {**VALUES, **TEMPLATE_HEREDOCS}
    assigned = "".join(f"  {name} = {expression}\n" for name, (expression, _) in cases.items())
    (tmp_path / "main.tf").write_text(f"locals {{\n{assigned}}}\n", encoding="utf-8")
    query = "jsonencode([" + ", ".join(f"local.{name}" for name in cases) + "])\n"
    assert TERRAFORM is not None
    done = subprocess.run(
        [TERRAFORM, "console"],
        input=query,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    given = json.loads(json.loads(done.stdout.strip().splitlines()[-1]))
    assert dict(zip(cases, given, strict=True)) == {k: v[1] for k, v in cases.items()}
