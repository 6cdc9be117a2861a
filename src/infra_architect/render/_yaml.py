"""YAML built as data and dumped deterministically (never templated text).

PyYAML resolves scalars by YAML 1.1, as Kubernetes (sigs.k8s.io/yaml) and GitHub
Actions read them: strings such as ``on``, ``yes`` or ``0755`` come out quoted.

The text is libyaml's: its C emitter writes it ~5x faster than PyYAML's pure-Python
one, which dominated the time of a large design. A machine without the C extension
(or with a libyaml older than the one the equivalence test ran on) uses
:class:`_LibyamlEmitter`, the pure-Python emitter taught libyaml's few different
choices, so a tree is byte-identical with and without it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml
from yaml.emitter import Emitter, ScalarAnalysis
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

Doc = dict[str, Any]
"""One YAML document as plain data; key order is the order it was built in."""

_BREAKS = "\r\n\x85\u2028\u2029"
"""libyaml's line breaks (PyYAML's leave out ``\\r``, a special character to it)."""
_BLANK_OR_END = " \t\0" + _BREAKS
_FIRST_INDICATORS = "#,[]{}&*!|>'\"%@`"
_FLOW_INDICATORS = ",?[]{}"
_MAX_SIMPLE_KEY_BYTES = 128
_TESTED_LIBYAML = (0, 2, 5)
"""The oldest libyaml whose emitter the pure one copies: emitter.c is unchanged from
0.2.5 to the 0.2.6 the equivalence test ran on; older ones wrote trailing spaces and
document-end markers differently, so they take the pure path."""


def _printable(ch: str) -> bool:
    """libyaml's IS_PRINTABLE: no NEL, nothing beyond the Basic Multilingual Plane (PyYAML
    prints both raw; libyaml escapes them)."""
    return (
        ch == "\n"
        or "\x20" <= ch <= "\x7e"
        or "\xa0" <= ch <= "\ud7ff"
        or ("\ue000" <= ch <= "\ufffd" and ch != "\ufeff")
    )


class _LibyamlEmitter(Emitter):
    """PyYAML's emitter making libyaml's choices (emitter.c, libyaml 0.2.5): which
    scalars are printable and which are line breaks, when a key may be written simple,
    and where a long double-quoted scalar is folded. Everything else already agrees."""

    def analyze_scalar(self, scalar: str) -> ScalarAnalysis:  # noqa: PLR0912, PLR0915  (libyaml's, line by line)
        if not scalar:
            return ScalarAnalysis(
                scalar=scalar,
                empty=True,
                multiline=False,
                allow_flow_plain=False,
                allow_block_plain=True,
                allow_single_quoted=True,
                allow_double_quoted=True,
                allow_block=False,
            )
        block_indicators = flow_indicators = scalar.startswith(("---", "..."))
        line_breaks = special_characters = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        preceded_by_whitespace = True
        last = len(scalar) - 1
        for index, ch in enumerate(scalar):
            followed_by_whitespace = index == last or scalar[index + 1] in _BLANK_OR_END
            if index == 0:
                if ch in _FIRST_INDICATORS:
                    flow_indicators = block_indicators = True
                if ch in "?:":
                    flow_indicators = True
                    block_indicators = block_indicators or followed_by_whitespace
                if ch == "-" and followed_by_whitespace:
                    flow_indicators = block_indicators = True
            else:
                if ch in _FLOW_INDICATORS:
                    flow_indicators = True
                if ch == ":":
                    flow_indicators = True
                    block_indicators = block_indicators or followed_by_whitespace
                if ch == "#" and preceded_by_whitespace:
                    flow_indicators = block_indicators = True
            if not _printable(ch) or (not self.allow_unicode and not ch.isascii()):
                special_characters = True
            if ch == " ":
                leading_space = leading_space or index == 0
                trailing_space = trailing_space or index == last
                break_space = break_space or previous_break
                previous_space, previous_break = True, False
            elif ch in _BREAKS:
                line_breaks = True
                leading_break = leading_break or index == 0
                trailing_break = trailing_break or index == last
                space_break = space_break or previous_space
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_by_whitespace = ch in _BLANK_OR_END
        flow_plain = block_plain = single_quoted = block = True
        if leading_space or leading_break or trailing_space or trailing_break:
            flow_plain = block_plain = False
        if trailing_space:
            block = False
        if break_space:
            flow_plain = block_plain = single_quoted = False
        if space_break or special_characters:
            flow_plain = block_plain = single_quoted = block = False
        if line_breaks:
            flow_plain = block_plain = False
        if flow_indicators:
            flow_plain = False
        if block_indicators:
            block_plain = False
        return ScalarAnalysis(
            scalar=scalar,
            empty=False,
            multiline=line_breaks,
            allow_flow_plain=flow_plain,
            allow_block_plain=block_plain,
            allow_single_quoted=single_quoted,
            allow_double_quoted=True,
            allow_block=block,
        )

    def check_simple_key(self) -> bool:
        """libyaml: an empty scalar may be a simple key; the limit counts UTF-8 bytes of
        what is written (a tag only when it is printed) and admits 128."""
        event = self.event
        length = 0
        if isinstance(event, AliasEvent):
            return True  # aliases are never emitted (ignore_aliases)
        if isinstance(event, ScalarEvent):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            if self.analysis.multiline:
                return False
            length += len(event.value.encode("utf-8"))
            if event.tag is not None and not any(event.implicit):
                length += len(self.prepare_tag(event.tag).encode("utf-8"))
        elif isinstance(event, SequenceStartEvent):
            if not self.check_empty_sequence():
                return False
        elif isinstance(event, MappingStartEvent):
            if not self.check_empty_mapping():
                return False
        else:
            return False
        return length <= _MAX_SIMPLE_KEY_BYTES

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        """libyaml folds a long double-quoted scalar only at a space (PyYAML also after
        an escape)."""
        self.write_indicator('"', need_whitespace=True)
        spaces = False
        last = len(text) - 1
        for index, ch in enumerate(text):
            if not _printable(ch) or ch in _BREAKS or ch in '"\\':
                if ch in self.ESCAPE_REPLACEMENTS:
                    data = "\\" + self.ESCAPE_REPLACEMENTS[ch]
                elif ch <= "\xff":
                    data = f"\\x{ord(ch):02X}"
                elif ch <= "\uffff":
                    data = f"\\u{ord(ch):04X}"
                else:
                    data = f"\\U{ord(ch):08X}"
                self._write(data)
                spaces = False
            elif ch == " ":
                if split and not spaces and self.column > self.best_width and 0 < index < last:
                    self.write_indent()
                    if text[index + 1] == " ":
                        self._write("\\")
                else:
                    self._write(ch)
                spaces = True
            else:
                self._write(ch)
                spaces = False
        self.write_indicator('"', need_whitespace=False)

    # libyaml ends a stream with "..." only after a block scalar kept its trailing line
    # breaks ("|+"), however much follows it; PyYAML forgets that at the next indicator,
    # and also marks a plain root scalar open-ended.
    def write_indicator(
        self,
        indicator: str,
        need_whitespace: bool,
        whitespace: bool = False,
        indention: bool = False,
    ) -> None:
        open_ended = self.open_ended and indicator != "..."
        super().write_indicator(indicator, need_whitespace, whitespace, indention)
        self.open_ended = open_ended

    def write_plain(self, text: str, split: bool = True) -> None:
        open_ended = self.open_ended
        super().write_plain(text, split)
        self.open_ended = open_ended

    def write_literal(self, text: str) -> None:
        super().write_literal(text)
        self.open_ended = self.determine_block_hints(text).endswith("+")

    def write_folded(self, text: str) -> None:
        super().write_folded(text)
        self.open_ended = self.determine_block_hints(text).endswith("+")

    def expect_document_start(self, first: bool = False) -> None:
        starts = isinstance(self.event, yaml.DocumentStartEvent)
        super().expect_document_start(first)
        if starts:
            self.open_ended = False

    def _write(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)


_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
_RESOLVED: dict[str, str] = {}
"""Plain scalar -> the tag YAML 1.1 reads it as: the same few thousand keys and values
recur across the documents of a tree, and each is matched against the resolver's regular
expressions once instead of at every occurrence."""
_RESOLVED_LIMIT = 1 << 16


def _float(value: float) -> str:
    """SafeRepresenter.represent_float's text."""
    if value != value:  # noqa: PLR0124  (NaN)
        return ".nan"
    if value in (math.inf, -math.inf):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _implicit_tag(value: str) -> str:
    """The tag YAML 1.1 reads ``value`` as when written plain (the resolver's answer)."""
    known = _RESOLVED.get(value)
    if known is None:
        known = str(yaml.SafeDumper.resolve(_RESOLVER, yaml.ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]
        if len(_RESOLVED) >= _RESOLVED_LIMIT:
            _RESOLVED.clear()
        _RESOLVED[value] = known
    return known


_RESOLVER = yaml.SafeDumper(io.StringIO())


def _scalar(tag: str, value: str, style: str | None = None) -> ScalarEvent:
    """The event PyYAML's serializer makes of a scalar node: implicit when the plain text
    reads back as ``tag``, and when the quoted text does (strings only)."""
    return ScalarEvent(None, tag, (_implicit_tag(value) == tag, tag == _STR), value, style=style)


def _events(data: object, emit: Callable[[Event], None]) -> None:
    """SafeRepresenter + Serializer for plain data (dict, list, str, int, float, bool,
    None), straight to the emitter's events: the same events, without building a node
    graph, tracking aliases (every value is written out in full: no &anchors / *aliases)
    or resolving a recurring scalar twice at each occurrence."""
    kind = type(data)
    if kind is str:
        text: str = data  # type: ignore[assignment]
        # multi-line strings (scripts) as literal blocks
        emit(_scalar(_STR, text, "|" if "\n" in text else None))
    elif kind is dict:
        items: dict[object, object] = data  # type: ignore[assignment]
        emit(MappingStartEvent(anchor=None, tag=_MAP, implicit=True, flow_style=False))
        for key, value in items.items():
            _events(key, emit)
            _events(value, emit)
        emit(MappingEndEvent())
    elif kind is list:
        values: list[object] = data  # type: ignore[assignment]
        emit(SequenceStartEvent(anchor=None, tag=_SEQ, implicit=True, flow_style=False))
        for value in values:
            _events(value, emit)
        emit(SequenceEndEvent())
    elif kind is bool:
        emit(_scalar(_BOOL, "true" if data else "false"))
    elif kind is int:
        emit(_scalar(_INT, str(data)))
    elif kind is float:
        emit(_scalar(_FLOAT, _float(data)))  # type: ignore[arg-type]
    elif data is None:
        emit(_scalar(_NULL, "null"))
    else:
        raise yaml.representer.RepresenterError(f"cannot represent an object: {data!r}")


class _PureDumper(_LibyamlEmitter, yaml.SafeDumper):
    """yaml.SafeDumper with the libyaml-compatible emitter."""


_CDumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper


def _libyaml_version() -> tuple[int, ...]:
    if not yaml.__with_libyaml__:
        return ()
    from yaml import _yaml  # noqa: PLC0415  (present only with the C extension)

    return tuple(int(part) for part in _yaml.get_version())


_FAST = _libyaml_version() >= _TESTED_LIBYAML
"""libyaml is present and no older than the equivalence was proven on."""


def dump(document: Mapping[str, Any], *, fast: bool = _FAST) -> str:
    """One document, as ``yaml.dump(document, Dumper=SafeDumper, sort_keys=False,
    default_flow_style=False, width=4096, allow_unicode=True)`` writes it."""
    stream = io.StringIO()
    dumper = (_CDumper if fast else _PureDumper)(
        stream, default_flow_style=False, width=4096, allow_unicode=True, sort_keys=False
    )
    dumper.open()
    dumper.emit(DocumentStartEvent(explicit=None, version=None, tags=None))
    _events(dict(document), dumper.emit)
    dumper.emit(DocumentEndEvent(explicit=None))
    dumper.close()
    return stream.getvalue()


def dump_all(documents: Sequence[Mapping[str, Any]]) -> str:
    """Documents separated by ``---``, each in the key order it was built in."""
    return "---\n".join(dump(d) for d in documents)
