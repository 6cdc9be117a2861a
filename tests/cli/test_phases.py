"""``design --phases`` on a real terminal (a pty driven by pexpect): the constraints, then
each decision with its priced options, a pin chosen mid-way saved into the spec (its
comments kept) and used by the written design; Ctrl-C writes nothing and exits 130."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.cli.test_cli import EXE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

EXAMPLE = Path(__file__).parents[2] / "src" / "infra_architect" / "examples" / "ecommerce.yaml"


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    return pexpect.spawn(
        EXE, list(args), cwd=str(cwd), env=env, encoding="utf-8", timeout=90, dimensions=(50, 120)
    )


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    target = tmp_path / "spec.yaml"
    shutil.copyfile(EXAMPLE, target)
    return target


def test_a_pin_chosen_mid_way_is_saved_and_designed_with(spec: Path, tmp_path: Path) -> None:
    original = spec.read_text()
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    assert comments, "the example must carry comments for this test to mean anything"
    child = spawn("design", str(spec), "-o", "out", "--phases", cwd=tmp_path)
    child.expect("Phase 1: Constraints")
    child.expect("Error budget")
    child.expect("Press Enter")
    child.sendline("")
    child.expect("Phase 2: Compute and topology")
    child.expect(r"decisions\.topology: the options")
    child.expect(r"Keep single-region, or pin decisions\.topology to")
    child.sendline("")  # confirmed: no pin
    child.expect(r"decisions\.compute: the options")
    child.expect(r"ecs-fargate\s*│\s*[\d,]+\s*│\s*-[\d,]+")  # priced below the chosen eks
    child.expect(r"Keep eks, or pin decisions\.compute to")
    child.sendline("ecs-fargate")  # the pin chosen mid-way, not the design's default
    child.expect(r"pinned decisions\.compute: ecs-fargate")
    child.expect("Phase 3: Network and data")
    child.expect(r"Keep per-az, or pin decisions\.nat to")
    child.sendline("")
    child.expect("Phase 4: Delivery")
    # the delivery phase reflects the earlier pin: ECS rolls (Service Connect), EKS canaries
    child.expect(r"Keep rolling, or pin decisions\.deployment to")
    child.sendline("")
    child.expect(r"pins saved to .*spec\.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before

    saved = spec.read_text()
    assert "decisions:\n  compute: ecs-fargate\n" in saved
    for comment in comments:
        assert comment in saved
    assert "topology" not in saved.split("decisions:")[1]  # confirmed, so not pinned
    design = json.loads((tmp_path / "out" / "design.json").read_text())["design"]
    assert design["compute"]["platform"] == "ecs-fargate"
    assert design["compute"]["decision"]["pinned"] is True
    assert design["delivery"]["strategy"] == "rolling"  # what the pin led to, as shown


def test_ctrl_c_at_a_phase_writes_nothing_and_exits_130(spec: Path, tmp_path: Path) -> None:
    original = spec.read_bytes()
    child = spawn("design", str(spec), "-o", "out", "--phases", cwd=tmp_path)
    child.expect("Press Enter")
    child.sendline("")
    child.expect(r"Keep single-region, or pin decisions\.topology to")
    child.sendline("")
    child.expect(r"Keep eks, or pin decisions\.compute to")
    child.sendline("ecs-fargate")  # a pin made, then abandoned
    child.expect(r"Keep per-az, or pin decisions\.nat to")
    child.sendintr()
    child.expect("nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert spec.read_bytes() == original
    assert not (tmp_path / "out").exists()


def test_phases_off_a_terminal_is_a_clear_exit_2(spec: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [EXE, "design", str(spec), "-o", "out", "--phases"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 2
    assert "--phases: needs a terminal" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
