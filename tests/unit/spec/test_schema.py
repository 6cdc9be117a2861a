"""The exported JSON Schema: current, and it validates every example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from infra_architect.spec import SCHEMA_FILENAME, requirements_json_schema
from tests.conftest import EXAMPLES, ROOT, VALID

COMMITTED = ROOT / "src" / "infra_architect" / "schemas" / SCHEMA_FILENAME


def _load(text: str) -> object:
    return YAML(typ="safe", pure=True).load(text)


def test_committed_schema_is_current() -> None:
    generated = json.dumps(requirements_json_schema(), indent=2, sort_keys=True) + "\n"
    assert COMMITTED.read_text() == generated, (
        "regenerate: infra-architect schema -o src/infra_architect/schemas/" + SCHEMA_FILENAME
    )


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(requirements_json_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_schema_validates_every_example(path: Path) -> None:
    jsonschema.Draft202012Validator(requirements_json_schema()).validate(_load(path.read_text()))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("slo: 99.9", "slo: 101"),
        ("deploys_per_day: 2", "deploy_per_day: 2"),
        ("type: web", "type: frontend"),
        ("calls: [api]", "calls: [{service: api, per_request: -1}]"),
        ("{name: db,", "{name: Bad_Name,"),
    ],
    ids=["slo-range", "unknown-key", "enum", "call-object", "dns-label"],
)
def test_schema_rejects_what_the_loader_rejects(old: str, new: str) -> None:
    validator = jsonschema.Draft202012Validator(requirements_json_schema())
    assert validator.is_valid(_load(VALID))
    assert not validator.is_valid(_load(VALID.replace(old, new)))


def test_schema_accepts_both_call_forms() -> None:
    validator = jsonschema.Draft202012Validator(requirements_json_schema())
    text = VALID.replace("calls: [api]", "calls: [api, {service: api, per_request: 2}]")
    assert validator.is_valid(_load(text))


def test_examples_point_editors_at_the_schema() -> None:
    for path in EXAMPLES:
        first = path.read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{SCHEMA_FILENAME}"
        assert (path.parent / ".." / "schemas" / SCHEMA_FILENAME).resolve().is_file()
