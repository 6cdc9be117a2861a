"""``infra-architect schema``: the JSON Schema of the spec (or of design.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from infra_architect._io import atomic_write_text
from infra_architect.cli._common import command_app, stderr
from infra_architect.render import design_json_schema
from infra_architect.spec import SCHEMA_FILENAME, requirements_json_schema

app = command_app()


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=f"Write to a file (e.g. {SCHEMA_FILENAME})."),
    ] = None,
    design: Annotated[
        bool, typer.Option("--design", help="The schema of design.json instead of the spec.")
    ] = False,
) -> None:
    """Print the JSON Schema of the requirements spec, for editors and CI.

    With yaml-language-server, put `# yaml-language-server: $schema=<file>` at the top
    of a spec for completion and checks as you type. --design: the schema of design.json."""
    document = design_json_schema() if design else requirements_json_schema()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        stderr.print(f"wrote {output}")
