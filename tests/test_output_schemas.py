"""Every ``--format json`` document has a versioned JSON Schema in ``schemas/``, and holds to it.

(1) The shipped files are what the generator writes now (a model changed without
regenerating fails here). (2) Each command's real output, run through the CLI on the
bundled examples, generated trees and review fixtures, validates against its schema. (3) A
document with a required field removed, a field of the wrong type or a field the model
does not declare fails: the schemas are not permissive. (4) Every command with a json
format is in the one registry (``cli/_outputs.JSON_OUTPUTS``), so a new json output
without a schema fails."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from enum import EnumMeta
from pathlib import Path
from typing import Any

import pytest
import typer
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.cli._outputs import (
    JSON_OUTPUTS,
    SCHEMA_DIR,
    json_output,
    schema_file,
    schema_text,
    shipped_schemas,
)
from tests.cli.test_startup_imports import CUR
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "src" / "infra_architect" / "examples").glob("*.yaml"))
REVIEW_FIXTURES = ROOT / "tests" / "review"
SMALL = ROOT / "src" / "infra_architect" / "examples" / "internal-tool.yaml"
OTHER = ROOT / "src" / "infra_architect" / "examples" / "ecommerce.yaml"
PUBLIC_DEMO = ROOT / "tests" / "importer" / "public" / "microservices-demo"


def cli(*args: str, codes: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """Run the real command and parse its stdout (nothing else may be on it)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code in codes, f"{args}: exit {result.exit_code}\n{result.output}"
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def validator(name: str) -> Draft202012Validator:
    schema = json.loads(schema_file(name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, document: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator(name).iter_errors(document)
    ]


# --- (1) the shipped files are current -------------------------------------------------


def test_the_shipped_schemas_are_what_the_generator_writes(tmp_path: Path) -> None:
    cli_result = CliRunner().invoke(app, ["schema", "--all", "-o", str(tmp_path)])
    assert cli_result.exit_code == 0, cli_result.output
    written = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert written == {name: schema_text(doc) for name, doc in shipped_schemas().items()}
    stale = [
        name
        for name, text in written.items()
        if (SCHEMA_DIR / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"regenerate: infra-architect schema --all -o {SCHEMA_DIR}"
    # nothing shipped that the generator does not write (a renamed output leaves no orphan)
    assert {p.name for p in SCHEMA_DIR.glob("*.schema.json")} == set(written)


@pytest.mark.parametrize("output", JSON_OUTPUTS, ids=lambda o: o.name)
def test_each_schema_is_versioned_draft_2020_12_and_names_its_command(output: Any) -> None:
    schema = json.loads(schema_file(output.name).read_text(encoding="utf-8"))
    assert schema_file(output.name).name == f"{output.name}-v1.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://infra-architect.dev/schemas/{output.name}-v1.schema.json"
    assert f"`infra-architect {output.usage}`" in schema["description"]
    assert schema["additionalProperties"] is False
    assert {"apiVersion", "kind"} <= set(schema["required"])
    assert schema["properties"]["apiVersion"]["const"] == "infra-architect/v1"


def test_schema_output_of_prints_the_shipped_file() -> None:
    result = CliRunner().invoke(app, ["schema", "--output-of", "review"])
    assert result.exit_code == 0
    assert result.stdout == schema_file("review").read_text(encoding="utf-8")
    unknown = CliRunner().invoke(app, ["schema", "--output-of", "nope"])
    assert unknown.exit_code == 2
    assert "use one of constraints, cost, cost-explain" in unknown.output


# --- (2) real outputs validate ----------------------------------------------------------


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_constraints_of_every_example_validates(spec: Path) -> None:
    document = cli("constraints", str(spec), "-f", "json", codes=(0, 1))
    assert errors("constraints", document) == []


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree `design` wrote, for the commands that read one."""
    out = tmp_path_factory.mktemp("designed") / "out"
    result = CliRunner().invoke(app, ["design", str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_design_dry_run_validates_with_and_without_changes(tree: Path) -> None:
    changed = cli("design", str(OTHER), "-o", str(tree), "--dry-run", "-f", "json", "--diff")
    assert changed["changes"] is True
    assert changed["files"]["changed"][0]["diff"]
    assert errors("dry-run", changed) == []
    same = cli("design", str(SMALL), "-o", str(tree), "--dry-run", "-f", "json")
    assert same["changes"] is False
    assert errors("dry-run", same) == []


def test_design_dry_run_into_an_empty_directory_validates(tmp_path: Path) -> None:
    document = cli("design", str(SMALL), "-o", str(tmp_path / "new"), "--dry-run", "-f", "json")
    assert document["design"]["previous"] is False
    assert errors("dry-run", document) == []


def test_review_of_a_generated_tree_validates(tree: Path) -> None:
    document = cli("review", str(tree), "-f", "json", "--fail-on", "none")
    assert document["incomplete"] is False
    assert errors("review", document) == []


def test_review_of_the_vulnerable_fixture_validates() -> None:
    document = cli("review", str(REVIEW_FIXTURES / "vulnerable"), "-f", "json", "--fail-on", "none")
    assert len(document["findings"]) > 5
    assert errors("review", document) == []


def test_an_incomplete_review_validates(tmp_path: Path) -> None:
    copied = tmp_path / "tree"
    shutil.copytree(REVIEW_FIXTURES / "overlay_above", copied)
    (copied / "overlays" / ".git").mkdir()  # the base above is outside the repository
    document = cli("review", str(copied / "overlays" / "prod"), "-f", "json", codes=(3,))
    assert document["incomplete"] is True
    assert errors("review", document) == []


def test_review_with_a_suppressed_finding_validates(tmp_path: Path) -> None:
    copied = tmp_path / "vulnerable"
    shutil.copytree(REVIEW_FIXTURES / "vulnerable", copied)
    first = cli("review", str(copied), "-f", "json", "--fail-on", "none")["findings"][0]
    (copied / ".infra-architect-ignore.yaml").write_text(
        f"ignore:\n  - rule: {first['rule_id']}\n    reason: accepted for this test\n"
    )
    document = cli("review", str(copied), "-f", "json", "--fail-on", "none")
    suppressed = [f for f in document["findings"] if f["status"] == "suppressed"]
    assert suppressed
    assert suppressed[0]["suppressed"] == "accepted for this test"
    assert errors("review", document) == []


def test_cost_price_of_a_generated_tree_validates(tree: Path) -> None:
    prod = tree / "infra" / "terraform" / "environments" / "prod"
    document = cli("cost", "price", str(prod), "--tree", str(tree), "-f", "json")
    assert document["resources"]
    assert errors("cost", document) == []


def test_cost_explain_validates(tmp_path: Path) -> None:
    export = tmp_path / "cur.csv"
    export.write_text(CUR, encoding="utf-8")
    document = cli("cost", "explain", str(export), "-f", "json")
    assert document["after_month"] == "2025-02"
    assert errors("cost-explain", document) == []


def test_simulate_validates(tmp_path: Path) -> None:
    document = cli(
        "simulate", str(SMALL), "-f", "json", "--trials", "200", "-o", str(tmp_path / "plots")
    )
    assert document["simulation"]["availability"]
    assert errors("simulate", document) == []


def test_import_of_a_generated_tree_validates(tree: Path) -> None:
    document = cli("import", str(tree), "-f", "json")
    assert document["findings"]["services"]
    assert document["findings"]["datastores"]
    assert errors("import", document) == []


def test_import_of_a_public_repository_validates() -> None:
    document = cli("import", str(PUBLIC_DEMO), "-f", "json")
    assert [q["key"] for q in document["questions"] if q["required"]]
    assert errors("import", document) == []


def test_validate_of_a_hand_written_tree_validates(tmp_path: Path) -> None:
    # the cheap case: no generated Terraform, so no terraform init (the full run is
    # tests/integration's); the document has the same shape
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    document = cli("validate", str(tmp_path), "-f", "json", codes=(1,))
    assert document["ok"] is False
    assert document["results"]
    assert errors("validate", document) == []


# --- (3) the schemas are not permissive -------------------------------------------------


@pytest.fixture(scope="module")
def samples(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One real document of each output (validate's: the cheap case)."""
    scratch = tmp_path_factory.mktemp("samples")
    (scratch / "hand").mkdir()
    (scratch / "hand" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (scratch / "cur.csv").write_text(CUR, encoding="utf-8")
    prod = tree / "infra" / "terraform" / "environments" / "prod"
    return {
        "constraints": cli("constraints", str(SMALL), "-f", "json"),
        "cost": cli("cost", str(prod), "--tree", str(tree), "-f", "json"),
        "cost-explain": cli("cost", "explain", str(scratch / "cur.csv"), "-f", "json"),
        "dry-run": cli("design", str(OTHER), "-o", str(tree), "--dry-run", "-f", "json"),
        "import": cli("import", str(PUBLIC_DEMO), "-f", "json"),
        "review": cli(
            "review", str(REVIEW_FIXTURES / "vulnerable"), "-f", "json", "--fail-on", "none"
        ),
        "simulate": cli(
            "simulate", str(SMALL), "-f", "json", "--trials", "200", "-o", str(scratch / "p")
        ),
        "validate": cli("validate", str(scratch / "hand"), "-f", "json", codes=(1,)),
    }


def test_every_registered_output_has_a_sample(samples: dict[str, dict[str, Any]]) -> None:
    assert set(samples) == {o.name for o in JSON_OUTPUTS}
    for name, document in samples.items():
        assert errors(name, document) == [], name


def _mutations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each top-level field removed, and set to a value of the wrong type; an unknown field."""
    for key, value in document.items():
        removed = copy.deepcopy(document)
        del removed[key]
        yield f"without {key}", removed
        wrong = copy.deepcopy(document)
        wrong[key] = {"not": "this"} if not isinstance(value, dict) else [value]
        yield f"{key} of the wrong type", wrong
    extra = copy.deepcopy(document)
    extra["surprise"] = 1
    yield "an undeclared field", extra


@pytest.mark.parametrize("name", [o.name for o in JSON_OUTPUTS])
def test_a_mutated_document_fails(name: str, samples: dict[str, dict[str, Any]]) -> None:
    passed = [what for what, doc in _mutations(samples[name]) if not errors(name, doc)]
    assert passed == [], f"{name}: the schema accepts a document {passed}"


@pytest.mark.parametrize(
    ("name", "path", "key"),
    [
        ("review", ("findings", 0), "rule_id"),
        ("review", ("summary",), "by_severity"),
        ("constraints", ("constraints",), "error_budget"),
        ("simulate", ("simulation",), "availability"),
        ("cost", ("resources", 0), "address"),
        ("cost-explain", ("movers", 0), "service"),
        ("dry-run", ("files",), "added"),
        ("validate", ("results", 0), "status"),
        ("import", ("findings", "services", 0), "evidence"),
        ("import", ("questions", 0), "key"),
    ],
    ids=str,
)
def test_a_nested_required_field_removed_fails(
    name: str, path: tuple[str | int, ...], key: str, samples: dict[str, dict[str, Any]]
) -> None:
    document = copy.deepcopy(samples[name])
    node: Any = document
    for step in path:
        node = node[step]
    del node[key]
    assert errors(name, document), f"{name}: {'/'.join(map(str, path))} without {key} passes"


# --- (4) one registry -------------------------------------------------------------------


def _leaf_commands(
    command: Any, ctx: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every runnable command under ``command``. Duck-typed: recent Typer vendors its own
    click, whose classes are not ``click``'s."""
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _leaf_commands(sub, type(ctx)(sub, parent=ctx), (*path, name))
    else:
        yield path, command


def _writes_json(command: Any) -> bool:
    for param in command.params:
        opts = getattr(param, "opts", [])
        if "--json" in opts:
            return True
        if "--format" in opts:
            # an Enum of formats (OutputFormat) or a str whose help lists them
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            choices = [str(c.value) for c in annotation] if isinstance(annotation, EnumMeta) else []
            if "json" in choices or "json" in (getattr(param, "help", "") or "").lower():
                return True
    return False


def test_every_command_with_a_json_format_is_registered() -> None:
    root = typer.main.get_command(app)
    context = root.context_class(root)
    with_json = {path for path, command in _leaf_commands(root, context) if _writes_json(command)}
    assert ("schema",) in {path for path, _ in _leaf_commands(root, context)}
    registered = {o.command for o in JSON_OUTPUTS}
    assert with_json == registered, (
        "a command writes --format json without a schema (add it to cli/_outputs.JSON_OUTPUTS) "
        "or a registered one no longer does"
    )


def test_registry_names_are_unique_and_looked_up() -> None:
    names = [o.name for o in JSON_OUTPUTS]
    assert len(set(names)) == len(names)
    assert json_output("cost-explain").command == ("cost", "explain")
    with pytest.raises(KeyError, match="known: constraints"):
        json_output("import-nope")
