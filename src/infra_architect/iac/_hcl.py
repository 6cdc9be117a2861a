"""HCL parsed with tree-sitter (the tree-sitter-hcl grammar, compiled C) into the shape
python-hcl2 gives, about ten times faster.

The shape: each block type maps to a list with one entry per block, labels nest as
dictionaries, bodies carry ``__start_line__``/``__end_line__``; literal values are
Python values; a string without interpolation is the plain string (its escapes decoded,
``$${`` and ``%%{`` kept as written so it still reads as a literal); anything else (a
reference, a call, a conditional, a for expression, an interpolated template) is its
source text inside ``${...}``, which is what the graph's evaluator reads. A file with a
syntax error raises :class:`HclSyntaxError` naming the line, so a review can say what
it did not read.

Where the grammar and Terraform disagree, Terraform wins: the grammar reads an exponent
only after a fraction (``1.5e3``, not ``1e3``), so a literal like ``1e3`` is rewritten
``1.0e3`` (same value, same line) and the text parsed again. Nesting deeper than
:data:`MAX_NESTING` is not converted (Python's stack is finite; no real configuration
nests that deep): a value there reads as its source text (the evaluator's bounds make
it unknown), a block is left out, and :attr:`Parsed.notes` says so with the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser, Tree

from infra_architect.iac._tf_values import Unknown, number

_SPACE = re.compile(r"\s+")
_EXPONENT = re.compile(rb"(?<![\w.])[0-9]+(?=[eE][-+]?[0-9])")
"""Digits right before an exponent, not part of a word or a fraction: where a number
may stop early (the tree decides whether it is one)."""
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
MAX_NESTING = 48
"""Blocks and values nested in one another, counted together."""
_REPAIR_PASSES = 8
_MAX_NOTES = 20


class HclSyntaxError(ValueError):
    def __init__(self, line: int, reason: str = "syntax error") -> None:
        self.line = line
        super().__init__(f"{reason} at line {line}")


@dataclass(frozen=True)
class Parsed:
    """A file in python-hcl2's shape, and what of it was left unconverted (by line)."""

    document: dict[str, object]
    notes: tuple[str, ...] = ()


@cache
def parser() -> Parser:
    """The one tree-sitter HCL parser (files here, expressions in ``_expr``)."""
    return Parser(Language(tree_sitter_hcl.language()))


def parse_source(source: bytes) -> tuple[bytes, Tree]:
    """Parse HCL, rewriting what Terraform accepts and the grammar does not (exponents
    without a fraction); returns the text actually parsed with its tree.

    The grammar stops ``1e3`` after the ``1``. Usually that is a syntax error, but before
    a block (``a = 1e3`` then ``resource "x" "y" {``) it reads ``e3`` as a block type and
    the resource as its labels: no error, and the resource gone. So every number that
    the tree ends right before an exponent is repaired, error or not."""
    tree = parser().parse(source)
    for _ in range(_REPAIR_PASSES):
        cuts = [
            match.end()
            for match in _EXPONENT.finditer(source)
            if _number_ends_at(tree.root_node, match.start(), match.end())
        ]
        if not cuts:
            break
        source = _insert_fractions(source, cuts)
        tree = parser().parse(source)
    return source, tree


def _number_ends_at(root: Node, start: int, end: int) -> bool:
    node = root.descendant_for_byte_range(start, end)
    return node is not None and node.type == "numeric_lit" and node.end_byte == end


def _insert_fractions(source: bytes, cuts: list[int]) -> bytes:
    """``1e3`` → ``1.0e3`` at each cut (same value, same lines)."""
    pieces, start = [], 0
    for cut in cuts:
        pieces += [source[start:cut], b".0"]
        start = cut
    pieces.append(source[start:])
    return b"".join(pieces)


def parse_hcl(text: str) -> dict[str, object]:
    """A Terraform file as python-hcl2 would give it (``with_meta=True``)."""
    return read_hcl(text).document


def read_hcl(text: str) -> Parsed:
    """A Terraform file in python-hcl2's shape, with notes on what nested too deep."""
    source, tree = parse_source(text.encode("utf-8"))
    root = tree.root_node
    if root.has_error:
        raise HclSyntaxError(_first_error(root))
    body = next((c for c in root.named_children if c.type == "body"), None)
    converter = _Converter(source)
    document = converter.body(body, meta=False, depth=0) if body is not None else {}
    return Parsed(document, tuple(converter.notes))


def _first_error(node: Node) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current.start_point[0] + 1
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node.start_point[0] + 1


def decode_escapes(text: str) -> str:
    """The value of a quoted string's literal text: ``\\n``, ``\\"``, ``\\u00e9`` ...
    decoded (``$${`` and ``%%{`` are the template's business, left alone)."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = match.group(0)[1:]
    if code[0] in "uU" and len(code) > 1:
        point = int(code[1:], 16)
        return chr(point) if point <= 0x10FFFF else match.group(0)
    return _SIMPLE_ESCAPES.get(code, match.group(0))


class _Converter:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.notes: list[str] = []

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8")

    def _too_deep(self, node: Node, depth: int, what: str) -> bool:
        if depth <= MAX_NESTING:
            return False
        if len(self.notes) < _MAX_NOTES:
            line = node.start_point[0] + 1
            self.notes.append(f"line {line}: {what}")
        return True

    def body(
        self, node: Node | None, *, meta: bool, depth: int, start: int = 0, end: int = 0
    ) -> dict[str, object]:
        out: dict[str, object] = {}
        for child in node.named_children if node is not None else []:
            if child.type == "attribute":
                name = child.named_children[0]
                value = child.named_children[-1]
                out[self.text(name)] = self.value(value, depth + 1)
            elif child.type == "block":
                self.block(child, out, depth + 1)
        if meta:
            out["__start_line__"] = start
            out["__end_line__"] = end
        return out

    def block(self, node: Node, into: dict[str, object], depth: int) -> None:
        if self._too_deep(
            node, depth, f"a block nested deeper than {MAX_NESTING} levels (left out)"
        ):
            return
        children = node.named_children
        kind = self.text(children[0])
        labels = [self.label(c) for c in children[1:] if c.type in ("string_lit", "identifier")]
        inner = next((c for c in children if c.type == "body"), None)
        body: dict[str, object] = self.body(
            inner,
            meta=True,
            depth=depth,
            start=node.start_point[0] + 1,
            end=node.end_point[0] + 1,
        )
        entry: dict[str, object] = body
        for label in reversed(labels):
            entry = {label: entry}
        existing = into.setdefault(kind, [])
        if isinstance(existing, list):
            existing.append(entry)

    def label(self, node: Node) -> str:
        return (
            decode_escapes(self.between_quotes(node))
            if node.type == "string_lit"
            else self.text(node)
        )

    def between_quotes(self, node: Node) -> str:
        """A string's source without its quotes (its literal parts alone would lose the
        spaces next to the quotes: the grammar leaves them out of the parts)."""
        return self.source[node.children[0].end_byte : node.children[-1].start_byte].decode("utf-8")

    def value(self, node: Node, depth: int) -> object:
        while node.type == "expression" and node.named_child_count == 1:
            node = node.named_children[0]
        if self._too_deep(
            node, depth, f"a value nested deeper than {MAX_NESTING} levels (unknown)"
        ):
            return "${" + self.text(node) + "}"
        kind = node.type
        if kind == "literal_value":
            return self.literal(node.named_children[0])
        if kind == "collection_value":
            collection = node.named_children[0]
            if collection.type == "tuple":
                return [
                    self.value(c, depth + 1)
                    for c in collection.named_children
                    if c.type == "expression"
                ]
            if collection.type == "object":
                return self.mapping(collection, depth + 1)
        if kind == "template_expr":
            template = node.named_children[0]
            if template.type == "quoted_template":
                return self._quoted(template)
            if template.type == "heredoc_template":
                return self.heredoc(template)
        if kind == "operation":
            folded = self._negative_number(node)
            if folded is not None:
                return folded
        if kind == "variable_expr":
            return self.text(node)  # a bare word (`type = string`), as python-hcl2 gives it
        return "${" + self.expression_text(node) + "}"

    def expression_text(self, node: Node) -> str:
        """The source of an expression; runs of whitespace folded where that cannot
        change it (no string, heredoc or comment inside)."""
        text = self.text(node)
        if any(mark in text for mark in ('"', "<<", "#", "/")):
            return text
        return _SPACE.sub(" ", text).strip()

    def literal(self, node: Node) -> object:
        kind = node.type
        text = self.text(node)
        if kind == "numeric_lit":
            value = number(text)
            if value is None:  # the grammar admits 0x1F; Terraform does not
                raise HclSyntaxError(node.start_point[0] + 1, f"not a number ({text[:20]})")
            return "${" + text + "}" if isinstance(value, Unknown) else value
        if kind == "bool_lit":
            return text == "true"
        if kind == "null_lit":
            return None
        if kind == "string_lit":
            return decode_escapes(self.between_quotes(node))
        return "${" + text + "}"

    def mapping(self, node: Node, depth: int) -> dict[str, object]:
        out: dict[str, object] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            key_node, value_node = element.named_children[0], element.named_children[-1]
            key = self.value(key_node, depth + 1)
            name = key if isinstance(key, str) else self.text(key_node)
            if isinstance(name, str) and name.startswith("${") and name.endswith("}"):
                name = name[2:-1]
            out[name] = self.value(value_node, depth + 1)
        return out

    def _quoted(self, template: Node) -> str:
        """A quoted string: decoded when it is a plain literal, its source between the
        quotes when it interpolates (the evaluator reads that)."""
        raw = self.between_quotes(template)
        plain = all(c.type == "template_literal" for c in template.named_children[1:-1])
        return decode_escapes(raw) if plain else raw

    def heredoc(self, node: Node) -> str:
        """A heredoc's text as Terraform reads it: the lines between the markers, each
        with its newline; ``<<-`` removes the smallest indentation of the lines that
        are not blank (blank lines stay as written)."""
        raw = self.text(node)
        first_newline = raw.find("\n")
        lines = raw[first_newline + 1 :].split("\n")[:-1]  # the last line is the marker
        if raw.startswith("<<-"):
            indent = min((len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()), default=0)
            lines = [x[indent:] if x.strip() else x for x in lines]
        return "".join(f"{line}\n" for line in lines)

    def _negative_number(self, node: Node) -> object:
        unary = node.named_children[0] if node.named_child_count == 1 else None
        if unary is None or unary.type != "unary_operation":
            return None
        text = self.text(unary).replace(" ", "")
        if not text.startswith("-"):
            return None
        value = number(text[1:])
        return None if value is None or isinstance(value, Unknown) else -value
