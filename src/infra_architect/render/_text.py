"""Untrusted text made inert where it enters a generated document.

Free text from the spec (a description, an owner) is the one kind of value no character
set holds; it reaches the documents through these functions and nowhere else. Markdown
text is escaped for an inline context (a paragraph, a heading, a list item or a table
cell alike), so nothing in it can open a block (a fence, a heading, a quote, a list,
HTML), a code span, a link or emphasis, or end a table cell. Mermaid label text is
escaped for a quoted label, so nothing in it can close the label or start a directive.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff]")
"""What the spec's free text may not hold either (see ``spec._models.TEXT``)."""

_MARKDOWN = str.maketrans(
    {
        "\\": "\\\\",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "&#124;",  # an entity, not \|: a later cell filter would double the backslash
        "`": "&#96;",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "~": "\\~",
        "$": "\\$",  # GitHub renders $...$ as math
    }
)
_BLOCK_START = re.compile(r"^(?:[#=+-]|\d+[.)])")
"""What opens a heading, a setext underline, a list item or an ordered list at the start
of a line (``>``, ``*``, ``|``, backticks and ``<`` are escaped everywhere already)."""


def one_line(text: str) -> str:
    """Whitespace runs (line breaks, tabs, Unicode separators) as one space; control and
    bidirectional-override characters as U+FFFD, so they show instead of acting."""
    return _CONTROL.sub("\ufffd", " ".join(text.split()))


def markdown_inline(text: str) -> str:
    """``text`` as inert Markdown for any inline context."""
    escaped = one_line(text).translate(_MARKDOWN)
    match = _BLOCK_START.match(escaped)
    if match is None:
        return escaped
    end = match.end()
    return f"{escaped[: end - 1]}\\{escaped[end - 1 :]}"


_MERMAID = str.maketrans(
    {
        "#": "#35;",  # first in meaning: Mermaid's entities start with '#'
        '"': "#quot;",  # the one character that closes a quoted label
        "&": "#amp;",
        "<": "#lt;",  # labels are HTML: no tag may open
        ">": "#gt;",
        "`": "#96;",  # "`...`" is Mermaid's Markdown-string syntax
        "%": "#37;",  # %% starts a comment or a %%{init}%% directive
    }
)


def mermaid_label(text: str) -> str:
    """``text`` for the inside of a quoted Mermaid label (``id["..."]``): it cannot close
    the label, end the statement, or carry a line that Mermaid would read as ``click``,
    ``classDef`` or a directive."""
    return one_line(text).translate(_MERMAID)
