"""`infra-architect mcp` through the official SDK's own client over stdio: the server runs
as a subprocess (the console script's entry point with `mcp`), the client initializes,
lists the tools, calls each one on the bundled example, and every result must equal the command's
`-f json` output (as parsed JSON) and validate against its shipped JSON Schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
SCHEMAS = SRC / "infra_architect" / "schemas"

TOOLS = ("constraints", "design", "review", "cost", "cost_explain", "simulate", "import")
LISTED = TOOLS

SCHEMA_OF = {
    "constraints": "constraints-v1.schema.json",
    "review": "review-v1.schema.json",
    "cost": "cost-v1.schema.json",
    "cost_explain": "cost-explain-v1.schema.json",
    "simulate": "simulate-v1.schema.json",
    "design": "design-run-v1.schema.json",
    "import": "import-v1.schema.json",
}
"""Tool -> the schema its result must validate against (shipped in
src/infra_architect/schemas/)."""

TYPED = {
    "constraints": {"spec": "string", "spec_yaml": "string"},
    "design": {"output_dir": "string", "spec": "string", "force": "boolean"},
    "review": {
        "path": "string",
        "fail_on": "string",
        "slo": "array",
        "allow_incomplete": "boolean",
    },
    "cost": {"directory": "string", "region": "string", "tree": "string"},
    "cost_explain": {"export": "string", "before": "string", "top": "integer"},
    "simulate": {"spec": "string", "plots_dir": "string", "trials": "integer", "seed": "integer"},
    "import": {"path": "string", "cost_export": "string"},
}
"""Each tool's input fields and their JSON types, as the schema the server lists says."""

CUR = (
    "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n"
    "2025-01-03T00:00:00Z,AmazonEC2,BoxUsage:m6i.large,120.50\n"
    "2025-01-09T00:00:00Z,AmazonRDS,InstanceUsage:db.r6g.large,300.00\n"
    "2025-02-03T00:00:00Z,AmazonEC2,BoxUsage:m6i.large,210.25\n"
    "2025-02-09T00:00:00Z,AmazonRDS,InstanceUsage:db.r6g.large,310.00\n"
)

CLI = ("-c", "from infra_architect.cli import main; main()")
"""The console script's entry point, run by this interpreter with the worktree's source."""

ENV = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}


@dataclass
class Session:
    """What one server run answered: the tools it listed and each call's result."""

    work: Path
    tools: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    server_log: str = ""


def _arguments(work: Path) -> dict[str, dict[str, Any]]:
    out = work / "out"
    return {
        "constraints": {"spec": "ecommerce.yaml"},
        "design": {"spec": "ecommerce.yaml", "output_dir": "out"},
        "review": {"path": "out", "fail_on": "critical", "slo": ["99.9"]},
        "cost": {"directory": str(out / "infra/terraform/environments/prod"), "tree": "out"},
        "cost_explain": {"export": "cur.csv"},
        "simulate": {"spec": "ecommerce.yaml", "plots_dir": "plots", "trials": 100},
        "import": {"path": "out"},
        # bad input: a spec with a wrong value at a known line, and a path out of the root
        "bad_spec": {"spec": "bad.yaml"},
        "outside": {"path": str(ROOT)},
    }


def _cli(work: Path, tool: str) -> list[str]:
    """The CLI run whose `-f json` output the tool's result must equal."""
    out = work / "out"
    return {
        "constraints": ["constraints", str(work / "ecommerce.yaml")],
        "design": ["design", str(work / "ecommerce.yaml"), "-o", str(work / "cli-out")],
        "review": ["review", str(out), "--fail-on", "critical", "--slo", "99.9"],
        "cost": ["cost", str(out / "infra/terraform/environments/prod"), "--tree", str(out)],
        "cost_explain": ["cost", "explain", str(work / "cur.csv")],
        "import": ["import", str(out)],
        "simulate": [
            "simulate",
            str(work / "ecommerce.yaml"),
            "-o",
            str(work / "plots"),
            "--trials",
            "100",
        ],
    }[tool] + ["-f", "json"]


async def _serve(session: Session) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=[*CLI, "mcp"],
        env=ENV,
        cwd=str(session.work),
    )
    with (session.work / "server.log").open("w") as log:
        async with (
            stdio_client(params, errlog=log) as (read, write),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            listed = await client.list_tools()
            session.tools = {t.name: t.input_schema for t in listed.tools}
            for name, arguments in _arguments(session.work).items():
                tool = {"bad_spec": "constraints", "outside": "review"}.get(name, name)
                if tool in session.tools:
                    session.results[name] = await client.call_tool(tool, arguments)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    work = tmp_path_factory.mktemp("mcp")
    example = resources.files("infra_architect.examples").joinpath("ecommerce.yaml")
    text = example.read_text("utf-8")
    (work / "ecommerce.yaml").write_text(text, "utf-8")
    (work / "bad.yaml").write_text(text.replace("apiVersion: infra-architect/v1", "apiVersion: v9"))
    (work / "cur.csv").write_text(CUR, "utf-8")
    found = Session(work)
    anyio.run(_serve, found)
    found.server_log = (work / "server.log").read_text()
    return found


def _cli_json(work: Path, tool: str) -> Any:
    done = subprocess.run(
        [sys.executable, *CLI, "-q", *_cli(work, tool)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=work,
        check=False,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    if tool == "design":  # written to its own directory: the paths are the only difference
        return json.loads(done.stdout.replace(str(work / "cli-out"), str(work / "out")))
    return json.loads(done.stdout)


def test_lists_every_tool_with_typed_inputs(session: Session) -> None:
    assert sorted(session.tools) == sorted(LISTED)
    for name, schema in session.tools.items():
        properties = schema["properties"]
        for field_name, json_type in TYPED[name].items():
            declared = properties[field_name]
            types = {declared.get("type")} | {a.get("type") for a in declared.get("anyOf", [])}
            assert json_type in types, (name, field_name, declared)
            assert declared.get("description"), (name, field_name)
    assert session.tools["cost_explain"]["properties"]["top"]["minimum"] == 1
    assert session.tools["review"]["required"] == ["path"]


@pytest.mark.parametrize("tool", TOOLS)
def test_each_tool_answers_as_its_command(session: Session, tool: str) -> None:
    """The structured result is the command's `-f json` document, and so is the text."""
    result = session.results[tool]
    assert not result.is_error, result.content[0].text
    assert json.loads(result.content[0].text) == result.structured_content
    assert result.structured_content == _cli_json(session.work, tool)


@pytest.mark.parametrize("tool", TOOLS)
def test_each_result_validates_against_its_schema(session: Session, tool: str) -> None:
    schema_file = SCHEMAS / SCHEMA_OF[tool]
    assert schema_file.is_file(), f"{schema_file.name} is not shipped"
    result = session.results[tool]
    assert not result.is_error, result.content[0].text
    jsonschema.validate(result.structured_content, json.loads(schema_file.read_text()))


def test_design_writes_a_design_json_that_validates(session: Session) -> None:
    document = session.results["design"].structured_content
    written = Path(document["design_json"])
    assert written == session.work / "out" / "design.json"
    assert "design.json" in document["files"]["written"]
    assert set(document["monthly_cost_usd"]) == {"staging", "prod"}
    schema = json.loads((SCHEMAS / "design-v1.schema.json").read_text())
    jsonschema.validate(json.loads(written.read_text()), schema)


def test_review_says_its_verdict_with_the_exit_code(session: Session) -> None:
    verdict = session.results["review"].content[1].text
    code = subprocess.run(
        [sys.executable, *CLI, "-q", *_cli(session.work, "review")],
        capture_output=True,
        env=ENV,
        check=False,
        timeout=300,
    ).returncode
    assert verdict.startswith(f"exit {code}: ")


def test_import_recovers_a_spec_from_the_designed_tree(session: Session) -> None:
    """Beside the `import -f json` document, the draft spec's text, as `import` writes it."""
    result = session.results["import"]
    assert not result.is_error, result.content[0].text
    document = result.structured_content
    assert (document["apiVersion"], document["kind"]) == ("infra-architect/v1", "ImportFindings")
    services = {s["name"] for s in document["findings"]["services"]}
    assert {"storefront", "catalog", "checkout"} <= services
    draft = result.content[1].text
    assert draft.startswith("#")
    assert "apiVersion: infra-architect/v1" in draft
    cli = subprocess.run(
        [sys.executable, *CLI, "-q", "import", str(session.work / "out")],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=session.work,
        check=False,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    assert draft == cli.stdout


def test_bad_spec_is_a_tool_error_with_the_clis_message(session: Session) -> None:
    result = session.results["bad_spec"]
    assert result.is_error
    cli = subprocess.run(
        [sys.executable, *CLI, "constraints", str(session.work / "bad.yaml")],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=session.work,
        check=False,
        timeout=120,
    )
    assert cli.returncode == 2
    message = cli.stderr.strip()
    assert re.search(r"bad\.yaml:\d+:\d+: apiVersion: 'v9'", message)
    assert "fix:" in message
    assert message in result.content[0].text
    assert "Traceback" not in result.content[0].text + session.server_log


def test_a_path_outside_the_root_is_refused(session: Session) -> None:
    result = session.results["outside"]
    assert result.is_error
    assert "outside the directories this server may use" in result.content[0].text


def test_agents_doc_names_every_tool() -> None:
    """docs/agents.md tells an agent when to call which tool: it must name them all."""
    from infra_architect.cli._mcp_server import TOOL_NAMES  # noqa: PLC0415

    doc = (ROOT / "docs" / "agents.md").read_text("utf-8")
    assert set(LISTED) <= set(TOOL_NAMES)
    missing = [name for name in TOOL_NAMES if f"`{name}`" not in doc]
    assert not missing, f"docs/agents.md does not name: {missing}"


def test_committed_design_run_schema_is_current() -> None:
    from infra_architect.cli.commands.design import design_run_schema  # noqa: PLC0415

    committed = json.loads((SCHEMAS / "design-run-v1.schema.json").read_text())
    assert committed == design_run_schema(), (
        "regenerate: python -c 'import json; from infra_architect.cli.commands.design import "
        "design_run_schema as s; print(json.dumps(s(), indent=2, sort_keys=True))' > "
        "src/infra_architect/schemas/design-run-v1.schema.json"
    )
