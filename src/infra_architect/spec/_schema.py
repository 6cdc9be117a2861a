"""The JSON Schema of the requirements spec, for editors and CI."""

from __future__ import annotations

from typing import Any

from infra_architect.spec._models import Requirements

SCHEMA_ID = "urn:infra-architect:schema:requirements:v1"
SCHEMA_FILENAME = "requirements-v1.schema.json"


def requirements_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``kind: Requirements``, ``apiVersion: infra-architect/v1``."""
    schema = Requirements.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "description": (
            "Requirements of a system for infra-architect: services and how they call each "
            "other, data stores, queues, traffic, availability, delivery, team, compliance, "
            "budget and cloud. Generated from the tool's models; do not edit by hand."
        ),
    }
