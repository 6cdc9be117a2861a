"""``infra-architect mcp``: the commands as Model Context Protocol tools, over stdio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra_architect.cli._common import command_app

app = command_app()


@app.command()
def mcp(
    roots: Annotated[
        list[Path] | None,
        typer.Option(
            "--root",
            help="A directory the tools may read and write under (repeatable; default: "
            "the current directory). Paths outside every root are refused.",
        ),
    ] = None,
) -> None:
    """Serve constraints, design, review, cost, cost_explain, simulate (and import) as
    MCP tools over stdio, for coding agents (docs/agents.md). stdout carries only the
    protocol; messages go to stderr."""
    # the SDK and the tools load here, not for the other commands
    from infra_architect.cli._mcp_server import build_server  # noqa: PLC0415

    for root in roots or []:
        if not root.is_dir():
            from infra_architect.cli._common import fail  # noqa: PLC0415

            fail(f"--root {root}: not a directory\n  fix: name an existing directory")
    build_server(roots or [Path.cwd()]).run("stdio")
