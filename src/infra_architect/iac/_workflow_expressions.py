"""GitHub Actions ``${{ }}`` expressions: where they are in a text, and which contexts
flow into their value.

A context flows into the value when its text can end up in it: ``github.head_ref``,
``format('{0}', github.event.issue.title)`` and ``inputs.a || 'x'`` carry their contexts;
``contains(github.event.issue.title, 'x')``, ``github.head_ref == 'main'`` and
``!inputs.debug`` are booleans and carry nothing. Indexes are normalised to ``*``
(``labels[0].name`` and ``labels.*.name`` are one context).

The grammar is the one GitHub documents (literals, contexts with ``.``/``[]``, function
calls, ``! < <= > >= == != && ||`` and parentheses). Text that does not parse yields
every context found in it: a rule that cannot read an expression must not call it safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_OPEN = "${{"
_CLOSE = "}}"


@dataclass(frozen=True)
class Expression:
    """One ``${{ ... }}`` in a text: its inner source and its offset in the text."""

    source: str
    offset: int

    @property
    def text(self) -> str:
        return f"${{{{ {self.source.strip()} }}}}"


def expressions(text: str) -> Iterator[Expression]:
    """Every ``${{ ... }}`` in ``text``; a ``}}`` inside a string literal does not end one."""
    start = text.find(_OPEN)
    while start != -1:
        index, quoted = start + len(_OPEN), False
        while index < len(text):
            if text[index] == "'":
                quoted = not quoted  # '' inside a literal toggles twice: still quoted
            elif not quoted and text.startswith(_CLOSE, index):
                break
            index += 1
        yield Expression(text[start + len(_OPEN) : index], start)
        start = text.find(_OPEN, index + len(_CLOSE))


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
      | (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)
_LITERALS = {"true", "false", "null"}
_NO_FLOW = {"contains", "startswith", "endswith", "success", "always", "cancelled"}
_NO_FLOW |= {"failure", "hashfiles"}
"""Functions whose result is a boolean or a hash: their arguments do not reach it."""


class _UnreadableError(ValueError):
    pass


class _Parser:
    """Recursive descent over the tokens; each rule returns the contexts that flow."""

    def __init__(self, source: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(source):
            if source[position:].strip() == "":
                break
            match = _TOKEN.match(source, position)
            if match is None or match.end() == position:
                raise _UnreadableError(source)
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise _UnreadableError(value or "end")
        self.index += 1
        return token

    def parse(self) -> set[str]:
        flows = self.or_()
        if self.peek()[0] != "end":
            raise _UnreadableError(self.peek()[1])
        return flows

    def or_(self) -> set[str]:
        flows = self.and_()
        while self.peek()[1] == "||":
            self.take()
            flows |= self.and_()  # the value is one operand or the other
        return flows

    def and_(self) -> set[str]:
        flows = self.comparison()
        while self.peek()[1] == "&&":
            self.take()
            flows |= self.comparison()
        return flows

    def comparison(self) -> set[str]:
        flows = self.unary()
        while self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            self.unary()
            flows = set()  # a comparison is a boolean
        return flows

    def unary(self) -> set[str]:
        if self.peek()[1] == "!":
            self.take()
            self.unary()
            return set()
        return self.primary()

    def primary(self) -> set[str]:
        kind, value = self.take()
        if value == "(":
            inner = self.or_()
            self.take(")")
            return self.postfix(inner, None)
        if kind in ("string", "number") or (kind == "name" and value in _LITERALS):
            return set()
        if kind != "name":
            raise _UnreadableError(value)
        if self.peek()[1] == "(":
            self.take("(")
            arguments: set[str] = set()
            while self.peek()[1] != ")":
                arguments |= self.or_()
                if self.peek()[1] == ",":
                    self.take(",")
            self.take(")")
            return self.postfix(set() if value.lower() in _NO_FLOW else arguments, None)
        return self.postfix(set(), value)

    def postfix(self, flows: set[str], path: str | None) -> set[str]:
        """``.name``, ``.*`` and ``[index]`` after a context (or a call's result)."""
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                kind, value = self.take()
                part = "*" if value == "*" else value
                if kind != "name" and value != "*":
                    raise _UnreadableError(value)
            else:
                kind, value = self.peek()
                if kind == "string" and self.tokens[self.index + 1 : self.index + 2] == [
                    ("op", "]")
                ]:
                    part = value[1:-1].replace("''", "'")
                    self.take()
                else:
                    part = "*"
                    self.or_()  # the index picks an element; its own contexts do not flow
                self.take("]")
            if path is not None:
                path = f"{path}.{part}"
        return flows if path is None else flows | {path}


_CONTEXT = re.compile(r"(?<![\w'.-])([A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\*))+)")


def flowing_contexts(source: str) -> set[str]:
    """The contexts whose text can reach the value of ``source`` (a ``${{ }}``'s inside),
    as written (GitHub matches their names case-insensitively)."""
    try:
        return _Parser(source).parse()
    except (_UnreadableError, RecursionError):
        return set(_CONTEXT.findall(source))
