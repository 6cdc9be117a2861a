"""Terraform expressions evaluated as far as they are static.

An expression's text is parsed once (tree-sitter) and walked: literals, templates
(escapes, strip markers, ``%{ if }``/``%{ for }`` directives, heredocs), tuples and
objects, ``var.``/``local.``/``module.`` references (resolved by the graph), indexing,
attributes and splats, conditionals, arithmetic, comparison and logic, ``for``
expressions, and the pure functions modules use to shape their inputs (``toset``,
``merge``, ``lookup``, ``length``, ``concat``, ``keys``, ...). Anything that depends on
plan or apply time (resource attributes, ``each``/``count`` of a resource, data
sources, functions with side inputs) is :data:`UNKNOWN`, never guessed; an UNKNOWN
inside a list keeps the list's length known.

Every value built is admitted by the evaluation's :class:`Budget` (sizes, nesting,
deadline): past a bound the value is UNKNOWN and the budget notes why, so a hostile
expression costs milliseconds and kilobytes, never minutes and gigabytes.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from tree_sitter import Node

from infra_architect.iac._hcl import decode_escapes, parse_source
from infra_architect.iac._tf_values import (
    UNKNOWN,
    Budget,
    Unknown,
    bounded_number,
    number,
)

Resolve = Callable[[str, str, int], object]
"""(root word, name, depth) → value: ``("var", "x", d)``, ``("local", "y", d)``,
``("module", "m", d)``; ``depth`` is how deep the evaluation already is."""

_OPERATORS = {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}
MAX_DEPTH = 96
"""Steps of one evaluation nested in one another (operands, arguments, references
followed): each costs a few Python frames, and Python's stack is finite."""
_WHITESPACE = " \t\r\n"
_TEMPLATE_ESCAPE = re.compile(r"\$\$\{|%%\{")


@lru_cache(maxsize=16_384)
def _parsed(text: str) -> tuple[bytes, Node] | None:
    source, tree = parse_source(f"x = {text}\n".encode())
    if tree.root_node.has_error:
        return None
    body = tree.root_node.named_children[0]
    attribute = body.named_children[0]
    return source, attribute.named_children[-1]


def evaluate(
    text: str,
    resolve: Resolve,
    budget: Budget | None = None,
    depth: int = 0,
    names: Mapping[str, object] | None = None,
) -> object:
    """The static value of the expression ``text`` (without ``${}``), or UNKNOWN.
    ``names``: values bound for the whole expression (``each`` of one resource instance)."""
    parsed = _parsed(text)
    if parsed is None:
        return UNKNOWN
    source, node = parsed
    walker = _Walker(source, resolve, budget or Budget())
    try:
        return walker.value(node, dict(names or {}), depth)
    except RecursionError:  # the depth bound keeps well inside the stack; this is a net
        walker.budget.note("nested too deeply to evaluate")
        return UNKNOWN


def evaluate_template(
    raw: str,
    resolve: Resolve,
    budget: Budget | None = None,
    depth: int = 0,
    names: Mapping[str, object] | None = None,
) -> object:
    """The value of a quoted string's source between its quotes (``a-${var.b}``)."""
    parsed = _parsed(f'"{raw}"')
    if parsed is None:
        return UNKNOWN
    source, node = parsed
    inner = node.named_children[0] if node.named_child_count == 1 else None
    string = inner.named_children[0] if inner is not None and inner.named_child_count else None
    if (
        string is None
        or string.type not in ("quoted_template", "string_lit")
        or (string.start_byte, string.end_byte) != (node.start_byte, node.end_byte)
    ):
        return UNKNOWN  # the quotes did not enclose the whole text: not one string
    walker = _Walker(source, resolve, budget or Budget())
    try:
        return walker.value(node, dict(names or {}), depth)
    except RecursionError:
        walker.budget.note("nested too deeply to evaluate")
        return UNKNOWN


def _known(value: object) -> bool:
    """Fully known: no UNKNOWN anywhere inside."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(_known(v) for v in value)
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    return True


def _items(source: list[object] | dict[str, object]) -> list[tuple[object, object]]:
    """What a ``for`` iterates: a list by index, a map by key in lexical order (as
    Terraform does)."""
    if isinstance(source, dict):
        return [(k, source[k]) for k in sorted(source)]
    return list(enumerate(source))


class _Walker:
    def __init__(self, source: bytes, resolve: Resolve, budget: Budget) -> None:
        self.source = source
        self.resolve = resolve
        self.budget = budget
        self.failures = 0
        """Lookups that failed on a known value (a missing key or attribute, an index
        past the end): an error in Terraform, which ``try`` and ``can`` catch. Counted
        here, never returned, so an error cannot leave the expression as a value."""

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8")

    def _stop(self, depth: int) -> bool:
        if self.budget.expired():
            return True
        if depth > MAX_DEPTH:
            self.budget.note(f"an expression nested deeper than {MAX_DEPTH} steps")
            return True
        return False

    # --- structure -----------------------------------------------------------------

    def value(self, node: Node, scope: dict[str, object], depth: int) -> object:
        return self.sequence(node.children, scope, depth + 1)

    def sequence(self, nodes: Sequence[Node], scope: dict[str, object], depth: int) -> object:
        """One operand: a primary followed by attribute, index and splat steps."""
        if self._stop(depth):
            return UNKNOWN
        parts = [n for n in nodes if n.type not in ("(", ")", "comment")]
        if not parts:
            return UNKNOWN
        head, steps = parts[0], parts[1:]
        if head.type == "variable_expr":
            current = self.reference(head, steps, scope, depth)
            consumed = 1 if self.text(head) in ("var", "local", "module") else 0
            steps = steps[consumed:]
        else:
            current = self.primary(head, scope, depth)
        return self.steps(current, steps, scope, depth)

    def primary(self, node: Node, scope: dict[str, object], depth: int) -> object:
        kind = node.type
        if kind == "expression":
            return self.value(node, scope, depth)
        if kind == "literal_value":
            return self.literal(node.named_children[0])
        if kind == "collection_value":
            inner = node.named_children[0]
            if inner.type == "tuple":
                elements = [c for c in inner.named_children if c.type == "expression"]
                if not self.budget.spend(len(elements)):
                    return UNKNOWN
                return [self.value(c, scope, depth) for c in elements]
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
            value = number(text)
            return UNKNOWN if value is None else value
        if node.type == "bool_lit":
            return text == "true"
        if node.type == "null_lit":
            return None
        if node.type == "string_lit":  # a plain string: its source between the quotes
            start, end = node.children[0].end_byte, node.children[-1].start_byte
            region = _Region(start, end, [], heredoc=False)
            return self.literal_text(region, region.start, region.end)
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
            if isinstance(key, bool):
                key = "true" if key else "false"
            if not isinstance(key, str | int | float):
                return UNKNOWN
            out[str(key)] = self.value(value_node, scope, depth)
        return self.budget.admit(out)

    # --- templates -----------------------------------------------------------------

    def template(self, node: Node, scope: dict[str, object], depth: int) -> object:
        if node.type == "quoted_template":
            start, end = node.children[0].end_byte, node.children[-1].start_byte
            region = _Region(start, end, _parts(node), heredoc=False)
            return self.render(region, scope, depth)
        if node.type == "heredoc_template":
            region_or_none = self.heredoc_region(node)
            if region_or_none is None:
                return UNKNOWN
            return self.render(region_or_none, scope, depth)
        return UNKNOWN

    def heredoc_region(self, node: Node) -> _Region | None:
        """The content of a heredoc: from the line after ``<<EOT`` to the start of the
        closing marker's line; with ``<<-`` the smallest indentation of its non-blank
        lines is removed from each of them."""
        markers = [c for c in node.children if c.type == "heredoc_identifier"]
        if len(markers) != 2:
            return None
        opening, closing = markers
        start = self.source.find(b"\n", opening.end_byte, closing.start_byte)
        if start < 0:
            return None
        start += 1
        end = self.source.rfind(b"\n", start - 1, closing.start_byte) + 1
        region = _Region(start, end, _parts(node), heredoc=True)
        if not self.text(node).startswith("<<-") or end <= start:
            return region
        items = region.items
        if any(b"\n" in self.source[i.start_byte : i.end_byte] for i in items):
            return None  # an interpolation across lines: indentation is ambiguous here
        content = self.source[start:end].decode("utf-8")
        lines = content.split("\n")
        indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip(_WHITESPACE)]
        indent = min(indents, default=0)
        cuts: list[tuple[int, int]] = []
        offset = start
        for line in lines:
            encoded = len(line.encode("utf-8"))
            if line.strip(_WHITESPACE):
                cuts.append((offset, offset + indent))  # indentation is ASCII: bytes = chars
            offset += encoded + 1
        return _Region(start, end, items, heredoc=True, cuts=tuple(cuts))

    def render(self, region: _Region, scope: dict[str, object], depth: int) -> object:
        """A template region: literal text between its interpolations and directives,
        with the whitespace that strip markers (``~``) remove removed."""
        out: list[str] = []
        cursor = region.start
        strip_next = region.strip_start
        size = 0
        for item in region.items:
            literal = self.literal_text(region, cursor, item.start_byte)
            lead, trail = _strip_markers(item)
            if strip_next:
                literal = literal.lstrip(_WHITESPACE)
            if lead:
                literal = literal.rstrip(_WHITESPACE)
            produced = self.item(item, region, scope, depth)
            if not isinstance(produced, str):
                return UNKNOWN
            out += [literal, produced]
            size += len(literal) + len(produced)
            if size > self.budget.bounds.max_string:
                return self._too_long(size)
            strip_next = trail
            cursor = item.end_byte
        literal = self.literal_text(region, cursor, region.end)
        if strip_next:
            literal = literal.lstrip(_WHITESPACE)
        if region.strip_end:
            literal = literal.rstrip(_WHITESPACE)
        out.append(literal)
        return self.budget.admit("".join(out))

    def literal_text(self, region: _Region, start: int, end: int) -> str:
        raw = self.source[start:end]
        if region.cuts:
            kept = bytearray()
            position = start
            for cut_start, cut_end in region.cuts:
                if cut_end <= start or cut_start >= end:
                    continue
                kept += self.source[position : max(position, cut_start)]
                position = max(position, min(cut_end, end))
            kept += self.source[position:end]
            raw = bytes(kept)
        text = raw.decode("utf-8")
        if not region.heredoc:
            text = decode_escapes(text)
        return _TEMPLATE_ESCAPE.sub(lambda m: m.group(0)[1:], text)

    def item(self, item: Node, region: _Region, scope: dict[str, object], depth: int) -> object:
        """The text an interpolation or a directive produces, or UNKNOWN."""
        if item.type == "template_interpolation":
            inner = next((c for c in item.named_children if c.type == "expression"), None)
            value = self.value(inner, scope, depth) if inner is not None else UNKNOWN
            return _as_text(value)
        directive = item.named_children[0] if item.named_child_count else None
        if directive is None:
            return UNKNOWN
        if directive.type == "template_if":
            return self.template_if(directive, region, scope, depth)
        if directive.type == "template_for":
            return self.template_for(directive, region, scope, depth)
        return UNKNOWN

    def template_if(
        self, node: Node, region: _Region, scope: dict[str, object], depth: int
    ) -> object:
        children = node.named_children
        intro, end = children[0], children[-1]
        otherwise = next((c for c in children if c.type == "template_else_intro"), None)
        test_node = next((c for c in intro.named_children if c.type == "expression"), None)
        test = self.value(test_node, scope, depth) if test_node is not None else UNKNOWN
        if not isinstance(test, bool):
            return UNKNOWN
        middle = otherwise or end
        if test:
            start, stop, opener, closer = intro.end_byte, middle.start_byte, intro, middle
        elif otherwise is not None:
            start, stop, opener, closer = otherwise.end_byte, end.start_byte, otherwise, end
        else:
            return ""
        return self.render(_inner(region, node, start, stop, opener, closer), scope, depth)

    def template_for(
        self, node: Node, region: _Region, scope: dict[str, object], depth: int
    ) -> object:
        intro, end = node.named_children[0], node.named_children[-1]
        names = [self.text(c) for c in intro.named_children if c.type == "identifier"]
        collection = next((c for c in intro.named_children if c.type == "expression"), None)
        source = self.value(collection, scope, depth) if collection is not None else UNKNOWN
        if not _known(source) or not isinstance(source, list | dict) or not names:
            return UNKNOWN
        body = _inner(region, node, intro.end_byte, end.start_byte, intro, end)
        out: list[str] = []
        size = 0
        for key, element in _items(source):
            text = self.render(body, _bind(scope, names, key, element), depth)
            if not isinstance(text, str):
                return UNKNOWN
            out.append(text)
            size += len(text)
            if size > self.budget.bounds.max_string:
                return self._too_long(size)
        return "".join(out)

    def _too_long(self, size: int) -> Unknown:
        limit = self.budget.bounds.max_string
        self.budget.note(f"a string of over {size:,} characters, over {limit:,}")
        return UNKNOWN

    # --- references and steps ------------------------------------------------------

    def reference(
        self, head: Node, steps: Sequence[Node], scope: dict[str, object], depth: int
    ) -> object:
        word = self.text(head)
        if word in scope:
            return scope[word]
        if word in ("var", "local", "module") and steps and steps[0].type == "get_attr":
            name = self.text(steps[0].named_children[0])
            return self.resolve(word, name, depth)
        return UNKNOWN  # resources, data sources, each, count, path, terraform

    def steps(
        self, current: object, steps: Sequence[Node], scope: dict[str, object], depth: int
    ) -> object:
        for position, step in enumerate(steps):
            if step.type == "splat":
                return self.splat(current, step, steps[position + 1 :], scope, depth)
            current = self.step(current, step, scope, depth)
        return current

    def step(self, current: object, step: Node, scope: dict[str, object], depth: int) -> object:
        if isinstance(current, Unknown):
            return UNKNOWN
        if step.type == "get_attr":
            name = self.text(step.named_children[0])
            if isinstance(current, dict) and name in current:
                return current[name]
            return self._failed()
        if step.type in ("index", "legacy_index"):
            inner = next((c for c in step.named_children[0].named_children
                          if c.type == "expression"), None)  # fmt: skip
            if inner is None:
                digits = self.text(step).strip(".[]")
                key: object = int(digits) if digits.isascii() and digits.isdigit() else UNKNOWN
            else:
                key = self.value(inner, scope, depth)
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            if isinstance(key, Unknown):
                return UNKNOWN
            if isinstance(current, list) and isinstance(key, int) and 0 <= key < len(current):
                return current[key]
            if isinstance(current, dict) and isinstance(key, str | int):
                return current[str(key)] if str(key) in current else self._failed()
            return self._failed()
        return UNKNOWN

    def _failed(self) -> Unknown:
        self.failures += 1
        return UNKNOWN

    def splat(
        self,
        current: object,
        node: Node,
        after: Sequence[Node],
        scope: dict[str, object],
        depth: int,
    ) -> object:
        """``list[*].a.b`` applies ``.a.b`` to each element; the legacy ``list.*.a``
        only its attribute steps (an index after them indexes the result). A single
        value is a list of one; null an empty list."""
        if isinstance(current, Unknown):
            return UNKNOWN
        kind = node.named_children[0] if node.named_child_count else None
        if kind is None:
            return UNKNOWN
        inner = list(kind.named_children)
        outer: list[Node] = []
        if kind.type == "attr_splat":
            split = next((i for i, c in enumerate(inner) if c.type != "get_attr"), len(inner))
            inner, outer = inner[:split], inner[split:]
        elements = [] if current is None else current if isinstance(current, list) else [current]
        result: object = [self.steps(e, inner, scope, depth) for e in elements]
        return self.steps(result, [*outer, *after], scope, depth)

    # --- operators -----------------------------------------------------------------

    def operation(self, node: Node, scope: dict[str, object], depth: int) -> object:
        children = list(node.children)
        if node.type == "unary_operation":
            sign = children[0].type
            operand = self.sequence(children[1:], scope, depth + 1)
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
        left = self.sequence(children[:split], scope, depth + 1)
        if symbol == "&&" and left is False:
            return False
        if symbol == "||" and left is True:
            return True
        right = self.sequence(children[split + 1 :], scope, depth + 1)
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
        pairs: list[tuple[object, object]] = []
        for key, item in _items(source):
            if not self.budget.spend(1) or self.budget.expired():
                return UNKNOWN
            bound = _bind(scope, names, key, item)
            if condition is not None:
                test = self.value(condition.named_children[-1], bound, depth)
                if not isinstance(test, bool):
                    return UNKNOWN
                if not test:
                    continue
            if node.type == "for_tuple_expr":
                pairs.append((None, self.value(bodies[0], bound, depth)))
            else:
                pairs.append(
                    (self.value(bodies[0], bound, depth), self.value(bodies[1], bound, depth))
                )
        if node.type == "for_tuple_expr":
            return self.budget.admit([value for _, value in pairs])
        grouping = any(c.type == "ellipsis" for c in node.named_children)
        return self.budget.admit(_object(pairs, grouping=grouping))

    # --- functions -----------------------------------------------------------------

    def call(self, node: Node, scope: dict[str, object], depth: int) -> object:
        name = self.text(node.named_children[0])
        arguments = next((c for c in node.named_children if c.type == "function_arguments"),
                         None)  # fmt: skip
        nodes = [c for c in arguments.named_children if c.type == "expression"] if arguments else []
        expands = arguments is not None and any(
            c.type == "ellipsis" for c in arguments.named_children
        )
        if name == "try":
            return self.attempt(nodes, scope, depth)
        if name == "can":
            return self.can(nodes, scope, depth)
        function = FUNCTIONS.get(name)
        if function is None:
            return UNKNOWN  # provider::…, impure or not modelled: never guessed
        values = [self.value(a, scope, depth) for a in nodes]
        if expands and values:
            last = values[-1]
            if not isinstance(last, list):
                return UNKNOWN
            values = [*values[:-1], *last]
        if not _affordable(name, values, self.budget):
            return UNKNOWN
        try:
            result = function(values)
        except (ArithmeticError, TypeError, ValueError, LookupError):
            return UNKNOWN
        if _number(result):
            return bounded_number(result)  # type: ignore[arg-type]
        return self.budget.admit(result)

    def attempt(self, nodes: Sequence[Node], scope: dict[str, object], depth: int) -> object:
        """``try``: the first argument evaluated without an error. An argument unknown
        here may still fail or succeed in Terraform, so the result is unknown, never the
        fallback after it: ``try(var.source_db, null)`` is not null when the variable
        has no value here."""
        before = self.failures
        for argument in nodes:
            self.failures = before
            value = self.value(argument, scope, depth)
            if self.failures == before:
                return value if _known(value) else UNKNOWN
        self.failures = before + 1  # every argument failed: so does the call
        return UNKNOWN

    def can(self, nodes: Sequence[Node], scope: dict[str, object], depth: int) -> object:
        """``can``: whether its argument evaluates without an error; unknown when the
        argument is unknown here (it may fail once known)."""
        if len(nodes) != 1:
            return UNKNOWN
        before = self.failures
        value = self.value(nodes[0], scope, depth)
        failed, self.failures = self.failures > before, before
        if failed:
            return False
        return True if _known(value) else UNKNOWN


def _bind(
    scope: dict[str, object], names: list[str], key: object, item: object
) -> dict[str, object]:
    """The scope of one iteration: ``for k, v in`` binds the key (or index) and the
    element, ``for v in`` the element alone."""
    bound = dict(scope)
    if len(names) >= 2:
        bound[names[0]], bound[names[1]] = key, item
    elif names:
        bound[names[0]] = item
    return bound


def _object(pairs: list[tuple[object, object]], *, grouping: bool) -> object:
    """A ``for`` object's map: with ``...`` the values of a key are grouped in a list;
    without, a repeated key is an error in Terraform (UNKNOWN here)."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if isinstance(key, bool):
            key = "true" if key else "false"  # noqa: PLW2901
        if not isinstance(key, str | int | float):
            return UNKNOWN
        if grouping:
            group = out.setdefault(str(key), [])
            if isinstance(group, list):
                group.append(value)
        elif str(key) in out:
            return UNKNOWN
        else:
            out[str(key)] = value
    return out


class _Region:
    """A stretch of template source: its literal text runs from ``start`` to ``end``
    around ``items`` (interpolations and directives); ``cuts`` are byte ranges left out
    (a ``<<-`` heredoc's indentation)."""

    __slots__ = ("cuts", "end", "heredoc", "items", "start", "strip_end", "strip_start")

    def __init__(  # noqa: PLR0917  (a plain record)
        self,
        start: int,
        end: int,
        items: list[Node],
        heredoc: bool,
        cuts: tuple[tuple[int, int], ...] = (),
        strip_start: bool = False,
        strip_end: bool = False,
    ) -> None:
        self.start, self.end, self.items, self.heredoc = start, end, items, heredoc
        self.cuts, self.strip_start, self.strip_end = cuts, strip_start, strip_end


def _parts(node: Node) -> list[Node]:
    return [c for c in node.named_children
            if c.type in ("template_interpolation", "template_directive")]  # fmt: skip


def _inner(  # noqa: PLR0917  (one directive's body)
    region: _Region, node: Node, start: int, end: int, opener: Node, closer: Node
) -> _Region:
    """The body of a directive between ``opener`` and ``closer``, stripped where their
    markers say (``%{ if x ~}`` strips after, ``%{~ endif }`` before)."""
    items = [c for c in _parts(node) if start <= c.start_byte and c.end_byte <= end]
    return _Region(
        start,
        end,
        items,
        region.heredoc,
        region.cuts,
        strip_start=_strip_markers(opener)[1],
        strip_end=_strip_markers(closer)[0],
    )


def _strip_markers(node: Node) -> tuple[bool, bool]:
    """Whether ``${~``/``%{~`` opens ``node`` and whether ``~}`` closes it (a directive
    opens with its first part and closes with its last)."""
    if node.type == "template_directive" and node.named_child_count:
        inner = node.named_children[0]
        first, last = inner.named_children[0], inner.named_children[-1]
        return _strip_markers(first)[0], _strip_markers(last)[1]
    children = node.children
    lead = len(children) > 1 and children[1].type == "strip_marker"
    trail = len(children) > 1 and children[-2].type == "strip_marker"
    return lead, trail


def _as_text(value: object) -> object:
    """An interpolated value as the text Terraform writes, or UNKNOWN (a list, a map,
    null or anything unknown cannot be interpolated)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    return UNKNOWN


def _float_text(value: float) -> object:
    if not math.isfinite(value):
        return UNKNOWN
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


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
    try:
        result = _ARITHMETIC[symbol](left, right)
    except (ArithmeticError, ValueError):
        return UNKNOWN
    if _number(result):
        if isinstance(result, float) and result.is_integer() and abs(result) < 2**53:
            return int(result)  # Terraform has one number type: 4 / 2 is 2
        return bounded_number(result)  # type: ignore[arg-type]
    return result


def _affordable(name: str, values: list[object], budget: Budget) -> bool:
    """Whether a function's result stays within the bounds, decided before it is built
    (``range(100000000)`` must not allocate first and be refused after)."""
    estimate = 0
    if name == "range":
        if not all(_number(v) for v in values) or not 1 <= len(values) <= 3:
            return True  # the function refuses these itself
        try:
            estimate = len(range(*(int(v) for v in values)))  # type: ignore[call-overload]
        except (ValueError, OverflowError):
            return True
        if estimate > budget.bounds.max_items:
            budget.note(f"range() of {estimate:,} numbers, over {budget.bounds.max_items:,}")
            return False
        return budget.spend(estimate)
    if name in ("join", "concat", "flatten", "format", "formatlist", "replace", "merge"):
        estimate = sum(_size(v) for v in values)
        if name == "join" and len(values) == 2 and isinstance(values[1], list):
            estimate += _size(values[0]) * len(values[1])
        if name == "replace" and len(values) == 3:
            text, old, new = (str(v) for v in values)
            count = text.count(old) if old else len(text) + 1
            estimate = len(text) + count * max(0, len(new) - len(old))
    if estimate > budget.bounds.max_string:
        budget.note(f"{name}() would build {estimate:,} characters or elements")
        return False
    return True


def _size(value: object) -> int:
    """Characters and elements, one level down (arguments are already bounded)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return len(value) + sum(len(v) for v in value if isinstance(v, str | list | dict))
    if isinstance(value, dict):
        return len(value) + sum(len(v) for v in value.values() if isinstance(v, str | list | dict))
    return 1


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


def _hashable(value: object) -> object:
    """A key equal for equal values (lists and maps included), for de-duplication."""
    return json.dumps(value, sort_keys=True, default=repr)


def _toset(values: list[object]) -> object:
    (value,) = values
    if not isinstance(value, list) or not _known(value):
        return UNKNOWN
    seen: set[object] = set()
    out: list[object] = []
    for item in value:
        key = _hashable(item)
        if key not in seen:
            seen.add(key)
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
    (value,) = values
    if not isinstance(value, list):
        return UNKNOWN
    out: list[object] = []
    stack: list[object] = [iter(value)]
    while stack:  # without recursion: a value may nest as deep as its bound
        current = stack[-1]
        item = next(current, stack)  # type: ignore[call-overload]
        if item is stack:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        else:
            out.append(item)
    return out


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
        return items[index % len(items)] if index >= 0 else UNKNOWN
    return UNKNOWN


def _values(values: list[Any]) -> object:
    (table,) = values
    return [table[k] for k in sorted(table)] if isinstance(table, dict) else UNKNOWN


_VERB = re.compile(r"%(?:%|[-+# 0]*(\d*)(?:\.(\d+))?([a-zA-Z]))")


def _format(values: list[object]) -> object:
    """``format`` for the verbs Python spells the same way (``%s``, ``%d``, ``%f`` with
    width and precision); anything else (``%v``, ``%q``, ``%*d``) is UNKNOWN."""
    pattern, *args = values
    if not isinstance(pattern, str):
        return UNKNOWN
    verbs = [m for m in _VERB.finditer(pattern) if m.group(0) != "%%"]
    if len(verbs) != len(args) or pattern.count("%") != 2 * pattern.count("%%") + len(verbs):
        return UNKNOWN
    for verb in verbs:
        width, precision, letter = verb.groups()
        if letter not in "sdf" or len(width) > 3 or len(precision or "") > 2:
            return UNKNOWN  # no 10-million-character padding from a ten-byte pattern
    return pattern % tuple(
        _text(a) if v.group(3) == "s" else a for v, a in zip(verbs, args, strict=True)
    )


def _tonumber(values: list[object]) -> object:
    (value,) = values
    if _number(value):
        return value
    parsed = number(value.lstrip("-")) if isinstance(value, str) else None
    if not isinstance(parsed, int | float) or not isinstance(value, str):
        return UNKNOWN
    return -parsed if value.startswith("-") else parsed


def _range(values: list[Any]) -> object:
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return UNKNOWN
    return list(range(*values))


def _text(value: object) -> str:
    """A string argument: numbers and bools convert as Terraform converts them."""
    text = _as_text(value)
    if not isinstance(text, str):
        raise TypeError(value)
    return text


def _numbers(values: list[Any]) -> list[int | float]:
    if not values or not all(_number(v) for v in values):
        raise TypeError(values)
    return values


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(value)
    return value


def _jsonencode(values: list[Any]) -> object:
    """As Terraform writes it: keys sorted, no spaces, ``<>&`` escaped for HTML."""
    text = json.dumps(values[0], separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    "compact": _strict(lambda v: [x for x in _list(v[0]) if x not in (None, "")]),
    "contains": _strict(lambda v: v[1] in _list(v[0])),
    "element": _strict(_element),
    "upper": _strict(lambda v: _text(v[0]).upper()),
    "lower": _strict(lambda v: _text(v[0]).lower()),
    "join": _strict(lambda v: _text(v[0]).join(_text(x) for x in _list(v[1]))),
    "split": _strict(lambda v: _text(v[1]).split(_text(v[0]))),
    "replace": _strict(lambda v: _text(v[0]).replace(_text(v[1]), _text(v[2]))),
    "trimspace": _strict(lambda v: _text(v[0]).strip()),
    "min": _strict(lambda v: min(_numbers(v))),
    "max": _strict(lambda v: max(_numbers(v))),
    "abs": _strict(lambda v: abs(_numbers(v)[0])),
    "ceil": _strict(lambda v: math.ceil(_numbers(v)[0])),
    "floor": _strict(lambda v: math.floor(_numbers(v)[0])),
    "tostring": _strict(lambda v: _text(v[0]) if v[0] is not None else None),
    "tonumber": _strict(_tonumber),
    "range": _strict(_range),
    "zipmap": _strict(lambda v: dict(zip((_text(k) for k in v[0]), v[1], strict=True))),
    "slice": _strict(lambda v: _list(v[0])[v[1] : v[2]]),
    "sort": _strict(lambda v: sorted(_text(x) for x in _list(v[0]))),
    "reverse": _strict(lambda v: list(reversed(_list(v[0])))),
    "sum": _strict(lambda v: sum(_numbers(_list(v[0])))),
    "one": _strict(lambda v: v[0][0] if len(v[0]) == 1 else (None if not v[0] else UNKNOWN)),
    "startswith": _strict(lambda v: _text(v[0]).startswith(_text(v[1]))),
    "endswith": _strict(lambda v: _text(v[0]).endswith(_text(v[1]))),
    "format": _strict(_format),
    "jsonencode": _strict(_jsonencode),
}
