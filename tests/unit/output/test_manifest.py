"""Manifest and journal entries are untrusted: only plain relative paths inside the tree."""

from __future__ import annotations

import json

import pytest

from infra_architect._manifest import MAX_NOTES, dump_record, key_problem, parse_record

GOOD_HASH = "a" * 64


@pytest.mark.parametrize(
    "key",
    [
        "design.json",
        "docs/architecture.md",
        ".github/workflows/deploy.yml",
        "infra/terraform/environments/prod/main.tf",
        "docs/adr/0001-compute.md",
        "a..b/c...d",  # dots inside a name are a name
    ],
)
def test_generated_shapes_are_accepted(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("../x", "climbs out"),
        ("docs/../../x", "climbs out"),
        ("..", "climbs out"),
        ("/etc/passwd", "absolute"),
        ("//server/share", "absolute"),
        ("./x", "not a normalised path"),
        ("docs//x", "not a normalised path"),
        ("docs/", "not a normalised path"),
        ("docs/.", "not a normalised path"),
        ("", "empty"),
        ("..\\outside\\x", "backslash"),
        ("C:\\Windows\\x", "backslash"),
        ("x\x00/../../y", "NUL"),
        ("x\ny", "control character"),
        ("x\x1b[2Jy", "control character"),
        (".infra-architect/manifest.json", "tool's own"),
        (".infra-architect/journal.json", "tool's own"),
        ("a" * 2000, "longer than"),
        (42, "not a string"),
        (None, "not a string"),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_everything_else_is_refused_with_a_reason(key: object, problem: str) -> None:
    found = key_problem(key)
    assert found is not None
    assert problem in found


def test_bad_entries_are_dropped_and_named_the_good_ones_kept() -> None:
    files = {
        "docs/a.md": GOOD_HASH,
        "../outside/canary.txt": GOOD_HASH,
        "/etc/passwd": GOOD_HASH,
        "docs/b.md": "not-a-hash",
        "docs/c.md": 7,
    }
    record = parse_record(json.dumps({"files": files}).encode(), "manifest.json")
    assert record.files == {"docs/a.md": GOOD_HASH}
    assert record.readable
    assert record.notes == (
        "manifest.json: entry '../outside/canary.txt' ignored: it climbs out with '..'",
        "manifest.json: entry '/etc/passwd' ignored: it is an absolute path",
        "manifest.json: entry 'docs/b.md' ignored: it has no SHA-256 hash",
        "manifest.json: entry 'docs/c.md' ignored: it has no SHA-256 hash",
    )


def test_a_key_with_terminal_escapes_is_printed_escaped() -> None:
    record = parse_record(json.dumps({"files": {"\x1b]0;pwned\x07": GOOD_HASH}}).encode(), "m")
    assert "\x1b" not in record.notes[0]
    assert "\\x1b" in record.notes[0]


def test_many_bad_entries_are_counted_not_listed() -> None:
    files = {f"../x{i}": GOOD_HASH for i in range(500)}
    record = parse_record(json.dumps({"files": files}).encode(), "m")
    assert len(record.notes) == MAX_NOTES + 1
    assert record.notes[-1] == f"m: {500 - MAX_NOTES} more entries ignored"


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"files": ["a"]}',
        b'{"version": 1}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["syntax", "not-utf8", "array", "files-not-object", "no-files", "nested-deep"],
)
def test_an_unreadable_document_vouches_for_nothing(data: bytes) -> None:
    record = parse_record(data, "manifest.json")
    assert record.files == {}
    assert not record.readable
    assert "protected as if you edited it" in record.notes[0]


def test_dump_then_parse_round_trips_and_is_deterministic() -> None:
    files = {"b.md": GOOD_HASH, "a.md": "b" * 64}
    data = dump_record(files)
    assert data == dump_record(dict(reversed(list(files.items()))))
    assert parse_record(data, "m").files == files
