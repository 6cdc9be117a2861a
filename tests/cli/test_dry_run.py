"""`design --dry-run` and `add-service`: what a run would change (or did), named file by
file, with the decisions and cost that move; the dry run writes nothing at all."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tests.cli.test_cli import run
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "internal-tool.yaml"
"""One web service and a Postgres store: small, quick, and its database is sized from
traffic, so more users move a decision and the bill."""

CRON = """\
    - name: reminders
      type: cron
      schedule: "0 7 * * *"
      uses: [planner-db]
"""


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every entry under ``root`` (hidden ones included): mode, mtime (ns) and content hash;
    a directory's mtime moves when anything is created or removed in it."""
    found: dict[str, tuple[int, int, str]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        found[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, content)
    return found


def contents(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".infra-architect" not in p.parts
    }


def spec_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text()
    assert old in text
    spec = tmp_path / "spec.yaml"
    spec.write_text(text.replace(old, new))
    return spec


def designed(tmp_path: Path, spec: Path = EXAMPLE) -> Path:
    out = tmp_path / "out"
    result = run("design", str(spec), "-o", str(out), "--no-interactive")
    assert result.returncode == 0, result.stderr
    return out


def generated(out: Path) -> list[str]:
    """The files a real run wrote (its own state directory, .infra-architect/, aside)."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] != ".infra-architect"
    )


def dry_run(spec: Path, out: Path, *extra: str) -> dict[str, object]:
    result = run(
        "design", str(spec), "-o", str(out), "--no-interactive", "--dry-run", "-f", "json", *extra
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_dry_run_on_an_unchanged_tree_reports_nothing(tmp_path: Path) -> None:
    out = designed(tmp_path)
    before = snapshot(out)
    result = run("design", str(EXAMPLE), "-o", str(out), "--no-interactive", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == [
        f"{out}: nothing would change ({len(generated(out))} files up to date)"
    ]
    document = dry_run(EXAMPLE, out)
    assert document["changes"] is False
    assert document["design"]["decisions"] == []  # type: ignore[index]
    assert snapshot(out) == before


def test_dry_run_after_a_spec_change_lists_the_changed_files_and_the_design_diff(
    tmp_path: Path,
) -> None:
    out = designed(tmp_path)
    spec = spec_with(tmp_path, "concurrent_users: 60", "concurrent_users: 600")
    before = snapshot(out)
    document = dry_run(spec, out)
    table = run("design", str(spec), "-o", str(out), "--no-interactive", "--dry-run")
    assert snapshot(out) == before, "a dry run must leave the tree exactly as it was"
    assert not list(out.rglob("*.infra-architect-tmp"))
    assert not (out / ".infra-architect" / "journal.json").exists()

    # what it announced is exactly what a real run then changes
    real = tmp_path / "real"
    shutil.copytree(out, real)
    old = contents(real)
    assert run("design", str(spec), "-o", str(real), "--no-interactive").returncode == 0
    new = contents(real)
    files = document["files"]
    assert isinstance(files, dict)
    changed = [entry["path"] for entry in files["changed"]]
    assert changed == sorted(rel for rel in new if rel in old and new[rel] != old[rel])
    assert files["added"] == sorted(new.keys() - old.keys())
    assert files["removed"] == sorted(old.keys() - new.keys()) == []
    assert "docs/cost.md" in changed
    assert "design.json" in changed

    design = document["design"]
    assert isinstance(design, dict)
    assert design["previous"] is True
    [database] = [d for d in design["decisions"] if d["title"] == "Relational databases"]
    assert database["before"] == "RDS single-AZ: planner-db (db.t4g.micro)"
    assert database["after"] == "RDS single-AZ: planner-db (db.t4g.small)"
    assert database["why"]
    cost = design["cost"]
    old_total = json.loads(old["design.json"])["design"]["cost"]["total_monthly_usd"]["value"]
    new_total = json.loads(new["design.json"])["design"]["cost"]["total_monthly_usd"]["value"]
    assert (cost["total_before_usd"], cost["total_after_usd"]) == (old_total, new_total)
    assert new_total > old_total
    moved = {(c["environment"], c["component"]) for c in cost["changes"]}
    assert ("prod", "total") in moved
    assert ("prod", "planner-db (db.t4g.small)") in moved

    assert table.returncode == 0, table.stderr
    assert "  ~ docs/cost.md (+" in table.stdout
    assert (
        "Relational databases: RDS single-AZ: planner-db (db.t4g.micro) -> "
        "RDS single-AZ: planner-db (db.t4g.small)" in table.stdout
    )
    assert f"monthly cost: ${old_total:,.2f} -> ${new_total:,.2f}" in table.stdout


def test_json_is_stable_and_diff_gives_unified_diffs(tmp_path: Path) -> None:
    out = designed(tmp_path)
    spec = spec_with(tmp_path, "concurrent_users: 60", "concurrent_users: 600")
    first = run("design", str(spec), "-o", str(out), "--dry-run", "-f", "json", "--diff")
    second = run("design", str(spec), "-o", str(out), "--dry-run", "-f", "json", "--diff")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    [cost_md] = [
        f for f in json.loads(first.stdout)["files"]["changed"] if f["path"] == "docs/cost.md"
    ]
    assert cost_md["diff"].startswith("--- a/docs/cost.md\n+++ b/docs/cost.md\n@@ ")


def test_a_user_edited_file_is_listed_as_refused_without_force(tmp_path: Path) -> None:
    out = designed(tmp_path)
    edited = out / "docs" / "tradeoffs.md"
    edited.write_text(edited.read_text() + "\nOur own notes.\n")
    spec = spec_with(tmp_path, "concurrent_users: 60", "concurrent_users: 600")
    before = snapshot(out)
    document = dry_run(spec, out)
    files = document["files"]
    assert isinstance(files, dict)
    assert [e["path"] for e in files["edited"]] == ["docs/tradeoffs.md"]
    assert "docs/tradeoffs.md" not in [e["path"] for e in files["changed"]]
    table = run("design", str(spec), "-o", str(out), "--dry-run")
    assert "  ! docs/tradeoffs.md (+" in table.stdout
    assert "a real run refuses it without --force" in table.stdout
    assert snapshot(out) == before
    # and the real run does refuse exactly it
    refused = run("design", str(spec), "-o", str(out))
    assert refused.returncode == 2
    assert str(edited) in refused.stderr


def test_a_removed_service_lists_its_files_as_removed(tmp_path: Path) -> None:
    with_cron = spec_with(tmp_path, "  datastores:\n", CRON + "  datastores:\n")
    out = designed(tmp_path, with_cron)
    document = dry_run(EXAMPLE, out)
    files = document["files"]
    assert isinstance(files, dict)
    assert files["removed"] == [".github/workflows/reminders.yml", "services/reminders/Dockerfile"]
    assert files["added"] == []
    table = run("design", str(EXAMPLE), "-o", str(out), "--dry-run")
    assert "  - services/reminders/Dockerfile" in table.stdout


def test_first_run_would_add_everything_and_has_no_previous_design(tmp_path: Path) -> None:
    out = tmp_path / "not-yet"
    document = dry_run(EXAMPLE, out)
    assert not out.exists(), "a dry run creates nothing, not even the directory"
    files = document["files"]
    assert isinstance(files, dict)
    assert files["added"] == generated(designed(tmp_path))
    assert "design.json" in files["added"]
    assert files["changed"] == files["removed"] == []
    assert document["design"]["previous"] is False  # type: ignore[index]
    table = run("design", str(EXAMPLE), "-o", str(out), "--dry-run")
    assert "design: no design.json: there is no previous design" in table.stdout


def test_add_service_names_every_file_it_changed(tmp_path: Path) -> None:
    out = designed(tmp_path)
    spec = tmp_path / "spec.yaml"
    shutil.copyfile(EXAMPLE, spec)
    old = contents(out)
    result = run(
        "add-service", "reminders", "--type", "cron", "--schedule", "0 7 * * *",
        "--uses", "planner-db", "--spec", str(spec), "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    new = contents(out)
    listed = {line[4:] for line in result.stdout.splitlines() if line[:4] in ("  + ", "  ~ ")}
    modified = {rel for rel in new.keys() & old.keys() if new[rel] != old[rel]}
    assert "docs/architecture.md" in modified
    assert listed == (new.keys() - old.keys()) | modified
    assert "  + services/reminders/Dockerfile" in result.stdout
    assert "  ~ docs/architecture.md" in result.stdout
