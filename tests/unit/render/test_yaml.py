"""The YAML text is the same with and without libyaml's C extension, byte for byte.

Every document of every example, tricky values, and generated documents go through
both emitters: libyaml's (the fast path) and the pure-Python one taught its choices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra_architect.render import _yaml
from tests.conftest import ROOT

needs_libyaml = pytest.mark.skipif(
    not yaml.__with_libyaml__, reason="PyYAML was built without libyaml: no C path to compare"
)

GOLDEN = ROOT / "tests" / "golden"


def _example_documents() -> list[tuple[str, dict[str, Any]]]:
    documents = []
    for path in sorted(GOLDEN.glob("*/expected/**/*.y*ml")):
        name = path.relative_to(GOLDEN).as_posix()
        for index, document in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
            if isinstance(document, dict):
                documents.append((f"{name}#{index}", document))
    return documents


def _both(document: dict[Any, Any]) -> tuple[str, str]:
    return _yaml.dump(document, fast=True), _yaml.dump(document, fast=False)


@needs_libyaml
def test_every_example_document_is_byte_identical_through_both_emitters() -> None:
    documents = _example_documents()
    assert len(documents) > 300  # the 8 examples' manifests, workflows, kustomizations
    differ = [name for name, document in documents if len(set(_both(document))) != 1]
    assert differ == []


TRICKY: dict[str, Any] = {
    "long plain": " ".join(["word"] * 2000),
    "long quoted": '"q" ' * 1500,
    "long escapes": "\t" * 5000,
    "script": "set -eu\nmake build\n",
    "keep trailing breaks": "a\n\n",
    "leading space block": "  indented\nnext\n",
    "trailing space line": "a \nb\n",
    "unicode": "café – 東京 ✓",
    "beyond the BMP": "rocket 🚀",
    "next line": "a\x85b",
    "line separator": "a\u2028b",
    "bom": "\ufeffx",
    "carriage return": "a\rb",
    "control": "bell\x07",
    "empty map": {},
    "empty list": [],
    "nested empty": [[], {}, [[]]],
    "yaml 1.1 words": ["on", "yes", "no", "off", "y", "~", "null", "0755", "1e3", "0x1F"],
    "special scalars": [None, True, False, 0, -1, 1.5, float("inf"), float("-inf"), 1e-20],
    "indicators": ["- a", "? x", ": y", "#c", "a #b", "a: b", "[x]", "{y}", "*z", "&a", "!t", "%"],
    "document markers": ["---", "...", "--- x", "... y"],
    "spaces": ["", " ", "  a", "a  ", " a b "],
    "": "empty key",
    " ": "space key",
    "k" * 128: "a 128-byte key is simple for libyaml",
    "k" * 129: "a 129-byte key is not",
    "é" * 64: "128 bytes in 64 characters",
    "é" * 65: "130 bytes",
    "multi\nline key": "explicit key",
    "quote'key": {"nested": ["a", {"b": "c\n"}]},
    "last": "ends open\n\n",
}


@needs_libyaml
@pytest.mark.parametrize("key", list(TRICKY), ids=lambda k: repr(k)[:30])
def test_tricky_values_are_byte_identical_through_both_emitters(key: str) -> None:
    fast, pure = _both({key: TRICKY[key], "list": [TRICKY[key]], "map": {"x": TRICKY[key]}})
    assert fast == pure


@needs_libyaml
def test_the_whole_tricky_document_is_byte_identical() -> None:
    fast, pure = _both(TRICKY)
    assert fast == pure
    assert fast.endswith("...\n")  # a kept trailing break leaves the stream open


_TEXT = st.text(
    alphabet=st.sampled_from(
        [*"ab :#-'\"\\|>%@`,[]{}?!&*~.0\t\n\r", "é", "🚀", "\x85", "\u2028", "\ufeff", "\0"]
    ),
    max_size=12,
)
_VALUES = st.recursive(
    _TEXT | st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_TEXT, children, max_size=3),
    max_leaves=12,
)


@needs_libyaml
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(_TEXT, _VALUES, min_size=1, max_size=4))
def test_generated_documents_are_byte_identical(document: dict[str, Any]) -> None:
    fast, pure = _both(document)
    assert fast == pure


def test_the_fast_path_is_taken_when_libyaml_is_present() -> None:
    assert _yaml._FAST is bool(yaml.__with_libyaml__)


def test_dump_reads_back_as_the_data_it_was_given() -> None:
    for fast in (True, False) if yaml.__with_libyaml__ else (False,):
        assert yaml.safe_load(_yaml.dump(TRICKY, fast=fast)) == TRICKY


def test_lists_are_written_under_their_key_as_libyaml_does() -> None:
    assert _yaml.dump({"a": [1, {"b": [2]}]}, fast=False) == "a:\n- 1\n- b:\n  - 2\n"


def test_a_multi_document_file_is_joined_with_markers(tmp_path: Path) -> None:
    text = _yaml.dump_all([{"a": 1}, {"b": [2]}])
    assert text == "a: 1\n---\nb:\n- 2\n"


# --- the direct events equal PyYAML's representer + serializer -------------------------


def _reference(document: dict[Any, Any], *, fast: bool) -> str:
    """What ``yaml.dump`` writes through SafeRepresenter and the Serializer (node graph,
    alias bookkeeping, the resolver at every scalar) with the same emitter and style."""
    emitter = yaml.CSafeDumper if fast else _yaml._PureDumper

    class Reference(emitter):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: object) -> bool:
            return True

    def literal(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
        )

    Reference.add_representer(str, literal)
    return yaml.dump(
        document,
        Dumper=Reference,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        allow_unicode=True,
    )


FLOATS: dict[str, Any] = {
    "floats": [0.0, -0.0, 1.5, 1e17, 1e-7, 2.5e-300, float("inf"), float("-inf"), 12345.678],
    "numbers as text": ["1", "1.5", "1e3", "0x1F", "0755", "1_000", ".inf", "null", "~", "on"],
    "bools and null": [True, False, None],
    "empty": {"map": {}, "list": [], "text": ""},
}


def _emitters() -> tuple[bool, ...]:
    return (True, False) if yaml.__with_libyaml__ else (False,)


def test_example_documents_equal_the_representer_and_serializer_path() -> None:
    documents = _example_documents()
    for fast in _emitters():
        differ = [n for n, d in documents if _yaml.dump(d, fast=fast) != _reference(d, fast=fast)]
        assert differ == [], f"fast={fast}"


@pytest.mark.parametrize("fast", _emitters())
def test_tricky_values_equal_the_representer_and_serializer_path(fast: bool) -> None:
    for document in (TRICKY, FLOATS):
        assert _yaml.dump(document, fast=fast) == _reference(document, fast=fast)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(_TEXT, _VALUES, min_size=1, max_size=4))
def test_generated_documents_equal_the_representer_and_serializer_path(
    document: dict[str, Any],
) -> None:
    for fast in _emitters():
        assert _yaml.dump(document, fast=fast) == _reference(document, fast=fast)


def test_a_type_yaml_cannot_represent_safely_is_refused() -> None:
    with pytest.raises(yaml.representer.RepresenterError):
        _yaml.dump({"a": object()})
