"""``infra-architect import``: recover a draft requirements spec from an existing repository."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from infra_architect._io import atomic_write_text
from infra_architect.cli._common import DEFAULT_OUTPUT, command_app, fail, print_json, stderr
from infra_architect.cli._progress import next_step
from infra_architect.importer import (
    ImportDocument,
    ImportResult,
    draft_spec,
    import_document,
    import_json,
    import_repository,
)

app = command_app()


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="The repository to read (never executed).")],
    *,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the draft spec here (default: stdout)."),
    ] = None,
    cost_export: Annotated[
        Path | None, typer.Option("--cost-export", help="A cost export (CSV) of today's bill.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="metadata.name (default: the directory's).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing --output file.")] = False,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="yaml (the draft spec) or json (the findings).")
    ] = "yaml",
) -> None:
    """Read a repository's Terraform and Kubernetes (and a cost export) and write a draft
    spec: what the code says, each field with its evidence; what it cannot say (traffic,
    SLO, team, deploys) left as questions, which `design` asks on a terminal."""
    if output_format not in {"yaml", "json"}:
        fail(f"--format {output_format!r}: expected yaml or json")
    if not path.exists():
        fail(f"{path}: no such directory\n  fix: give the repository's root directory")
    if not path.is_dir():
        fail(f"{path}: not a directory\n  fix: give the repository's root directory")
    if cost_export is not None and not cost_export.is_file():
        fail(f"--cost-export {cost_export}: no such file\n  fix: give the cost export's CSV file")
    if output is not None and output.exists() and not force:
        fail(f"{output}: already exists\n  fix: pass --force to overwrite it, or choose another -o")
    result, document, text = run_import(path, cost_export=cost_export, name=name)
    for unread in result.findings.unread:
        stderr.print(f"warning: could not read {unread.path}: {unread.reason}", markup=False)
    if output_format == "json":
        print_json(import_json(document))
        return
    if output is None:
        sys.stdout.write(text)
        return
    atomic_write_text(output, text)
    stderr.print(f"wrote {output} ({len(result.findings.services)} services)", markup=False)
    # on a terminal, design asks the draft's questions and saves the answers into it
    next_step(f"infra-architect design {output} -o {DEFAULT_OUTPUT}")


def run_import(
    path: Path, *, cost_export: Path | None = None, name: str | None = None
) -> tuple[ImportResult, ImportDocument, str]:
    """One import as the CLI and the MCP server both run it: the result, its `-f json`
    document and the draft spec's text."""
    result = import_repository(path, cost_export=cost_export)
    source = path.as_posix()
    draft_name = name or result.root.name
    document = import_document(result.findings, name=draft_name, source=source)
    return result, document, draft_spec(result.findings, name=draft_name, source=source)
