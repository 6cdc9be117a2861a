"""``python -m infra_architect``: the CLI, as the ``infra-architect`` script runs it (an MCP
client can then launch the server with the interpreter it knows)."""

from infra_architect.cli import main

main()
