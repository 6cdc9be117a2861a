"""``infra-architect schema``: the JSON Schema of the spec, of design.json, or of any
command's ``--format json`` document (``--output-of``); ``--all`` writes every one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from infra_architect._io import atomic_write_text
from infra_architect.cli._common import command_app, fail, stderr
from infra_architect.cli._outputs import (
    json_output,
    output_json_schema,
    output_names,
    schema_text,
    shipped_schemas,
)
from infra_architect.render import design_json_schema
from infra_architect.spec import SCHEMA_FILENAME, requirements_json_schema

app = command_app()


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=f"Write to a file (e.g. {SCHEMA_FILENAME}); with --all, a directory.",
        ),
    ] = None,
    design: Annotated[
        bool, typer.Option("--design", help="The schema of design.json instead of the spec.")
    ] = False,
    output_of: Annotated[
        str | None,
        typer.Option(
            "--output-of",
            metavar="NAME",
            help=f"The schema of a command's -f json output: {', '.join(output_names())}.",
        ),
    ] = None,
    write_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Write every schema (<name>-v1.schema.json) into the -o directory."
        ),
    ] = False,
) -> None:
    """Print the JSON Schema of the requirements spec, for editors and CI.

    With yaml-language-server, put `# yaml-language-server: $schema=<file>` at the top
    of a spec for completion and checks as you type. --design: the schema of design.json.
    --output-of NAME: the schema of a command's -f json document. --all -o DIR: every
    schema the package ships, as files."""
    if sum((design, output_of is not None, write_all)) > 1:
        fail("--design, --output-of and --all: choose one")
    if write_all:
        if output is None:
            fail("--all writes files: name their directory with -o DIR")
        documents = shipped_schemas()
        output.mkdir(parents=True, exist_ok=True)
        for name, document in documents.items():
            atomic_write_text(output / name, schema_text(document))
        stderr.print(f"wrote {len(documents)} schemas to {output}", markup=False)
        return
    if output_of is not None:
        try:
            document = output_json_schema(json_output(output_of))
        except KeyError:
            fail(f"--output-of {output_of!r}: use one of {', '.join(output_names())}")
    else:
        document = dict(design_json_schema()) if design else requirements_json_schema()
    text = schema_text(document)
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        stderr.print(f"wrote {output}")
