"""A small HCL writer whose output is already ``terraform fmt`` clean.

Terraform is built as data (blocks, attributes, values) and printed here, never
templated as text: quoting, escaping and alignment are decided in one place. The
alignment follows hclwrite: the ``=`` of consecutive single-line attributes line up;
a multi-line value, a nested block, a comment or a blank line ends the run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

INDENT = "  "
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_INLINE_LIMIT = 100


@dataclass(frozen=True)
class Expr:
    """A raw HCL expression (a reference, a function call), printed as is."""

    text: str


Value = str | int | float | bool | None | Expr | Sequence["Value"] | Mapping[str, "Value"]


@dataclass(frozen=True)
class Attr:
    name: str
    value: Value


@dataclass(frozen=True)
class Blank:
    """An empty line between groups."""


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: tuple[Item, ...] = field(default_factory=tuple)


Item = Attr | Blank | Comment | Block


_HCL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HCL_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029]|\$\{|%\{')


def _hcl_escape(match: re.Match[str]) -> str:
    found = match.group()
    if found in ("${", "%{"):
        return found[0] + found  # $${ and %%{: a literal marker, never a template
    return _HCL_ESCAPES.get(found, f"\\u{ord(found):04x}")


def quote(text: str) -> str:
    """An HCL string literal of ``text`` exactly: quotes, backslashes and control
    characters escaped, and ``${``/``%{`` doubled so no interpolation or directive runs
    (a spec's ``${file("/etc/passwd")}`` stays those characters)."""
    return f'"{_HCL_SPECIAL.sub(_hcl_escape, text)}"'


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else quote(name)


def _scalar(value: Value) -> str | None:
    if isinstance(value, Expr):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return quote(value)
    return None


def _value_lines(value: Value, depth: int) -> list[str]:
    """The value as lines; the first continues the ``name = `` line."""
    scalar = _scalar(value)
    if scalar is not None:
        return [scalar]
    pad = INDENT * depth
    if isinstance(value, Mapping):
        if not value:
            return ["{}"]
        body = _attribute_lines([Attr(k, v) for k, v in value.items()], depth + 1, keys=True)
        return ["{", *body, pad + "}"]
    if not isinstance(value, Sequence):  # pragma: no cover - _scalar took every other kind
        msg = f"not an HCL value: {value!r}"
        raise TypeError(msg)
    items = list(value)
    if not items:
        return ["[]"]
    inline = [_scalar(v) for v in items]
    if all(s is not None for s in inline):
        text = "[" + ", ".join(s for s in inline if s is not None) + "]"
        if len(text) + len(pad) <= _INLINE_LIMIT:
            return [text]
    lines = ["["]
    inner = INDENT * (depth + 1)
    for item in items:
        sub = _value_lines(item, depth + 1)
        lines.append(inner + sub[0])
        lines.extend(sub[1:])
        lines[-1] += ","
    lines.append(pad + "]")
    return lines


def _attribute_lines(items: Sequence[Item], depth: int, *, keys: bool = False) -> list[str]:
    pad = INDENT * depth
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(n) for n, _ in run), default=0)
        out.extend(f"{pad}{n.ljust(width)} = {v}" for n, v in run)
        run.clear()

    for item in items:
        if isinstance(item, Attr):
            name = _key(item.name) if keys else item.name
            lines = _value_lines(item.value, depth)
            if len(lines) == 1:
                run.append((name, lines[0]))
                continue
            flush()
            out.append(f"{pad}{name} = {lines[0]}")
            out.extend(lines[1:])
        elif isinstance(item, Blank):
            flush()
            out.append("")
        elif isinstance(item, Comment):
            flush()
            # One comment line per line of text: a line break must not end the comment.
            out.extend(f"{pad}# {line}".rstrip() for line in item.text.splitlines() or [""])
        else:
            flush()
            out.extend(_block_lines(item, depth))
    flush()
    return out


def _block_lines(block: Block, depth: int) -> list[str]:
    pad = INDENT * depth
    head = " ".join([block.type, *(quote(label) for label in block.labels)])
    if not block.body:
        return [f"{pad}{head} {{}}"]
    return [f"{pad}{head} {{", *_attribute_lines(block.body, depth + 1), f"{pad}}}"]


def render_hcl(items: Sequence[Item]) -> str:
    """A whole file: top-level blocks separated by one blank line."""
    return "\n".join(_attribute_lines(items, 0)).rstrip("\n") + "\n"


def blocks(*parts: Block) -> list[Item]:
    """Top-level blocks with the blank line ``terraform fmt`` expects between them."""
    out: list[Item] = []
    for part in parts:
        if out:
            out.append(Blank())
        out.append(part)
    return out
