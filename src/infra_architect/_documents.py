"""The base of every JSON document a command writes for machines (``--format json``).

Each document names its format the way design.json does (``apiVersion``, ``kind``), is
built through a frozen model (so its JSON Schema is generated from the same code that
writes it) and refuses fields it does not declare."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class OutputDocument(BaseModel):
    """A ``--format json`` document: ``apiVersion`` first, then its ``kind`` and body."""

    # by alias both ways: Python says api_version, the document says apiVersion
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        serialize_by_alias=True,
        # every field is always written: the schema says so, defaults or not
        json_schema_serialization_defaults_required=True,
    )

    api_version: Literal["infra-architect/v1"] = Field(
        default="infra-architect/v1",
        alias="apiVersion",
        description="The document format's version.",
    )
