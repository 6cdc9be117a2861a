"""Which checkov runs share one process, and what a failed shared run reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from infra_architect.validate._emulator import emulator_environment
from infra_architect.validate._tools import (
    TERRAFORM_GOGC,
    checkov_interpreter,
    go_collector,
    manifest_scan,
    run_checkov_scans,
)


def _script(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("first_line", "shared"),
    [
        (f"#!{sys.executable}\n", True),
        ("#!/bin/sh\n", False),  # a wrapper: its own call per scan
        ("#!/usr/bin/env python3\n", False),  # not a path to the interpreter itself
        (f"#!{sys.executable} -E\n", False),  # options the driver would drop
        ("\x7fELF\x02\x01", False),  # a binary
    ],
    ids=["python-script", "shell-wrapper", "env-lookup", "with-options", "binary"],
)
def test_checkov_runs_in_one_process_only_when_it_is_a_python_script(
    tmp_path: Path, first_line: str, shared: bool
) -> None:
    checkov = _script(tmp_path / "checkov", first_line + "pass\n")
    assert (checkov_interpreter(checkov) is not None) is shared


def test_a_driver_that_cannot_import_checkov_fails_every_scan_with_its_error(
    tmp_path: Path,
) -> None:
    # this environment's Python has no checkov: the driver fails before any scan runs
    checkov = _script(tmp_path / "checkov", f"#!{sys.executable}\n")
    manifests = tmp_path / "prod" / "rendered.yaml"
    manifests.parent.mkdir()
    manifests.write_text("{}\n", encoding="utf-8")
    scans = [manifest_scan("infra/k8s/overlays/prod", manifests)] * 2
    results = run_checkov_scans(checkov, scans, tmp_path)
    assert [(r.status, r.detail) for r in results] == [("failed", "checkov produced no report")] * 2
    assert any("No module named 'checkov'" in line for line in results[0].findings)


def test_terraform_runs_with_a_lazier_go_collector_unless_told_otherwise() -> None:
    assert go_collector({"PATH": "/bin"})["GOGC"] == TERRAFORM_GOGC
    assert go_collector({"GOGC": "off"})["GOGC"] == "off"
    plan = emulator_environment({}, "http://127.0.0.1:5000", None)
    assert plan["GOGC"] == TERRAFORM_GOGC
