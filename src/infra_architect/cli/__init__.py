"""The command line: thin Typer commands over the library."""

from infra_architect.cli._app import app, main

__all__ = ["app", "main"]
