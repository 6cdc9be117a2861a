"""Map a field path (pydantic's ``loc``) to a line and column in the YAML source."""

from __future__ import annotations

from collections.abc import Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq

Loc = tuple[str | int, ...]


def format_path(loc: Sequence[str | int]) -> str:
    """``('system', 'services', 2, 'calls', 0)`` -> ``system.services[2].calls[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def locate(document: object, loc: Sequence[str | int]) -> tuple[int | None, int | None]:
    """1-based line and column of the deepest node of ``loc`` present in ``document``.

    A missing key points at the mapping that should hold it, so the user lands where
    the fix goes.
    """
    position: tuple[int, int] | None = _start_of(document)
    node: object = document
    for part in loc:
        found = _child(node, part)
        if found is None:
            break
        node, child_position = found
        if child_position is not None:
            position = child_position
    if position is None:
        return None, None
    return position[0] + 1, position[1] + 1


def _start_of(node: object) -> tuple[int, int] | None:
    if isinstance(node, CommentedMap | CommentedSeq):
        line, col = node.lc.line, node.lc.col
        if isinstance(line, int) and isinstance(col, int):
            return line, col
    return None


def _child(node: object, part: str | int) -> tuple[object, tuple[int, int] | None] | None:
    if isinstance(node, CommentedMap):
        key = _matching_key(node, part)
        if key is _ABSENT:
            return None
        return node[key], _lc_pair(node.lc.data.get(key))
    if isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
        return node[part], _lc_pair(node.lc.data.get(part))
    return None


_ABSENT = object()


def _matching_key(node: CommentedMap, part: str | int) -> object:
    if part in node:
        return part
    # the loader hands non-string keys (``1: x``, ``true: x``) to validation as their text
    for key in node:
        if key_text(key) == str(part):
            return key
    return _ABSENT


def key_text(key: object) -> str:
    """A mapping key as text, spelled as YAML spells it (``true``, ``null``, ``1``)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _lc_pair(data: object) -> tuple[int, int] | None:
    if isinstance(data, list | tuple) and len(data) >= 2:
        line, col = data[0], data[1]
        if isinstance(line, int) and isinstance(col, int):
            return line, col
    return None
