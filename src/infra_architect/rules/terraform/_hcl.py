"""HCL parsed with tree-sitter (the tree-sitter-hcl grammar, compiled C) into the shape
python-hcl2 gives, about ten times faster.

The shape: each block type maps to a list with one entry per block, labels nest as
dictionaries, bodies carry ``__start_line__``/``__end_line__``; literal values are
Python values; a string without interpolation is the plain string; anything else (a
reference, a call, a conditional, a for expression, an interpolated template) is its
source text inside ``${...}`` with runs of whitespace folded, which is what the graph's
evaluator reads. A file with a syntax error raises :class:`HclSyntaxError` naming the
line, so a review can say what it did not read.
"""

from __future__ import annotations

import re
from functools import cache

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser

_SPACE = re.compile(r"\s+")


class HclSyntaxError(ValueError):
    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(f"syntax error at line {line}")


@cache
def parser() -> Parser:
    """The one tree-sitter HCL parser (files here, expressions in ``_expr``)."""
    return Parser(Language(tree_sitter_hcl.language()))


def parse_hcl(text: str) -> dict[str, object]:
    """A Terraform file as python-hcl2 would give it (``with_meta=True``)."""
    source = text.encode("utf-8")
    tree = parser().parse(source)
    root = tree.root_node
    if root.has_error:
        raise HclSyntaxError(_first_error(root))
    body = next((c for c in root.named_children if c.type == "body"), None)
    return _Converter(source).body(body, meta=False) if body is not None else {}


def _first_error(node: Node) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current.start_point[0] + 1
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node.start_point[0] + 1


class _Converter:
    def __init__(self, source: bytes) -> None:
        self.source = source

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8")

    def body(
        self, node: Node | None, *, meta: bool, start: int = 0, end: int = 0
    ) -> dict[str, object]:
        out: dict[str, object] = {}
        for child in node.named_children if node is not None else []:
            if child.type == "attribute":
                name = child.named_children[0]
                value = child.named_children[-1]
                out[self.text(name)] = self.value(value)
            elif child.type == "block":
                self.block(child, out)
        if meta:
            out["__start_line__"] = start
            out["__end_line__"] = end
        return out

    def block(self, node: Node, into: dict[str, object]) -> None:
        children = node.named_children
        kind = self.text(children[0])
        labels = [self.label(c) for c in children[1:] if c.type in ("string_lit", "identifier")]
        inner = next((c for c in children if c.type == "body"), None)
        body: dict[str, object] = self.body(
            inner, meta=True, start=node.start_point[0] + 1, end=node.end_point[0] + 1
        )
        entry: dict[str, object] = body
        for label in reversed(labels):
            entry = {label: entry}
        existing = into.setdefault(kind, [])
        if isinstance(existing, list):
            existing.append(entry)

    def label(self, node: Node) -> str:
        if node.type == "string_lit":
            return "".join(
                self.text(c) for c in node.named_children if c.type == "template_literal"
            )
        return self.text(node)

    def value(self, node: Node) -> object:
        while node.type == "expression" and node.named_child_count == 1:
            node = node.named_children[0]
        kind = node.type
        if kind == "literal_value":
            return self.literal(node.named_children[0])
        if kind == "collection_value":
            collection = node.named_children[0]
            if collection.type == "tuple":
                return [self.value(c) for c in collection.named_children if c.type == "expression"]
            if collection.type == "object":
                return self.mapping(collection)
        if kind == "template_expr":
            template = node.named_children[0]
            if template.type == "quoted_template":
                return self._between_quotes(template)
            if template.type == "heredoc_template":
                return self.heredoc(template)
        if kind == "operation":
            folded = self._negative_number(node)
            if folded is not None:
                return folded
        if kind == "variable_expr":
            return self.text(node)  # a bare word (`type = string`), as python-hcl2 gives it
        return "${" + _SPACE.sub(" ", self.text(node)).strip() + "}"

    def literal(self, node: Node) -> object:
        kind = node.type
        text = self.text(node)
        if kind == "numeric_lit":
            try:
                return int(text)
            except ValueError:
                return float(text)
        if kind == "bool_lit":
            return text == "true"
        if kind == "null_lit":
            return None
        if kind == "string_lit":
            return "".join(
                self.text(c) for c in node.named_children if c.type == "template_literal"
            )
        return "${" + text + "}"

    def mapping(self, node: Node) -> dict[str, object]:
        out: dict[str, object] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            key_node, value_node = element.named_children[0], element.named_children[-1]
            key = self.value(key_node)
            name = key if isinstance(key, str) else self.text(key_node)
            if isinstance(name, str) and name.startswith("${") and name.endswith("}"):
                name = name[2:-1]
            out[name] = self.value(value_node)
        return out

    def _between_quotes(self, template: Node) -> str:
        start = template.children[0].end_byte
        end = template.children[-1].start_byte
        return self.source[start:end].decode("utf-8")

    def heredoc(self, node: Node) -> str:
        raw = self.text(node)
        strip = raw.startswith("<<-")
        first_newline = raw.find("\n")
        lines = raw[first_newline + 1 :].split("\n")[:-1]  # the last line is the marker
        if strip:
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            lines = [x[indent:] for x in lines]
        return "\n".join(lines)

    def _negative_number(self, node: Node) -> object:
        unary = node.named_children[0] if node.named_child_count == 1 else None
        if unary is None or unary.type != "unary_operation":
            return None
        text = self.text(unary).replace(" ", "")
        if re.fullmatch(r"-\d+", text):
            return int(text)
        if re.fullmatch(r"-\d+\.\d+", text):
            return float(text)
        return None
