"""Text from untrusted input (a reviewed repository, a cost export, a spec), made safe to
show. File names, resource names, tool messages and the values a finding quotes come from
input nobody vetted: in a terminal they must not move the cursor, retitle the window or
hide text (control characters, bidirectional overrides), in Rich they must not be markup,
in Markdown they must not open a code block, a table cell, a link or HTML, in SARIF a file
name must stay one URI."""

from __future__ import annotations

import re
from urllib.parse import quote


def printable(text: str, *, newlines: bool = False) -> str:
    """Every character that is not printable (controls, ESC, C1, bidi overrides, line
    separators, unassigned) shown as its escape: ``\\x1b``, ``\\u202e``. Space stays, and
    with ``newlines`` so does ``\\n`` (a message of several lines)."""
    if text.isprintable():
        return text
    if newlines:
        return "\n".join(printable(line) for line in text.split("\n"))
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(character: str) -> str:
    code = ord(character)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# start structure mid-line: emphasis, code, links/images, HTML, entities, table cells,
# strikethrough, GitHub math.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$!#])")


def markdown_text(text: str) -> str:
    """Untrusted text as inert Markdown inline text (also safe in a table cell)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(text))


def markdown_code(text: str, *, cell: bool = False) -> str:
    """Untrusted text as a Markdown code span (a file name, an address): the fence is
    longer than any run of backticks inside; in a table ``cell`` pipes are escaped too
    (GFM splits cells before it parses code spans)."""
    shown = printable(text)
    if cell:
        shown = shown.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def sarif_uri(path: str) -> str:
    """A relative file path as a URI reference: every character outside the unreserved
    set and ``/`` percent-encoded (``#``, ``?``, ``%``, spaces, controls)."""
    return quote(path, safe="/-._~")
