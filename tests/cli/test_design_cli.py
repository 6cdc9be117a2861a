"""`infra-architect design` end to end: the tree, the manifest, --force, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run
from tests.conftest import ROOT, call_ladder

SPECS = ROOT / "tests" / "specs"


def test_design_without_a_spec_writes_the_bundled_example(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("design", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "docs" / "architecture.md").is_file()
    assert len(list((out / "docs" / "runbooks").glob("*.md"))) == 6
    manifest = json.loads((out / ".infra-architect" / "manifest.json").read_text())
    assert "docs/tradeoffs.md" in manifest["files"]
    design = json.loads((out / "design.json").read_text())
    assert design["kind"] == "Design"
    assert design["feasible"] is True


def test_rerun_refuses_to_overwrite_an_edited_file_and_names_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("design", "-o", str(out)).returncode == 0
    edited = out / "docs" / "runbooks" / "az-outage.md"
    edited.write_text(edited.read_text() + "\nOur own escalation notes.\n")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = run("design", "-o", str(out))
    assert result.returncode == 2
    assert str(edited) in result.stderr
    assert "--force" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before, "a refused run must write nothing"
    forced = run("design", "-o", str(out), "--force")
    assert forced.returncode == 0
    assert "Our own escalation notes." not in edited.read_text()


def test_rerun_with_nothing_edited_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("design", "-o", str(out)).returncode == 0
    result = run("design", "-o", str(out))
    assert result.returncode == 0
    assert "0 written" in result.stdout


def test_a_file_the_tool_never_wrote_is_protected(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    mine = out / "docs" / "architecture.md"
    mine.write_text("my own notes\n")
    result = run("design", "-o", str(out))
    assert result.returncode == 2
    assert str(mine) in result.stderr
    assert mine.read_text() == "my own notes\n"


def test_infeasible_spec_writes_loud_documents_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("design", str(SPECS / "infeasible.yaml"), "-o", str(out))
    assert result.returncode == 1
    assert "INFEASIBLE" in result.stdout
    architecture = (out / "docs" / "architecture.md").read_text()
    assert "> **INFEASIBLE" in architecture
    assert "| ERROR |" in architecture


def test_impossible_pin_is_a_located_spec_error(tmp_path: Path) -> None:
    spec = tmp_path / "pinned.yaml"
    text = (ROOT / "examples" / "saas-team.yaml").read_text()
    spec.write_text(text + "decisions:\n  compute: eks\n")
    line = len(text.splitlines()) + 2
    result = run("design", str(spec), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{spec}:{line}:3: decisions.compute: 'eks' cannot hold" in result.stderr
    assert "fix:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_call_graph_past_any_buildable_size_is_one_located_problem(tmp_path: Path) -> None:
    """80 levels of s{i} → s{i+1}, s{i+2}, each stated once per request: ~1.6e16 calls at
    the bottom for one incoming request. One located problem naming the first service past
    the bound, its calls, its call paths and the fix; exit 2, no traceback."""
    spec = tmp_path / "deep.yaml"
    spec.write_text(call_ladder(80, per_request=1))
    result = run("design", str(spec), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert f"{spec}:" in result.stderr
    assert "system.services[15].calls[0]: one request entering the system becomes 1,597 calls " in (
        result.stderr
    )
    assert "to 's016' along 1,597 call paths" in result.stderr
    assert "fix: state per_request on the calls into 's016'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_every_call_once_on_a_deep_ladder_is_reported_beyond_the_bound_not_priced(
    tmp_path: Path,
) -> None:
    """The same ladder with per_request unset is a sane design (each caller's requests
    split between its callees); its "every call once per request" variant would reach
    s039 ~1e8 times per request, so it is reported beyond the bound with the service and
    its calls, never sized (at 200 levels sizing it asked for ~1e40 node groups)."""
    spec = tmp_path / "deep.yaml"
    spec.write_text(call_ladder(40))
    out = tmp_path / "out"
    result = run("design", str(spec), "-o", str(out))
    assert result.returncode in {0, 1}, result.stderr
    assert "Traceback" not in result.stderr
    design = json.loads((out / "design.json").read_text())["design"]
    [fan_out] = [a for a in design["assumption_costs"] if a["id"] == "call-fan-out"]
    assert fan_out["scenarios"] == [
        {
            "label": "if every request called every callee",
            "service": "s016",
            "calls_per_request": 1597.0,
            "call_paths": 1597,
            "route": "s000 ×1 → " + " → ".join(f"s{i:03d} ×1" for i in range(2, 16)) + " → s016",
            "bound": 1000.0,
        }
    ]
    assert design["assumption_costs"][0]["id"] == "call-fan-out", "it is what the bill rests on"
    cost = (out / "docs" / "cost.md").read_text()
    assert (
        "| if every request called every callee | not priced, beyond what can be built: one "
        "request entering the system would become 1,597 calls to s016 along 1,597 call paths "
        "(at most 1,000 per request can reach one service) | — |"
    ) in cost
