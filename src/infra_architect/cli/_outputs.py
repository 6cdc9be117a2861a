"""Every ``--format json`` document, with the JSON Schema it is checked against.

One registry (:data:`JSON_OUTPUTS`): the command that writes the document, the model it
is built through, and its schema file, shipped in ``infra_architect/schemas/`` as
``<name>-v1.schema.json``. ``infra-architect schema --all -o DIR`` writes them all, and a
test fails when a shipped file differs from what the models say, or when a command grows
a json format without an entry here. Consumers (the MCP server, CI) validate through
:func:`schema_file`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from infra_architect.cli._documents import (
    ConstraintsDocument,
    DryRunDocument,
    SimulationDocument,
    TerraformCostDocument,
    ValidationDocument,
)
from infra_architect.cost import ExplanationDocument
from infra_architect.importer import ImportDocument
from infra_architect.render import design_json_schema
from infra_architect.review import ReviewDocument
from infra_architect.spec import SCHEMA_FILENAME, requirements_json_schema

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
"""Where the schema files ship (``schemas/`` at the repository root links here)."""

SCHEMA_BASE = "https://infra-architect.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DESIGN_SCHEMA_FILENAME = "design-v1.schema.json"


@dataclass(frozen=True)
class JsonOutput:
    """A command's ``--format json`` document and its schema."""

    name: str
    """The schema's name: ``<name>-v1.schema.json``."""
    command: tuple[str, ...]
    """The command (and subcommand) that writes it, as typed after ``infra-architect``."""
    usage: str
    """How it is asked for, for the schema's description."""
    model: type[BaseModel]

    @property
    def filename(self) -> str:
        return f"{self.name}-v1.schema.json"

    @property
    def schema_id(self) -> str:
        return SCHEMA_BASE + self.filename


JSON_OUTPUTS: tuple[JsonOutput, ...] = (
    JsonOutput("constraints", ("constraints",), "constraints SPEC -f json", ConstraintsDocument),
    JsonOutput("cost", ("cost", "price"), "cost DIR -f json", TerraformCostDocument),
    JsonOutput(
        "cost-explain", ("cost", "explain"), "cost explain EXPORT.csv -f json", ExplanationDocument
    ),
    JsonOutput("dry-run", ("design",), "design SPEC -o DIR --dry-run -f json", DryRunDocument),
    JsonOutput("import", ("import",), "import PATH -f json", ImportDocument),
    JsonOutput("review", ("review",), "review PATH -f json", ReviewDocument),
    JsonOutput("simulate", ("simulate",), "simulate SPEC -f json", SimulationDocument),
    JsonOutput("validate", ("validate",), "validate DIR -f json", ValidationDocument),
)


def json_output(name: str) -> JsonOutput:
    """The registered output called ``name`` (KeyError names the known ones)."""
    for output in JSON_OUTPUTS:
        if output.name == name:
            return output
    raise KeyError(f"{name}: not a json output; known: {', '.join(output_names())}")


def output_names() -> list[str]:
    return [output.name for output in JSON_OUTPUTS]


def output_json_schema(output: JsonOutput) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one output, generated from its model: what
    the command writes (serialization mode), every field it always writes required."""
    schema = output.model.model_json_schema(mode="serialization")
    summary = " ".join((output.model.__doc__ or "").split())
    return {
        "$schema": DRAFT,
        "$id": output.schema_id,
        **schema,
        "title": f"infra-architect {output.name} output (v1)",
        "description": (
            f"{summary} Written by `infra-architect {output.usage}`. Generated from the "
            "tool's models; do not edit by hand."
        ),
    }


def shipped_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file the package ships, by file name: the spec's, design.json's and
    each json output's. ``schema --all`` writes exactly these."""
    documents: dict[str, dict[str, Any]] = {
        SCHEMA_FILENAME: requirements_json_schema(),
        DESIGN_SCHEMA_FILENAME: dict(design_json_schema()),
    }
    documents.update({o.filename: output_json_schema(o) for o in JSON_OUTPUTS})
    # `design -o DIR -f json` (not --dry-run): its own model and schema, from the MCP branch
    from infra_architect.cli.commands.design import design_run_schema  # noqa: PLC0415

    documents["design-run-v1.schema.json"] = dict(design_run_schema())
    return documents


def schema_text(document: dict[str, Any]) -> str:
    """A schema as written to disk: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def schema_file(name: str) -> Path:
    """The shipped schema file of the output called ``name``."""
    return SCHEMA_DIR / json_output(name).filename
