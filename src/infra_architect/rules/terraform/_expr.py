"""Terraform expressions evaluated as far as they are static.

An expression's text is parsed once (tree-sitter) and walked: literals, templates,
tuples and objects, ``var.``/``local.``/``module.`` references (resolved by the graph),
indexing and attributes, conditionals, arithmetic, comparison and logic, ``for``
expressions, and the pure functions modules use to shape their inputs (``toset``,
``merge``, ``lookup``, ``length``, ``concat``, ``keys``, ...). Anything that depends on
plan or apply time (resource attributes, ``each``/``count`` of a resource, data
sources, functions with side inputs) is :data:`UNKNOWN`, never guessed; an UNKNOWN
inside a list keeps the list's length known.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from tree_sitter import Node

from infra_architect.rules.terraform._hcl import parser
from infra_architect.rules.terraform._values import UNKNOWN, Unknown

Resolve = Callable[[str, str], object]
"""(root word, name) → value: ``("var", "x")``, ``("local", "y")``, ``("module", "m")``."""

_OPERATORS = {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}
MAX_DEPTH = 64


@cache
def _parsed(text: str) -> tuple[bytes, Node] | None:
    source = f"x = {text}\n".encode()
    tree = parser().parse(source)
    if tree.root_node.has_error:
        return None
    body = tree.root_node.named_children[0]
    attribute = body.named_children[0]
    return source, attribute.named_children[-1]


def evaluate(text: str, resolve: Resolve) -> object:
    """The static value of the expression ``text`` (without ``${}``), or UNKNOWN."""
    parsed = _parsed(text)
    if parsed is None:
        return UNKNOWN
    source, node = parsed
    return _Walker(source, resolve).value(node, {}, 0)


def _known(value: object) -> bool:
    """Fully known: no UNKNOWN anywhere inside."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(_known(v) for v in value)
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    return True


class _Walker:
    def __init__(self, source: bytes, resolve: Resolve) -> None:
        self.source = source
        self.resolve = resolve

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8")

    # --- structure -----------------------------------------------------------------

    def value(self, node: Node, scope: dict[str, object], depth: int) -> object:
        if depth > MAX_DEPTH:
            return UNKNOWN
        return self.sequence(list(node.children), scope, depth + 1)

    def sequence(self, nodes: Sequence[Node], scope: dict[str, object], depth: int) -> object:
        """One operand: a primary followed by attribute, index and splat steps."""
        parts = [n for n in nodes if n.type not in ("(", ")", "comment")]
        if not parts:
            return UNKNOWN
        head, steps = parts[0], parts[1:]
        if head.type == "variable_expr":
            current = self.reference(head, steps, scope)
            consumed = 1 if self.text(head) in ("var", "local", "module") else 0
            steps = steps[consumed:]
        else:
            current = self.primary(head, scope, depth)
        for step in steps:
            current = self.step(current, step, scope, depth)
        return current

    def primary(self, node: Node, scope: dict[str, object], depth: int) -> object:
        kind = node.type
        if kind == "expression":
            return self.value(node, scope, depth)
        if kind == "literal_value":
            return self.literal(node.named_children[0])
        if kind == "collection_value":
            inner = node.named_children[0]
            if inner.type == "tuple":
                return [self.value(c, scope, depth) for c in inner.named_children
                        if c.type == "expression"]  # fmt: skip
            return self.mapping(inner, scope, depth)
        if kind == "template_expr":
            return self.template(node.named_children[0], scope, depth)
        if kind == "function_call":
            return self.call(node, scope, depth)
        if kind == "conditional":
            test, yes, no = (c for c in node.named_children if c.type == "expression")
            chosen = self.value(test, scope, depth)
            if not isinstance(chosen, bool):
                return UNKNOWN
            return self.value(yes if chosen else no, scope, depth)
        if kind == "operation":
            return self.operation(node.named_children[0], scope, depth)
        if kind == "for_expr":
            return self.for_expr(node.named_children[0], scope, depth)
        return UNKNOWN

    def literal(self, node: Node) -> object:
        text = self.text(node)
        if node.type == "numeric_lit":
            try:
                return int(text)
            except ValueError:
                return float(text)
        if node.type == "bool_lit":
            return text == "true"
        if node.type == "null_lit":
            return None
        if node.type == "string_lit":
            return "".join(
                self.text(c) for c in node.named_children if c.type == "template_literal"
            )
        return UNKNOWN

    def mapping(self, node: Node, scope: dict[str, object], depth: int) -> object:
        out: dict[str, object] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            key_node, value_node = element.named_children[0], element.named_children[-1]
            bare = key_node.named_children[0] if key_node.named_child_count == 1 else None
            if bare is not None and bare.type == "variable_expr":
                key: object = self.text(bare)
            else:
                key = self.value(key_node, scope, depth)
            if not isinstance(key, str | int | float | bool):
                return UNKNOWN
            out[str(key)] = self.value(value_node, scope, depth)
        return out

    def template(self, node: Node, scope: dict[str, object], depth: int) -> object:
        pieces: list[str] = []
        for child in node.named_children:
            if child.type == "template_literal":
                pieces.append(self.text(child))
            elif child.type == "template_interpolation":
                inner = next((c for c in child.named_children if c.type == "expression"), None)
                value = self.value(inner, scope, depth) if inner is not None else UNKNOWN
                if isinstance(value, bool):
                    value = "true" if value else "false"
                if not isinstance(value, str | int | float) or isinstance(value, Unknown):
                    return UNKNOWN
                pieces.append(str(value))
            elif child.type == "template_directive":
                return UNKNOWN
        if node.type == "heredoc_template":
            return UNKNOWN if not pieces else "".join(pieces)
        return "".join(pieces)

    # --- references and steps ------------------------------------------------------

    def reference(self, head: Node, steps: Sequence[Node], scope: dict[str, object]) -> object:
        word = self.text(head)
        if word in scope:
            return scope[word]
        if word in ("var", "local", "module") and steps and steps[0].type == "get_attr":
            name = self.text(steps[0].named_children[0])
            return self.resolve(word, name)
        return UNKNOWN  # resources, data sources, each, count, path, terraform

    def step(self, current: object, step: Node, scope: dict[str, object], depth: int) -> object:
        if isinstance(current, Unknown):
            return UNKNOWN
        if step.type == "get_attr":
            name = self.text(step.named_children[0])
            return current.get(name, UNKNOWN) if isinstance(current, dict) else UNKNOWN
        if step.type in ("index", "legacy_index"):
            inner = next((c for c in step.named_children[0].named_children
                          if c.type == "expression"), None)  # fmt: skip
            if inner is None:
                digits = self.text(step).strip(".[]")
                key: object = int(digits) if digits.isdigit() else UNKNOWN
            else:
                key = self.value(inner, scope, depth)
            if isinstance(current, list) and isinstance(key, int) and 0 <= key < len(current):
                return current[key]
            if isinstance(current, dict) and isinstance(key, str | int):
                return current.get(str(key), UNKNOWN)
            return UNKNOWN
        if step.type == "splat":
            return UNKNOWN
        return UNKNOWN

    # --- operators -----------------------------------------------------------------

    def operation(self, node: Node, scope: dict[str, object], depth: int) -> object:
        children = list(node.children)
        if node.type == "unary_operation":
            sign = children[0].type
            operand = self.sequence(children[1:], scope, depth)
            if sign == "!" and isinstance(operand, bool):
                return not operand
            if sign == "-" and _number(operand):
                return -operand  # type: ignore[operator]
            return UNKNOWN
        split = next(
            (i for i, c in enumerate(children) if not c.is_named and c.type in _OPERATORS), None
        )
        if split is None:
            return UNKNOWN
        symbol = children[split].type
        left = self.sequence(children[:split], scope, depth)
        if symbol == "&&" and left is False:
            return False
        if symbol == "||" and left is True:
            return True
        right = self.sequence(children[split + 1 :], scope, depth)
        return _binary(symbol, left, right)

    def for_expr(self, node: Node, scope: dict[str, object], depth: int) -> object:
        intro = next(c for c in node.named_children if c.type == "for_intro")
        names = [self.text(c) for c in intro.named_children if c.type == "identifier"]
        source = self.value(next(c for c in intro.named_children if c.type == "expression"),
                            scope, depth)  # fmt: skip
        if not _known(source) or not isinstance(source, list | dict):
            return UNKNOWN
        bodies = [c for c in node.named_children if c.type == "expression"]
        condition = next((c for c in node.named_children if c.type == "for_cond"), None)
        items = list(source.items()) if isinstance(source, dict) else list(enumerate(source))
        results_list: list[object] = []
        results_map: dict[str, object] = {}
        for key, item in items:
            bound = dict(scope)
            if len(names) == 2:
                bound[names[0]], bound[names[1]] = key, item
            else:
                bound[names[0]] = item
            if condition is not None:
                test = self.value(condition.named_children[-1], bound, depth)
                if not isinstance(test, bool):
                    return UNKNOWN
                if not test:
                    continue
            if node.type == "for_tuple_expr":
                results_list.append(self.value(bodies[0], bound, depth))
            else:
                out_key = self.value(bodies[0], bound, depth)
                if not isinstance(out_key, str | int):
                    return UNKNOWN
                results_map[str(out_key)] = self.value(bodies[1], bound, depth)
        return results_list if node.type == "for_tuple_expr" else results_map

    # --- functions -----------------------------------------------------------------

    def call(self, node: Node, scope: dict[str, object], depth: int) -> object:
        name = self.text(node.named_children[0])
        arguments = next((c for c in node.named_children if c.type == "function_arguments"),
                         None)  # fmt: skip
        nodes = [c for c in arguments.named_children if c.type == "expression"] if arguments else []
        expands = arguments is not None and self.text(arguments).rstrip().endswith("...")
        if name == "try":
            for argument in nodes:
                value = self.value(argument, scope, depth)
                if _known(value):
                    return value
            return UNKNOWN
        values = [self.value(a, scope, depth) for a in nodes]
        if expands and values:
            last = values[-1]
            if not isinstance(last, list):
                return UNKNOWN
            values = [*values[:-1], *last]
        function = FUNCTIONS.get(name)
        if function is None:
            return UNKNOWN
        try:
            return function(values)
        except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError):
            return UNKNOWN


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_ARITHMETIC: dict[str, Callable[[Any, Any], object]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": lambda a, b: a / b if b else UNKNOWN,
    "%": lambda a, b: a % b if b else UNKNOWN,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _binary(symbol: str, left: object, right: object) -> object:
    if symbol in ("==", "!="):
        if not (_known(left) and _known(right)):
            return UNKNOWN
        return (left == right) if symbol == "==" else (left != right)
    if symbol in ("&&", "||"):
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if symbol == "&&" else (left or right)
        return UNKNOWN
    if not (_number(left) and _number(right)) or symbol not in _ARITHMETIC:
        return UNKNOWN
    return _ARITHMETIC[symbol](left, right)


Function = Callable[[list[Any]], object]
"""An HCL function over evaluated arguments (dynamically typed, like HCL's values);
any TypeError or ValueError it raises means UNKNOWN."""


def _strict(function: Function) -> Function:
    """A function of fully known arguments (UNKNOWN in, UNKNOWN out)."""

    def wrapped(values: list[Any]) -> object:
        if not all(_known(v) for v in values):
            return UNKNOWN
        return function(values)

    return wrapped


def _length(values: list[object]) -> object:
    (value,) = values
    return len(value) if isinstance(value, list | dict | str) else UNKNOWN


def _toset(values: list[object]) -> object:
    (value,) = values
    if not isinstance(value, list) or not _known(value):
        return UNKNOWN
    out: list[object] = []
    for item in value:
        if item not in out:
            out.append(item)
    return sorted(out, key=str) if all(isinstance(i, str) for i in out) else out


def _merge(values: list[object]) -> object:
    out: dict[str, object] = {}
    for value in values:
        if value is None:
            continue
        if not isinstance(value, dict):
            return UNKNOWN
        out.update(value)
    return out


def _concat(values: list[object]) -> object:
    out: list[object] = []
    for value in values:
        if not isinstance(value, list):
            return UNKNOWN
        out += value
    return out


def _flatten(values: list[object]) -> object:
    def flat(value: object) -> list[object]:
        if isinstance(value, list):
            return [x for item in value for x in flat(item)]
        return [value]

    (value,) = values
    return flat(value) if isinstance(value, list) else UNKNOWN


def _lookup(values: list[object]) -> object:
    table, key = values[0], values[1]
    if not isinstance(table, dict) or not isinstance(key, str):
        return UNKNOWN
    if key in table:
        return table[key]
    return values[2] if len(values) > 2 else UNKNOWN


def _coalesce(values: list[object]) -> object:
    for value in values:
        if isinstance(value, Unknown):
            return UNKNOWN
        if value is not None and value != "":
            return value
    return UNKNOWN


def _element(values: list[object]) -> object:
    items, index = values
    if isinstance(items, list) and items and isinstance(index, int) and not isinstance(index, bool):
        return items[index % len(items)]
    return UNKNOWN


def _values(values: list[Any]) -> object:
    (table,) = values
    return [table[k] for k in sorted(table)] if isinstance(table, dict) else UNKNOWN


def _format(values: list[object]) -> object:
    pattern, *args = values
    if not isinstance(pattern, str):
        return UNKNOWN
    return pattern.replace("%d", "%s") % tuple(args) if args else pattern


FUNCTIONS: dict[str, Function] = {
    "length": _length,
    "toset": _toset,
    "tolist": _strict(lambda v: list(v[0]) if isinstance(v[0], list) else UNKNOWN),
    "tomap": _strict(lambda v: dict(v[0]) if isinstance(v[0], dict) else UNKNOWN),
    "keys": _strict(lambda v: sorted(v[0]) if isinstance(v[0], dict) else UNKNOWN),
    "values": _strict(_values),
    "merge": _strict(_merge),
    "concat": _strict(_concat),
    "flatten": _strict(_flatten),
    "distinct": _toset,
    "lookup": _strict(_lookup),
    "coalesce": _coalesce,
    "compact": _strict(lambda v: [x for x in v[0] if x not in (None, "")]),
    "contains": _strict(lambda v: v[1] in v[0]),
    "element": _strict(_element),
    "upper": _strict(lambda v: str(v[0]).upper()),
    "lower": _strict(lambda v: str(v[0]).lower()),
    "join": _strict(lambda v: str(v[0]).join(str(x) for x in v[1])),
    "split": _strict(lambda v: str(v[1]).split(str(v[0]))),
    "replace": _strict(lambda v: str(v[0]).replace(str(v[1]), str(v[2]))),
    "trimspace": _strict(lambda v: str(v[0]).strip()),
    "min": _strict(lambda v: min(v)),  # noqa: PLW0108
    "max": _strict(lambda v: max(v)),  # noqa: PLW0108
    "abs": _strict(lambda v: abs(v[0])),
    "ceil": _strict(lambda v: math.ceil(v[0])),
    "floor": _strict(lambda v: math.floor(v[0])),
    "tostring": _strict(lambda v: str(v[0]) if not isinstance(v[0], bool) else str(v[0]).lower()),
    "tonumber": _strict(lambda v: float(v[0]) if "." in str(v[0]) else int(v[0])),
    "range": _strict(lambda v: list(range(*v))),
    "zipmap": _strict(lambda v: dict(zip((str(k) for k in v[0]), v[1], strict=True))),
    "slice": _strict(lambda v: v[0][v[1] : v[2]]),
    "sort": _strict(lambda v: sorted(v[0])),
    "reverse": _strict(lambda v: list(reversed(v[0]))),
    "sum": _strict(lambda v: sum(v[0])),
    "one": _strict(lambda v: v[0][0] if len(v[0]) == 1 else (None if not v[0] else UNKNOWN)),
    "startswith": _strict(lambda v: str(v[0]).startswith(str(v[1]))),
    "endswith": _strict(lambda v: str(v[0]).endswith(str(v[1]))),
    "format": _strict(_format),
    "jsonencode": _strict(lambda v: json.dumps(v[0], separators=(",", ":"))),
    "can": lambda v: True if all(_known(x) for x in v) else UNKNOWN,
}
