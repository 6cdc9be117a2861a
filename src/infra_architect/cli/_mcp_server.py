"""The Model Context Protocol server behind ``infra-architect mcp``: the commands as tools
for coding agents, on the official SDK's ``MCPServer`` over stdio.

Every tool calls the function its command calls to build ``-f json`` output, so a tool's
structured result is that command's JSON document, and its first text block the same
text. A bad input is a tool error carrying the one message the CLI prints (file, line,
field, value, fix), never a traceback. Paths are resolved (links followed) and must lie
under one of the server's roots: an agent reads and writes only where it was let.

No ``from __future__ import annotations`` here: the SDK reads the tools' annotations at
runtime to build their input schemas."""

import contextlib
import json
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Literal

import typer
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ContentBlock, TextContent, ToolAnnotations
from pydantic import Field

from infra_architect import __version__
from infra_architect.cli._common import stderr, warn_if_prices_stale
from infra_architect.errors import InfraArchitectError
from infra_architect.spec import Requirements

__all__ = ["TOOL_NAMES", "build_server"]

TOOL_NAMES = ("constraints", "design", "review", "cost", "cost_explain", "simulate", "import")
"""Every tool the server lists; docs/agents.md names each (a test keeps them in step)."""

INSTRUCTIONS = (
    "infra-architect designs and reviews AWS infrastructure from a requirements spec. "
    "Greenfield: constraints -> design -> review. Brownfield: import -> answer its "
    "questions with a human -> design. Never invent the SLO, RTO/RPO, team, traffic or "
    "growth: ask a human. A review that is incomplete (exit 3) is not a pass. "
    "See docs/agents.md."
)

# One tool at a time: the commands share consoles (their messages are captured per call)
# and the work is CPU-bound, so running two at once would gain nothing.
_LOCK = threading.Lock()

SpecPath = Annotated[
    str | None,
    Field(
        description="Path to a requirements spec (YAML, infra-architect/v1). Omit it and "
        "spec_yaml for the bundled e-commerce example.",
        max_length=4096,
    ),
]
SpecYaml = Annotated[
    str | None,
    Field(
        description="The spec's YAML text itself, instead of a path.",
        max_length=1_000_000,
    ),
]


class Roots:
    """The directories the server may read and write under (``--root``; default: the
    directory it was started in)."""

    def __init__(self, roots: list[Path]) -> None:
        self.paths = [r.resolve() for r in roots]

    def inside(self, given: str, what: str) -> Path:
        """``given`` resolved (relative to the first root) and checked to be under a root."""
        path = Path(given).expanduser()
        if not path.is_absolute():
            path = self.paths[0] / path
        resolved = path.resolve()
        if not any(resolved == r or r in resolved.parents for r in self.paths):
            allowed = ", ".join(str(r) for r in self.paths)
            raise ToolError(
                f"{what} {given}: outside the directories this server may use ({allowed})\n"
                "  fix: name a path under one of them, or start the server with --root DIR"
            )
        return resolved


@contextlib.contextmanager
def _cli_messages() -> Iterator[list[str]]:
    """Run a command's functions as the CLI would, turning its way of failing (a message
    on stderr, then exit 2; or an InfraArchitectError) into one tool error with that
    message. Warnings and notes it printed are handed back to go beside the result."""
    notes: list[str] = []
    with _LOCK, stderr.capture() as captured:
        try:
            yield notes
        except typer.Exit as exc:
            raise ToolError(captured.get().strip() or f"exit {exc.exit_code}") from None
        except InfraArchitectError as exc:
            raise ToolError(str(exc)) from None
    printed = captured.get().strip()
    if printed:
        sys.stderr.write(printed + "\n")  # the server's log: stdout is the protocol's
        notes.append(printed)


def _result(document: str | dict[str, object], *notes: str) -> CallToolResult:
    """The command's JSON document as the structured result, its text first, then any
    verdict or note for a reader."""
    text = document if isinstance(document, str) else _dumps(document)
    blocks: list[ContentBlock] = [TextContent(type="text", text=text)]
    blocks += [TextContent(type="text", text=n) for n in notes if n]
    return CallToolResult(content=blocks, structured_content=json.loads(text))


def _dumps(document: object) -> str:
    # as print_json writes it: the CLI's `-f json` text, byte for byte
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _spec(
    roots: Roots, spec: str | None, spec_yaml: str | None
) -> tuple[Path | None, str, Requirements]:
    from infra_architect.cli._spec_input import load_spec, spec_from_text  # noqa: PLC0415

    if spec is not None and spec_yaml is not None:
        raise ToolError("spec and spec_yaml: give one of them\n  fix: drop one")
    if spec_yaml is not None:
        source, requirements = spec_from_text(spec_yaml, "inline spec")
        return None, source, requirements
    path = roots.inside(spec, "spec") if spec is not None else None
    source, requirements = load_spec(path, interactive=False)
    return path, source, requirements


def build_server(roots: list[Path]) -> MCPServer:
    """The server with every tool registered."""
    allowed = Roots(roots)
    server: MCPServer = MCPServer(
        name="infra-architect", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    for name, tool, annotations in _tools(allowed, read_only):
        server.add_tool(tool, name=name, annotations=annotations, structured_output=False)
    return server


def _tools(  # noqa: PLR0915  (one closure per tool, each small)
    roots: Roots, read_only: ToolAnnotations
) -> list[tuple[str, Callable[..., CallToolResult], ToolAnnotations | None]]:
    writes = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)

    def constraints(spec: SpecPath = None, spec_yaml: SpecYaml = None) -> CallToolResult:
        """What the requirements demand before any design: error budget, traffic,
        capacity per service, AZs and regions, recovery, what the team can run, the cost
        floor, conflicts and assumptions. `feasible: false` means the requirements
        conflict (the CLI exits 1). Same as `infra-architect constraints SPEC -f json`."""
        from infra_architect.cli.commands.constraints import (  # noqa: PLC0415
            constraints_json,
            derive_report,
        )

        with _cli_messages() as notes:
            path, source, requirements = _spec(roots, spec, spec_yaml)
            result, checks, costs = derive_report(path, source, requirements)
            text = constraints_json(result, source, checks, costs) + "\n"
        return _result(text, *notes)

    def design(
        output_dir: Annotated[
            str,
            Field(
                description="Directory to write the design into (created if missing); "
                "a re-run replaces only files it generated and you did not edit.",
                max_length=4096,
            ),
        ],
        spec: SpecPath = None,
        spec_yaml: SpecYaml = None,
        force: Annotated[
            bool, Field(description="Overwrite generated files even where they were edited.")
        ] = False,
    ) -> CallToolResult:
        """Design the infrastructure and write it under output_dir: documents, ADRs,
        runbooks, Terraform, Kubernetes manifests, CI, design.json. Returns the decisions,
        the monthly cost per environment, the files written and the design.json path.
        Files edited since they were generated are refused (an error naming them)
        unless force. Same as `infra-architect design SPEC -o DIR -f json`."""
        from infra_architect.catalog import load_catalog  # noqa: PLC0415
        from infra_architect.cli._spec_input import pin_error  # noqa: PLC0415
        from infra_architect.cli.commands.design import (  # noqa: PLC0415
            design_run_document,
            write_design,
        )
        from infra_architect.engine import ImpossiblePinError, design_system  # noqa: PLC0415
        from infra_architect.render import render_all  # noqa: PLC0415

        with _cli_messages() as notes:
            output = roots.inside(output_dir, "output_dir")
            path, source, requirements = _spec(roots, spec, spec_yaml)
            catalog = load_catalog()
            warn_if_prices_stale(catalog.price_catalog.as_of)  # a note beside the result
            try:
                result = design_system(requirements, catalog)
            except ImpossiblePinError as exc:
                raise pin_error(path, source, exc) from None
            report = write_design(output, render_all(result), force=force)
            document = design_run_document(result, source, output, report)
        return _result(document, *notes)

    def review(
        path: Annotated[
            str, Field(description="The repository or directory to review.", max_length=4096)
        ],
        fail_on: Annotated[
            Literal["critical", "high", "medium", "low", "none"] | None,
            Field(description="A new finding this severe fails (default: config, else high)."),
        ] = None,
        slo: Annotated[
            list[Annotated[str, Field(max_length=64)]] | None,
            Field(
                description="The availability SLO in percent ('99.9'), or ENV=SLO "
                "('prod=99.9'); enables the availability rules. Ask a human for it.",
                max_length=32,
            ),
        ] = None,
        baseline: Annotated[
            str | None,
            Field(description="A baseline file of accepted findings.", max_length=4096),
        ] = None,
        allow_incomplete: Annotated[
            bool, Field(description="Do not fail when something could not be read.")
        ] = False,
    ) -> CallToolResult:
        """Review existing infrastructure code (Terraform, Kubernetes, workflows; parsed,
        never run) with the design rules. The result is the review report; the second
        text block is the verdict with the CLI's exit code: 0 pass, 1 a new finding at
        fail_on, 3 incomplete (NOT a pass). Same as `infra-architect review PATH -f json`."""
        from infra_architect.cli.commands.review import ReviewFlags, run_review  # noqa: PLC0415
        from infra_architect.review import report_json  # noqa: PLC0415

        with _cli_messages() as notes:
            root = roots.inside(path, "path")
            accepted = roots.inside(baseline, "baseline") if baseline is not None else None
            flags = ReviewFlags(
                output_format="json",
                fail_on=fail_on,
                slo=slo,
                baseline=accepted,
                allow_incomplete=allow_incomplete,
            )
            run = run_review(root, flags)
            text = report_json(run.report)
        return _result(text, _verdict(run.exit_code, run.fail_on), *notes)

    def cost(
        directory: Annotated[
            str,
            Field(
                description="A Terraform root module: a directory `design` wrote "
                "(e.g. OUT/terraform/environments/prod) or any repository's.",
                max_length=4096,
            ),
        ],
        region: Annotated[
            str, Field(description="The region whose list prices apply.", max_length=32)
        ] = "us-east-1",
        tree: Annotated[
            str | None,
            Field(
                description="The repository its modules may come from (default: directory).",
                max_length=4096,
            ),
        ] = None,
    ) -> CallToolResult:
        """Price a Terraform tree at list prices: the resources with their counts and
        sizes; what depends on traffic or is not static is listed, never guessed.
        Same as `infra-architect cost DIR -f json`."""
        from infra_architect.cli.commands.cost import price_json, price_tree  # noqa: PLC0415

        with _cli_messages() as notes:
            root = roots.inside(directory, "directory")
            repo = roots.inside(tree, "tree") if tree is not None else None
            text = price_json(price_tree(root, region, repo, timeout=120.0))
        return _result(text, *notes)

    def cost_explain(
        export: Annotated[
            str, Field(description="A CUR or Cost Explorer CSV export.", max_length=4096)
        ],
        before: Annotated[
            str | None,
            Field(description="Month to compare from (YYYY-MM).", pattern=r"^\d{4}-\d{2}$"),
        ] = None,
        after: Annotated[
            str | None,
            Field(description="Month to compare to (default: last).", pattern=r"^\d{4}-\d{2}$"),
        ] = None,
        top: Annotated[int, Field(description="Movers to list.", ge=1, le=1000)] = 10,
    ) -> CallToolResult:
        """Explain a bill's change between two months of a cost export: change by service
        and usage type, the top movers with their share, and the levers for each.
        Same as `infra-architect cost explain EXPORT.csv -f json`."""
        from infra_architect.cost import explain, explanation_json, read_export  # noqa: PLC0415

        with _cli_messages() as notes:
            path = roots.inside(export, "export")
            text = explanation_json(explain(read_export(path), before, after, top))
        return _result(text, *notes)

    def simulate(
        spec: SpecPath = None,
        spec_yaml: SpecYaml = None,
        plots_dir: Annotated[
            str,
            Field(description="Directory for the spike plot (PNG, SVG).", max_length=4096),
        ] = "infra-architect-simulation",
        trials: Annotated[
            int | None, Field(description="Monte Carlo months.", ge=100, le=1_000_000)
        ] = None,
        seed: Annotated[int | None, Field(description="Monte Carlo seed.", ge=0)] = None,
    ) -> CallToolResult:
        """Simulate the design: availability of every request path (closed form and
        Monte Carlo), the 10x spike against the autoscaling, a lost node and AZ, a bad
        deploy, a rollback. Same as `infra-architect simulate SPEC -o DIR -f json`."""
        from infra_architect.cli.commands.simulate import (  # noqa: PLC0415
            run_simulation,
            simulation_document,
        )

        with _cli_messages() as notes:
            output = roots.inside(plots_dir, "plots_dir")
            path, source, requirements = _spec(roots, spec, spec_yaml)
            result, plots = run_simulation(
                path, source, requirements, output, trials=trials, seed=seed
            )
            document = simulation_document(source, plots, result)
        return _result(document, *notes)

    def import_repository(
        path: Annotated[
            str, Field(description="The repository to read (never executed).", max_length=4096)
        ],
        cost_export: Annotated[
            str | None,
            Field(description="A CUR or Cost Explorer CSV: today's bill.", max_length=4096),
        ] = None,
    ) -> CallToolResult:
        """Recover a draft requirements spec from an existing repository: the spec text
        with each inferred field's evidence, the questions only a human can answer (SLO,
        RTO/RPO, team, growth: ask, never guess) and what could not be read."""
        from infra_architect.cli.commands.import_ import run_import  # noqa: PLC0415
        from infra_architect.importer import import_json  # noqa: PLC0415

        with _cli_messages() as notes:
            root = roots.inside(path, "path")
            bill = roots.inside(cost_export, "cost_export") if cost_export is not None else None
            result, document, draft = run_import(root, cost_export=bill)
            for unread in result.findings.unread:
                stderr.print(
                    f"warning: could not read {unread.path}: {unread.reason}", markup=False
                )
        # the `-f json` document first (structured), then the draft spec's text to save
        return _result(_dumps(import_json(document)), draft, *notes)

    tools: list[tuple[str, Callable[..., CallToolResult], ToolAnnotations | None]] = [
        ("constraints", constraints, read_only),
        ("design", design, writes),
        ("review", review, read_only),
        ("cost", cost, read_only),
        ("cost_explain", cost_explain, read_only),
        ("simulate", simulate, writes),
        ("import", import_repository, read_only),
    ]
    return tools


def _verdict(code: int, fail_on: str) -> str:
    meaning = {
        0: "passed: everything was read and no new finding reaches " + fail_on,
        1: f"failed: a new finding reaches {fail_on}",
        3: "incomplete: something could not be read; this is NOT a pass (see unread)",
    }
    return f"exit {code}: {meaning.get(code, 'see the report')}"
