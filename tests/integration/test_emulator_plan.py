"""Every Terraform root of every example plans against a local AWS emulator (issue 20):
each account's bootstrap and each environment, with the add-on IAM and every module it
calls. ``terraform validate`` passes on trees that fail here (a count on an unknown
value, a provider argument the API refuses, a data source that finds nothing), so this is
what `validate` now runs too (validate/_emulator.py), and the test uses the same code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra_architect._output import write_tree
from infra_architect.validate import Toolchain
from infra_architect.validate._emulator import (
    EMULATOR_URL_ENV,
    PLAN_TOOL,
    run_emulator_plans,
    terraform_roots,
)
from tests.conftest import EXAMPLES, generate
from tests.integration.test_emulator_apply import emulator

pytestmark = pytest.mark.integration

__all__ = ["emulator"]  # the moto fixture, shared with the apply test


@pytest.fixture(scope="module")
def tools() -> Toolchain:
    found = Toolchain.discover()
    if found.terraform is None or found.plugin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("terraform and a provider mirror are required in CI")
        pytest.skip("terraform or the provider mirror is absent")
    return found


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_root_plans_against_the_emulator(
    spec: Path,
    tools: Toolchain,
    emulator: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, generate(spec), force=False)
    roots = terraform_roots(tree / "infra" / "terraform")
    assert {root.parts[0] for root in roots} == {"bootstrap", "environments"}
    monkeypatch.setenv(EMULATOR_URL_ENV, emulator)
    results = list(run_emulator_plans(tools, tree, tmp_path / "work"))
    assert [r.target for r in results] == [f"infra/terraform/{r.as_posix()}" for r in roots]
    failed = [f"{r.target}: {r.detail}\n  " + "\n  ".join(r.findings) for r in results
              if r.status != "passed"]  # fmt: skip
    assert not failed, "\n".join(failed)
    assert all(r.tool == PLAN_TOOL and "to add" in r.detail for r in results)


def test_a_non_loopback_emulator_is_refused(
    tools: Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan sends the configuration to the API: only a local emulator may get it."""
    tree = tmp_path / "tree"
    write_tree(tree, generate(EXAMPLES[0]), force=False)
    monkeypatch.setenv(EMULATOR_URL_ENV, "http://198.51.100.7:4566")
    (result,) = run_emulator_plans(tools, tree, tmp_path / "work")
    assert result.status == "skipped"
    assert "not a loopback" in result.detail
