"""The CLI as users run it: the installed console script, real exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from tests.conftest import EXAMPLES, VALID

EXE = shutil.which("infra-architect", path=str(Path(sys.executable).parent)) or "infra-architect"


def run(*args: str, stdin: str | None = None, cwd: Path | None = None):
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        env=env,
        check=False,
        timeout=60,
    )


def test_bundled_example_prints_constraints() -> None:
    result = run("constraints")
    assert result.returncode == 0, result.stderr
    for expected in (
        "shopfront",
        "43.2 min",
        "3,000 requests/s",
        "storefront",
        "Cost floor",
        "pilot light",
        "Assumptions",
    ):
        assert expected in result.stdout


def test_json_output_is_machine_readable() -> None:
    result = run("constraints", "--format", "json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["kind"] == "Constraints"
    assert document["feasible"] is True
    constraints = document["constraints"]
    assert constraints["error_budget"]["per_30_days"]["value"] == 43.2
    assert constraints["traffic"]["peak_rps"]["value"] == 3000
    assert {s["name"] for s in constraints["services"]} >= {"storefront", "checkout"}


def test_output_is_deterministic() -> None:
    assert run("constraints", "-f", "json").stdout == run("constraints", "-f", "json").stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_runs(path: Path) -> None:
    result = run("constraints", str(path), "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["feasible"] is True


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("infra-architect ")
    help_text = run("--help").stdout
    for command in ("constraints", "schema", "init"):
        assert command in help_text
    assert "bundled e-commerce example" in run("constraints", "--help").stdout


def test_schema_command_validates_every_example() -> None:
    schema = json.loads(run("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    for path in EXAMPLES:
        validator.validate(YAML(typ="safe", pure=True).load(path.read_text()))


def test_infeasible_spec_exits_1_and_says_why(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        VALID.replace("slo: 99.9", "slo: 99.999").replace(
            "team: {size: 6, ops_experience: medium}",
            "team: {size: 1, ops_experience: low}\nbudget: {monthly_usd: 100}",
        )
    )
    result = run("constraints", str(spec))
    assert result.returncode == 1
    assert "INFEASIBLE" in result.stdout
    assert "budget-below-cost-floor" in result.stdout


BAD_INPUTS = {
    "out-of-range": (
        VALID.replace("slo: 99.9", "slo: 100.5"),
        "availability.slo",
        "100.5 is out of range",
    ),
    "unknown-key": (
        VALID.replace("deploys_per_day", "deploy_per_day"),
        "delivery.deploy_per_day",
        "did you mean `deploys_per_day`?",
    ),
    "wrong-type": (VALID.replace("size: 6", "size: six"), "team.size", "not a whole number"),
    "zero-team": (VALID.replace("size: 6", "size: 0"), "team.size", "out of range"),
    "negative-users": (
        VALID.replace(
            "requests_per_second: 100", "concurrent_users: -1, requests_per_user_per_minute: 1"
        ),
        "traffic.concurrent_users",
        "out of range",
    ),
    "duplicate-name": (
        VALID.replace("{name: worker,", "{name: api,"),
        "system.services[2].name",
        "duplicate name 'api'",
    ),
    "dangling-call": (
        VALID.replace("calls: [api]", "calls: [apx]"),
        "system.services[0].calls[0]",
        "no service named 'apx'",
    ),
    "dangling-use": (
        VALID.replace("uses: [events]", "uses: [evnts]"),
        "system.services[2].uses[0]",
        "no datastore or queue named 'evnts'",
    ),
    "malformed-yaml": ("apiVersion: [\n", "", "malformed YAML"),
    "empty": ("", "", "the file is empty"),
}


@pytest.mark.parametrize(
    ("content", "field", "message"), list(BAD_INPUTS.values()), ids=list(BAD_INPUTS)
)
def test_bad_input_is_one_message_exit_2(tmp_path: Path, content: str, field: str, message: str):
    spec = tmp_path / "spec.yaml"
    spec.write_text(content)
    result = run("constraints", str(spec))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert str(spec) in result.stderr
    assert message in result.stderr
    assert "fix:" in result.stderr
    if field:
        assert f": {field}: " in result.stderr


def test_binary_file(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(Path(sys.executable).read_bytes()[:4096])
    result = run("constraints", str(spec))
    assert (result.returncode, "binary content" in result.stderr) == (2, True)


def test_many_megabytes(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("a: " + "x" * (5 * 1024 * 1024))
    result = run("constraints", str(spec))
    assert (result.returncode, "5.0 MiB" in result.stderr) == (2, True)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    result = run("constraints", str(tmp_path))
    assert (result.returncode, "is a directory" in result.stderr) == (2, True)


def test_usage_error_exits_2() -> None:
    result = run("constraints", "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_slo_without_a_terminal_lists_the_question(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID.replace("availability: {slo: 99.9}\n", ""))
    result = run("constraints", str(spec))
    assert result.returncode == 2
    assert "1 required input missing" in result.stderr
    assert "availability.slo: What availability must the system reach" in result.stderr
    assert "why: The SLO is the error budget" in result.stderr
    assert spec.read_text() == VALID.replace("availability: {slo: 99.9}\n", "")  # untouched


def test_missing_inputs_answered_on_stdin_with_interactive(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    original = "# team notes stay\n" + VALID.replace("availability: {slo: 99.9}\n", "")
    spec.write_text(original)
    result = run("constraints", str(spec), "--interactive", "-f", "json", stdin="99.9\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["constraints"]["error_budget"]["slo"] == 99.9
    saved = spec.read_text()
    assert saved.startswith("# team notes stay\n")
    assert "availability:\n  slo: 99.9\n" in saved


def test_interview_cut_short_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    original = VALID.replace("availability: {slo: 99.9}\n", "")
    spec.write_text(original)
    result = run("constraints", str(spec), "--interactive", stdin="")
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert spec.read_text() == original


def test_init_from_example_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "infra-architect.yaml"
    assert run("init", str(target), "--example", "saas-team").returncode == 0
    assert run("constraints", str(target)).returncode == 0
    target.write_text(target.read_text() + "# my edit\n")
    refused = run("init", str(target), "--example", "ecommerce")
    assert refused.returncode == 2
    assert "already exists" in refused.stderr
    assert target.read_text().endswith("# my edit\n")
    assert run("init", str(target), "--example", "ecommerce", "--force").returncode == 0
    assert "shopfront" in target.read_text()


def test_init_without_a_terminal_lists_every_question(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "new.yaml"))
    assert result.returncode == 2
    for key in (
        "metadata.name",
        "system.services",
        "traffic",
        "availability.slo",
        "delivery.deploys_per_day",
        "team.size",
        "team.ops_experience",
    ):
        assert f"{key}:" in result.stderr
    assert not (tmp_path / "new.yaml").exists()
