"""The `import` command: stdout or -o, --force, -f json, bad input, unreadable files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra_architect.cli import app

DEMO = Path(__file__).parent / "public" / "microservices-demo"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["import", *args])
    return result.exit_code, result.stdout, result.stderr


def test_stdout_without_output(tmp_path: Path) -> None:
    code, out, _ = _run(str(DEMO))
    assert code == 0
    assert out.startswith("# Draft requirements recovered by `infra-architect import")
    assert "apiVersion: infra-architect/v1" in out


def test_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    code, _, err = _run(str(DEMO), "-o", str(spec), "--name", "boutique")
    assert code == 0
    assert f"next: infra-architect design {spec} -o infra-architect-out" in err
    assert "name: boutique" in spec.read_text(encoding="utf-8")
    spec.write_text("mine\n", encoding="utf-8")
    code, _, err = _run(str(DEMO), "-o", str(spec))
    assert code == 2
    assert "already exists\n  fix: pass --force" in err
    assert spec.read_text(encoding="utf-8") == "mine\n"
    code, _, _ = _run(str(DEMO), "-o", str(spec), "--force")
    assert code == 0
    assert spec.read_text(encoding="utf-8").startswith("# Draft")


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_bad_path_is_one_message_and_exit_2(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "repo"
    if kind == "file":
        path.write_text("x", encoding="utf-8")
    code, out, err = _run(str(path))
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 1  # the problem, then its fix
    assert "\n  fix: give the repository's root directory" in err
    assert str(path) in err
    assert "Traceback" not in err


def test_json_prints_the_findings(tmp_path: Path) -> None:
    code, out, _ = _run(str(DEMO), "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["apiVersion"], data["kind"]) == ("infra-architect/v1", "ImportFindings")
    assert sorted(data) == ["apiVersion", "findings", "kind", "path", "questions", "unread"]
    assert sorted(data["findings"]) == sorted(
        [
            "alarms",
            "availability_zones",
            "datastores",
            "monthly_usd",
            "notes",
            "queues",
            "read_elsewhere",
            "region",
            "services",
            "unread",
        ]
    )
    store = data["findings"]["datastores"][0]
    assert store["evidence"] == {"path": "kubernetes-manifests.yaml", "line": 372}
    # the draft's must-not-guess questions, then the optional ones it leaves open
    assert [q["key"] for q in data["questions"] if q["required"]] == [
        "traffic",
        "availability.slo",
        "delivery.deploys_per_day",
        "team.size",
        "team.ops_experience",
    ]
    assert [q["key"] for q in data["questions"] if not q["required"]] == [
        "availability.rto_minutes / rpo_minutes",
        "traffic.growth",
    ]
    assert data["unread"] == data["findings"]["unread"]


def test_an_unreadable_file_is_warned_and_listed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DEMO, repo)
    (repo / "broken.yaml").write_bytes(b"kind: Deployment\nmetadata: {name: [\n")
    code, out, err = _run(str(repo))
    assert code == 0
    assert "warning: could not read broken.yaml: not YAML" in err
    assert "# Could not read (what they hold is missing from this draft):" in out
    assert "#   - broken.yaml: not YAML" in out
