"""design.json has a versioned JSON Schema; the committed copy is current and holds."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from infra_architect.render import design_json_schema
from tests.conftest import EXAMPLES, ROOT, generate

SCHEMA = ROOT / "schemas" / "design-v1.schema.json"


def test_committed_design_schema_is_current() -> None:
    committed = json.loads(SCHEMA.read_text())
    assert committed == design_json_schema(), (
        "regenerate: infra-architect schema --design -o "
        "src/infra_architect/schemas/design-v1.schema.json"
    )


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_design_json_validates_against_its_schema(spec: Path) -> None:
    document = json.loads(generate(spec)["design.json"])
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)


def test_schema_rejects_a_design_missing_its_decisions() -> None:
    document = json.loads(generate(EXAMPLES[0])["design.json"])
    del document["design"]["compute"]["decision"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
