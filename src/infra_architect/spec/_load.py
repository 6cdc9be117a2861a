"""Read a requirements spec from disk and turn it into :class:`Requirements`.

Stages, each of which can only fail with :class:`SpecError` (never a traceback):
file checks -> decoding -> YAML (round-trip, so lines are known and answers can be
written back with comments intact) -> shape (pydantic) -> meaning (``_semantic``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, StreamMark, YAMLError, YAMLWarning
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scanner import RoundTripScanner

from infra_architect._io import UnreadableFileError, read_input
from infra_architect.errors import Problem, SpecError
from infra_architect.spec._locate import Loc, format_path, key_text, locate
from infra_architect.spec._models import API_VERSION, KIND, Requirements, charset_for
from infra_architect.spec._questions import MissingInputsError, Question, find_missing
from infra_architect.spec._semantic import check_semantics

MAX_SPEC_BYTES = 256 * 1024
"""A requirements spec is a few kilobytes (the scaling benchmark's 500 services take 111
KiB); anything past 256 KiB is not one. The bound also bounds parsing: the pure-Python YAML
reader takes about 1 s per 100 KiB of the densest YAML."""

MAX_EXPANDED_NODES = 100_000
"""Bounds YAML alias expansion ("billion laughs") before validation walks the tree."""

MAX_DEPTH = 16
"""A spec nests seven levels at most (``system.services[0].calls[0].service``); past
this it is not one. Flow collections are bounded while scanning (see _SpecScanner)."""

MAX_NUMBER_CHARS = 100
"""The longest number a spec may spell. Python refuses to convert integers of more than
4,300 digits; no figure in a spec needs more than a few."""

YAML_VERSIONS = ("1.1", "1.2")
"""The ``%YAML`` directives the reader understands (it reads 1.2 when none is given)."""

INIT_HINT = "run `infra-architect init` to write one, or start from a file in examples/"


@dataclass(frozen=True)
class SpecDocument:
    """A parsed spec file: the round-trip YAML tree plus where it came from."""

    source: str
    tree: CommentedMap


def read_document(path: Path) -> SpecDocument:
    """Read and parse ``path``; raise :class:`SpecError` for anything that is not a spec."""
    source = str(path)
    data = _read_bytes(path, source)
    text = _decode(data, source)
    return parse_document(text, source)


def parse_document(text: str, source: str) -> SpecDocument:
    """Parse spec text (already decoded) into a round-trip tree."""
    if not text.strip():
        raise _one(
            source,
            "the file is empty",
            f"a spec starts with `apiVersion: {API_VERSION}`; " + INIT_HINT,
        )
    _check_directives(text, source)
    documents = _parse_yaml(text, source)
    if not documents or all(doc is None for doc in documents):
        raise _one(source, "the file holds only comments, no spec", INIT_HINT)
    if len(documents) > 1:
        raise _one(
            source,
            f"the file holds {len(documents)} YAML documents; a spec is exactly one",
            "split it: one Requirements document per file",
        )
    tree = documents[0]
    _check_size(tree, source)
    if not isinstance(tree, CommentedMap):
        kind = type(_to_plain(tree)).__name__
        raise _one(
            source,
            f"the top level is a {kind}, not a mapping",
            f"a spec is a mapping that starts with `apiVersion: {API_VERSION}` and `kind: {KIND}`",
            line=1,
        )
    _check_header(tree, source)
    return SpecDocument(source=source, tree=tree)


def missing_inputs(document: SpecDocument) -> list[Question]:
    """The required inputs the document does not answer yet."""
    return find_missing(document.tree)


def validate_document(
    document: SpecDocument,
    known_regions: Collection[str],
    *,
    ignore: Collection[Question] = (),
) -> Requirements:
    """Validate shape and meaning; raise :class:`SpecError` listing every problem.

    ``ignore`` lists unanswered questions whose "missing" errors are reported
    separately (as questions), so the same gap is not reported twice.
    """
    plain = _to_plain(document.tree)
    skipped = {q.path for q in ignore}
    try:
        requirements = Requirements.model_validate(plain)
    except ValidationError as exc:
        problems = [
            _problem_from_error(err, document)
            for err in exc.errors(include_url=False)
            if not _answered_elsewhere(err, skipped)
        ]
        if problems:
            raise SpecError(document.source, problems) from None
        raise MissingInputsError(document.source, list(ignore)) from None
    semantic = [
        Problem(format_path(issue.loc), issue.message, issue.fix, *locate(document.tree, issue.loc))
        for issue in check_semantics(requirements, known_regions)
    ]
    if semantic:
        raise SpecError(document.source, semantic)
    return requirements


def load_requirements(path: Path, known_regions: Collection[str]) -> Requirements:
    """Read, check and validate a spec non-interactively.

    Unanswered required inputs raise :class:`MissingInputsError` listing the questions.
    """
    document = read_document(path)
    questions = missing_inputs(document)
    requirements = validate_document(document, known_regions, ignore=questions)
    if questions:
        raise MissingInputsError(document.source, questions)
    return requirements


# --- file and text ---------------------------------------------------------------------


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        if path.is_dir():
            candidates = sorted(p.name for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
            hint = (
                f"pass one of its YAML files, e.g. {path / candidates[0]}"
                if candidates
                else "pass the spec file itself, not the directory that holds it"
            )
            raise _one(source, "this is a directory, not a spec file", hint)
        if not path.exists():
            raise _one(source, "no such file", f"check the path; {INIT_HINT}")
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise _one(
                source,
                f"the file is {size / 1024 / 1024:.1f} MiB; a requirements spec is a few KiB "
                f"(limit {MAX_SPEC_BYTES // 1024} KiB)",
                "pass the requirements spec, not a data file or archive",
            )
        # a pipe or a device named like a spec would block or never end: never read
        return read_input(path, MAX_SPEC_BYTES + 1)
    except UnreadableFileError as exc:
        raise _one(source, exc.reason, "pass the requirements spec (a regular YAML file)") from None
    except PermissionError:
        raise _one(source, "permission denied", "make the file readable") from None
    except OSError as exc:
        raise _one(source, f"cannot be read ({exc.strerror})", "check the path") from None


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_SPEC_BYTES:
        raise _one(
            source,
            "the file grew past the size limit while being read",
            "pass the requirements spec, not a stream",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _one(
            source,
            f"binary content (a NUL byte at offset {nul}); this is not a YAML text file",
            "pass the requirements spec (UTF-8 YAML)",
            line=data.count(b"\n", 0, nul) + 1,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _one(
            source,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            "save the file as UTF-8",
            line=line,
        ) from None


def _parse_yaml(text: str, source: str) -> list[Any]:
    yaml = YAML(typ="rt", pure=True)
    yaml.Scanner = _SpecScanner
    yaml.Constructor = _SpecConstructor
    yaml.allow_duplicate_keys = False
    try:
        with warnings.catch_warnings():
            # what the reader only warns about reads as YAML 1.2 would: an anchor defined
            # again applies from there on; 1e-9 under %YAML 1.1 is the number it looks
            # like. Printed, the warnings were a page of advice addressed to programmers.
            warnings.simplefilter("ignore", YAMLWarning)
            return list(yaml.load_all(text))
    except _UnreadableValueError as exc:
        mark = exc.problem_mark
        raise _one(
            source,
            exc.problem or "this value cannot be read",
            exc.fix,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").strip()
        context = f" ({exc.context.strip()})" if exc.context else ""
        fix = "fix the YAML syntax at that position (indentation, a missing ':' or quote)"
        if "duplicate key" in problem or "found duplicate key" in str(exc):
            fix = "remove or rename the repeated key; each key may appear once per mapping"
            problem = str(exc.problem or "duplicate key").split("\n")[0]
        raise _one(
            source,
            f"malformed YAML: {problem}{context}",
            fix,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        ) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
        raise _one(source, f"malformed YAML: {first}", "fix the YAML syntax") from None
    except RecursionError:
        raise _too_deep(source) from None
    except (ValueError, TypeError, KeyError, AttributeError, AssertionError, IndexError) as exc:
        # The YAML library's own failures on odd input (it asserts, or trips over what it
        # built); _SpecConstructor locates the known ones, this keeps any other to exit 2.
        raise _one(
            source,
            f"the YAML cannot be read ({type(exc).__name__}: {exc})",
            "write the spec as plain YAML: mappings, lists, text, numbers, true/false",
        ) from None


_CORE = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_PLAIN_TEXT_TAGS = frozenset((_CORE + "merge", _CORE + "value"))
"""``<<`` and ``=`` written as a value (not a key) are just text."""


class _UnreadableValueError(ConstructorError):
    """A located value the spec cannot hold, with the fix to show beside it."""

    def __init__(self, problem: str, fix: str, mark: StreamMark | None) -> None:
        super().__init__(None, None, problem, mark)
        self.fix = fix


class _SpecScanner(RoundTripScanner):
    """Round-trip scanning with flow collections nested at most :data:`MAX_DEPTH` deep.

    The scanner keeps one possible simple key per open flow collection and checks all
    of them at every token, so its work grows with the square of the nesting: 400 KiB
    of ``[[[...`` took 15 s. It stops at the first collection past the bound instead."""

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:  # noqa: ANN401, N803  (ruamel's signature)
        if self.flow_level >= MAX_DEPTH:
            raise _UnreadableValueError(
                "the YAML is nested too deeply to be a spec",
                "flatten the structure; a spec nests a few levels at most",
                self.reader.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass, to_push)


class _SpecConstructor(RoundTripConstructor):
    """Round-trip construction of what a spec is made of: YAML's core types only.

    Other tags (``!!python/object``, ``!!binary``, ``!!set``, ``!!omap``, ``!custom``)
    name types no spec field holds, so they are refused where they are written instead
    of reaching validation as a stringified object; numbers too long to convert and
    merge keys that merge a mapping into itself are refused here as well, with their line.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:  # noqa: ANN401  (any YAML value)
        tag = str(node.tag)
        if tag in _PLAIN_TEXT_TAGS and isinstance(node, ScalarNode):
            return str(node.value)
        if tag not in _CORE_TAGS:
            raise _UnreadableValueError(
                f"the YAML tag {_short_tag(tag)} is not used in a spec",
                "remove the tag: a spec holds plain text, numbers, true/false, lists and mappings",
                node.start_mark,
            )
        if (
            isinstance(node, ScalarNode)
            and tag in (_CORE + "int", _CORE + "float")
            and len(str(node.value)) > MAX_NUMBER_CHARS
        ):
            raise _UnreadableValueError(
                f"a number written with {len(str(node.value)):,} characters",
                f"write a number of at most {MAX_NUMBER_CHARS} characters; the field's "
                "range is far smaller",
                node.start_mark,
            )
        try:
            return super().construct_object(node, deep=deep)
        except YAMLError:
            raise
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            # an explicit tag the value does not fit: `!!int abc`, `!!bool maybe`
            shown = _show(str(node.value)) if isinstance(node, ScalarNode) else "this value"
            raise _UnreadableValueError(
                f"{shown} cannot be read as {_short_tag(tag)} ({type(exc).__name__})",
                f"remove the {_short_tag(tag)} tag, or write a value of that type",
                node.start_mark,
            ) from None

    def flatten_mapping(self, node: MappingNode) -> Any:  # noqa: ANN401  (ruamel's merge list)
        for key_node, value_node in node.value:
            if str(key_node.tag) != _CORE + "merge":
                continue
            merged = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            # a mapping still being built is the one holding this key, or one around it
            if any(m in self.recursive_objects for m in merged):
                raise _UnreadableValueError(
                    "the merge key `<<` merges a mapping into itself",
                    "merge a separate anchored mapping, or write the keys out",
                    key_node.start_mark,
                )
        return super().flatten_mapping(node)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _check_directives(text: str, source: str) -> None:
    """Refuse ``%YAML`` versions the reader would assert on instead of reporting."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("%YAML"):
            continue
        version = line.removeprefix("%YAML").split("#", 1)[0].strip()
        major, _, minor = version.partition(".")
        if (major.lstrip("0"), minor.lstrip("0")) not in (("1", "1"), ("1", "2")):
            raise _one(
                source,
                f"%YAML {_show(version) if len(version) > 60 else version} is not a YAML "
                f"version this tool reads ({' or '.join(YAML_VERSIONS)})",
                "remove the %YAML line (a spec is read as YAML 1.2) or write `%YAML 1.2`",
                line=number,
                column=1,
            )


def _too_deep(source: str, *, line: int | None = None, column: int | None = None) -> SpecError:
    return _one(
        source,
        "the YAML is nested too deeply to be a spec",
        "flatten the structure; a spec nests a few levels at most",
        line=line,
        column=column,
    )


def _check_size(tree: object, source: str) -> None:
    """Reject documents whose alias-expanded size (or alias cycles) would blow up, and
    keys that are lists or mappings (a spec's keys are field names)."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: object, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        line, column = locate(node, ())
        if key in in_progress:
            raise _one(
                source,
                "the YAML refers to itself through an alias (a cycle)",
                "remove the recursive anchor/alias",
                line=line,
                column=column,
            )
        if depth > MAX_DEPTH:
            raise _too_deep(source, line=line, column=column)
        in_progress.add(key)
        if isinstance(node, dict):
            _check_keys(node, source)
        children = list(node.values()) if isinstance(node, dict) else node
        total = 1 + sum(size(child, depth + 1) for child in children)
        in_progress.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise _one(
                source,
                f"the YAML holds more than {MAX_EXPANDED_NODES:,} values once aliases "
                "are expanded; a spec holds a few hundred",
                "pass the requirements spec; write it without nested aliases",
                line=line,
                column=column,
            )
        sizes[key] = total
        return total

    size(tree, 0)


def _check_keys(mapping: dict[Any, Any], source: str) -> None:
    for key in mapping:
        if isinstance(key, str | int | float | bool | dt.date) or key is None:
            continue
        line, column = (None, None)
        if isinstance(mapping, CommentedMap):
            position = mapping.lc.data.get(key)
            if isinstance(position, list) and len(position) >= 2:
                line, column = position[0] + 1, position[1] + 1
        kind = "mapping" if isinstance(key, Mapping) else "list"
        raise _one(
            source,
            f"a {kind} is used as a key (`? ...` complex key); a spec's keys are field names",
            "write the field name as the key, e.g. `name: checkout`",
            line=line,
            column=column,
        )


def _check_header(tree: CommentedMap, source: str) -> None:
    problems: list[Problem] = []
    for key, expected in (("apiVersion", API_VERSION), ("kind", KIND)):
        value = tree.get(key)
        line, column = locate(tree, (key,))
        if key not in tree:
            problems.append(
                Problem(key, "is missing", f"add `{key}: {expected}` at the top", line=1, column=1)
            )
        elif value != expected:
            problems.append(
                Problem(
                    key,
                    f"{_show(value)} is not supported",
                    f"this version reads `{key}: {expected}`",
                    line=line,
                    column=column,
                )
            )
    if problems:
        raise SpecError(source, problems)


def _to_plain(node: object) -> object:
    """Round-trip YAML nodes -> plain Python, so validation sees only YAML's own types."""
    if isinstance(node, ScalarBoolean):
        return bool(node)
    if isinstance(node, dict):
        return {_plain_key(k): _to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.date | dt.datetime):
        return node.isoformat()
    return str(node)


def _plain_key(key: object) -> str:
    """Keys are field names: ``1:``, ``true:`` or ``null:`` become their text, so
    validation reports them as unknown keys (with the valid ones) at their line."""
    return key_text(_to_plain(key))


# --- pydantic errors -> problems ---------------------------------------------------------


def _answered_elsewhere(err: ErrorDetails, questions: set[tuple[str, ...]]) -> bool:
    if err["type"] != "missing" and err["type"] != "too_short":
        return False
    loc = tuple(str(p) for p in err["loc"])
    return any(loc[: len(q)] == q or q[: len(loc)] == loc for q in questions)


def _problem_from_error(err: ErrorDetails, document: SpecDocument) -> Problem:
    loc: Loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
    line, column = locate(document.tree, loc)
    field_info, parent = _field_at(loc)
    message, fix = _explain(err, loc, field_info, parent)
    return Problem(format_path(loc), message, fix, line=line, column=column)


@dataclass(frozen=True)
class _ErrorContext:
    """What a handler needs to explain one pydantic error in the user's terms."""

    value: object
    ctx: dict[str, Any]
    name: str
    about: str
    example: str | None
    parent: type[BaseModel] | None
    message: str


def _explain(
    err: ErrorDetails,
    loc: Loc,
    field_info: FieldInfo | None,
    parent: type[BaseModel] | None,
) -> tuple[str, str]:
    context = _ErrorContext(
        value=err.get("input"),
        ctx=dict(err.get("ctx") or {}),
        name=str(loc[-1]) if loc else "value",
        about=f" ({field_info.description})" if field_info and field_info.description else "",
        example=_example(field_info),
        parent=parent,
        message=err["msg"],
    )
    handler = _HANDLERS.get(err["type"])
    if handler is None:
        return f"{_show(context.value)}: {context.message}", f"correct the value{context.about}"
    return handler(context)


def _missing(c: _ErrorContext) -> tuple[str, str]:
    return "is missing", f"add `{c.name}: {c.example or '...'}`{c.about}"


def _unknown_key(c: _ErrorContext) -> tuple[str, str]:
    allowed = _allowed_keys(c.parent)
    close = difflib.get_close_matches(c.name, allowed, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return (
        f"unknown key `{c.name}`",
        f"{hint}valid keys here: {', '.join(allowed)}" if allowed else "remove it",
    )


_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _bound(kind: str) -> Callable[[_ErrorContext], tuple[str, str]]:
    key, words = _BOUNDS[kind]

    def explain(c: _ErrorContext) -> tuple[str, str]:
        bound = c.ctx.get(key)
        shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"{_show(c.value)} is out of range", f"use a value {words} {shown}{c.about}"

    return explain


def _not_allowed(c: _ErrorContext) -> tuple[str, str]:
    expected = str(c.ctx.get("expected", ""))
    options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",")]
    options = [o for o in options if o]
    close = difflib.get_close_matches(str(c.value), options, n=1, cutoff=0.5)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return f"{_show(c.value)} is not allowed", f"{hint}use one of: {', '.join(options)}"


def _pattern(c: _ErrorContext) -> tuple[str, str]:
    # The charset says what the value must be and which characters it may hold: these
    # values reach generated scripts, so the set is strict and the message spells it out.
    charset = charset_for(str(c.ctx.get("pattern", "")))
    if charset is None:
        return f"{_show(c.value)} does not match {c.ctx.get('pattern')}", f"correct it{c.about}"
    return (
        f"{_show(c.value)} is not {charset.what}",
        f"use {charset.allowed} (e.g. `{charset.example}`)",
    )


def _not_number(c: _ErrorContext) -> tuple[str, str]:
    return f"{_show(c.value)} is not a number", f"write a plain number{_eg(c.example)}{c.about}"


def _not_whole(c: _ErrorContext) -> tuple[str, str]:
    return (
        f"{_show(c.value)} is not a whole number",
        f"write a whole number{_eg(c.example)}{c.about}",
    )


def _not_bool(c: _ErrorContext) -> tuple[str, str]:
    return f"{_show(c.value)} is not true or false", "write true or false (unquoted)"


def _not_text(c: _ErrorContext) -> tuple[str, str]:
    return f"{_show(c.value)} is not text", f"write a string{c.about}"


def _not_list(c: _ErrorContext) -> tuple[str, str]:
    return f"{_show(c.value)} is not a list", "write it as a YAML list, one `- item` per line"


def _not_mapping(c: _ErrorContext) -> tuple[str, str]:
    if c.name.isdigit():  # a list entry, not a key
        return (
            f"{_show(c.value)} is not a mapping",
            "write the entry as `key: value` lines after its `- `, e.g. `- name: checkout`",
        )
    return (
        f"{_show(c.value)} is not a mapping",
        f"write `{c.name}:` followed by indented `key: value` lines{c.about}",
    )


def _empty(c: _ErrorContext) -> tuple[str, str]:
    return "is empty", f"add at least one entry{c.about}"


def _too_long(c: _ErrorContext) -> tuple[str, str]:
    limit = c.ctx.get("max_length")
    if isinstance(c.value, list):
        return (
            f"has {len(c.value):,} entries, more than {limit}",
            (
                f"list at most {limit}; a spec describes one system (split a larger "
                "estate into one spec per system)"
            ),
        )
    return "is too long", f"shorten it to at most {limit} characters"


def _value_error(c: _ErrorContext) -> tuple[str, str]:
    return str(c.ctx.get("error", c.message)), "see the message"


_HANDLERS: dict[str, Callable[[_ErrorContext], tuple[str, str]]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    **{kind: _bound(kind) for kind in _BOUNDS},
    "literal_error": _not_allowed,
    "enum": _not_allowed,
    "string_pattern_mismatch": _pattern,
    "float_type": _not_number,
    "float_parsing": _not_number,
    "finite_number": _not_number,
    "int_type": _not_whole,
    "int_parsing": _not_whole,
    "int_from_float": _not_whole,
    "bool_type": _not_bool,
    "bool_parsing": _not_bool,
    "string_type": _not_text,
    "list_type": _not_list,
    "dict_type": _not_mapping,
    "model_type": _not_mapping,
    "model_attributes_type": _not_mapping,
    "too_short": _empty,
    "string_too_long": _too_long,
    "too_long": _too_long,
    "value_error": _value_error,
}


def _eg(example: str | None) -> str:
    return f", e.g. {example}" if example else ""


def _example(field_info: FieldInfo | None) -> str | None:
    if field_info is None:
        return None
    if field_info.examples:
        return str(field_info.examples[0])
    return None


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _field_at(loc: Loc) -> tuple[FieldInfo | None, type[BaseModel] | None]:
    """The field a location names, and the model that holds it (for key suggestions)."""
    model: type[BaseModel] | None = Requirements
    annotation: object = Requirements
    info: FieldInfo | None = None
    parent: type[BaseModel] | None = None
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = typing.get_args(annotation)
            annotation = args[0] if args else None
            continue
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
        if model is None:
            return info, parent
        parent = model
        info = _field_by_key(model, part)
        if info is None:
            return None, parent
        annotation = info.annotation
    return info, parent


def _field_by_key(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _unwrap(annotation: object) -> object:
    """Strip ``Annotated`` and ``X | None`` so list and model types show through."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


def _one(
    source: str, message: str, fix: str, *, line: int | None = None, column: int | None = None
) -> SpecError:
    return SpecError(source, [Problem("", message, fix, line=line, column=column)])
