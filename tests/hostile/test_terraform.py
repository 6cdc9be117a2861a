"""Hostile Terraform (issue 16, items 4-6): what Terraform accepts is read, a tiny file
cannot make evaluation take minutes, gigabytes or the whole review, and `cost DIR`
reads only regular files inside what it was given.

Each input is a fixture built here. Every run goes through the audited harness
(nothing outside read or written, no exit 70, no traceback, a time bound); the tests
add what each promise means: the finding a hostile file tried to hide is reported, the
bound that stopped evaluation is named with its file and line, and the rest of the
report is intact.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import subprocess

import pytest

from tests.hostile.conftest import Run, Sandbox

EXIT_INCOMPLETE = 3
"""review: something could not be read or evaluated (the gate must not pass)."""

PUBLIC_DATABASE = """\
resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  publicly_accessible = true
  storage_encrypted   = false
}
"""


def _review(sandbox: Sandbox, *extra: str, timeout: float = 60) -> tuple[Run, dict[str, object]]:
    run = sandbox.run(
        "review", str(sandbox.tree), "-f", "json", "--fail-on", "none", *extra, timeout=timeout
    )
    return run, json.loads(run.stdout)


def _findings(report: dict[str, object]) -> set[tuple[str, str]]:
    found = report["findings"]
    assert isinstance(found, list)
    return {(f["rule_id"], address) for f in found for address in f["resources"]}


def _skipped(report: dict[str, object]) -> list[str]:
    skipped = report["skipped"]
    assert isinstance(skipped, list)
    return [f"{s['path']}: {s['reason']}" for s in skipped]


# --- item 4: valid literals the grammar did not read ----------------------------------


@pytest.fixture
def exponent_tree(sandbox: Sandbox) -> Sandbox:
    """A public, unencrypted database whose file holds exponent literals (`2e1`), one of
    them right before a nested block: once a syntax error that hid the whole file, and
    before a block a silent misreading of the block."""
    (sandbox.tree / "main.tf").write_text(
        PUBLIC_DATABASE.replace("allocated_storage   = 20", "allocated_storage   = 2e1")
        + 'resource "aws_db_instance" "reports" {\n  engine = "postgres"\n'
        '  max_allocated_storage = 1e3\n  timeouts {\n    create = "1h"\n  }\n'
        "  publicly_accessible = true\n}\n"
    )
    return sandbox


def test_an_exponent_literal_hides_no_finding(exponent_tree: Sandbox) -> None:
    run, report = _review(exponent_tree)
    found = _findings(report)
    assert ("IA-TF-010", "aws_db_instance.orders") in found  # public
    assert ("IA-TF-008", "aws_db_instance.orders") in found  # unencrypted
    assert ("IA-TF-010", "aws_db_instance.reports") in found
    assert _skipped(report) == []
    assert run.returncode == 0


# --- item 5: resource exhaustion from tiny files --------------------------------------


@pytest.fixture
def doubling_tree(sandbox: Sandbox) -> Sandbox:
    """Sixty locals, each the one before written twice (2 KB): a string of 2**60
    characters, and 2**60 evaluations without memoisation. An instance's size is taken
    from it (cost and the rules evaluate it); a public database beside it."""
    lines = ['  a0 = "x"'] + [
        f'  a{i} = "${{local.a{i - 1}}}${{local.a{i - 1}}}"' for i in range(1, 61)
    ]
    (sandbox.tree / "locals.tf").write_text(
        "locals {\n" + "\n".join(lines) + "\n}\n"
        'resource "aws_instance" "web" {\n  instance_type = local.a60\n'
        "  user_data = local.a60\n  tags = { Name = local.a59 }\n}\n"
    )
    (sandbox.tree / "db.tf").write_text(PUBLIC_DATABASE)
    return sandbox


def test_self_doubling_locals_finish_within_the_timeout(doubling_tree: Sandbox) -> None:
    run, report = _review(doubling_tree, "--timeout", "5", timeout=60)
    assert run.seconds < 20, f"took {run.seconds:.1f} s"
    assert ("IA-TF-010", "aws_db_instance.orders") in _findings(report)
    # which bound stops it first (the string's size or the chain's depth) depends on
    # where evaluation starts; either is named with the file, line and local
    notes = [
        s
        for s in _skipped(report)
        if s.startswith("locals.tf:1: local.a") and s.endswith("(evaluated as unknown)")
    ]
    assert notes, _skipped(report)
    assert run.returncode == EXIT_INCOMPLETE  # a value was not evaluated: never a clean pass


GIB = 1024**3


@pytest.fixture
def range_tree(sandbox: Sandbox) -> Sandbox:
    """`range(100000000)`: 40 bytes of text, 4 GB of list."""
    (sandbox.tree / "main.tf").write_text(
        "locals {\n  big = range(100000000)\n}\n"
        'resource "aws_instance" "fleet" {\n  count         = length(local.big)\n'
        '  instance_type = "t3.micro"\n}\n'
    )
    (sandbox.tree / "db.tf").write_text(PUBLIC_DATABASE)
    return sandbox


def _address_space(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_huge_range_is_bounded_in_memory(
    range_tree: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the child runs with 1.5 GiB of address space: the list would need 4 GB
    limited = functools.partial(
        subprocess.run, preexec_fn=functools.partial(_address_space, GIB * 3 // 2)
    )
    monkeypatch.setattr(subprocess, "run", limited)
    run, report = _review(range_tree, "--timeout", "20", timeout=60)
    assert run.seconds < 30
    assert ("IA-TF-010", "aws_db_instance.orders") in _findings(report)
    assert any(
        s.startswith("main.tf:1: local.big: range() of 100,000,000 numbers")
        for s in _skipped(report)
    ), _skipped(report)
    assert run.returncode == EXIT_INCOMPLETE


@pytest.fixture
def deep_hcl_tree(sandbox: Sandbox) -> Sandbox:
    """A value nested 500 deep and blocks nested 500 deep, beside a public database."""
    (sandbox.tree / "value.tf").write_text(
        "locals {\n  deep = " + "[" * 500 + "1" + "]" * 500 + "\n}\n"
        'resource "aws_s3_bucket" "b" {\n  bucket = local.deep\n}\n'
    )
    (sandbox.tree / "blocks.tf").write_text(
        'resource "aws_security_group" "g" {\n'
        + "".join(f"  b{i} {{\n" for i in range(500))
        + "  }\n" * 500
        + "}\n"
    )
    (sandbox.tree / "db.tf").write_text(PUBLIC_DATABASE)
    return sandbox


def test_hcl_nested_500_deep_keeps_the_report(deep_hcl_tree: Sandbox) -> None:
    run, report = _review(deep_hcl_tree)
    assert ("IA-TF-010", "aws_db_instance.orders") in _findings(report)
    skipped = _skipped(report)
    assert any(s.startswith("value.tf:2: a value nested deeper than") for s in skipped), skipped
    assert any(s.startswith("blocks.tf:") and "a block nested deeper" in s for s in skipped)
    assert run.returncode == EXIT_INCOMPLETE


@pytest.fixture
def deep_plan_tree(sandbox: Sandbox) -> Sandbox:
    """`terraform show -json` of 500 nested modules with a public database at the
    bottom: deeper than Python's JSON parser recurses."""
    module = (
        '{"address": "module.m499.aws_db_instance.deep", "resources": [{"address": '
        '"module.m499.aws_db_instance.deep", "mode": "managed", "type": "aws_db_instance", '
        '"name": "deep", "values": {"engine": "postgres", "publicly_accessible": true, '
        '"storage_encrypted": false}}]}'
    )
    for i in range(500):
        module = f'{{"address": "module.m{i}", "resources": [], "child_modules": [{module}]}}'
    (sandbox.tree / "deep.tfplan.json").write_text(
        f'{{"format_version": "1.2", "planned_values": {{"root_module": {module}}}}}'
    )
    (sandbox.tree / "db.tf").write_text(PUBLIC_DATABASE)
    return sandbox


def test_a_plan_500_modules_deep_is_read(deep_plan_tree: Sandbox) -> None:
    run, report = _review(deep_plan_tree)
    found = _findings(report)
    assert ("IA-TF-010", "module.m499.aws_db_instance.deep") in found
    assert ("IA-TF-010", "aws_db_instance.orders") in found
    assert _skipped(report) == []
    assert run.returncode == 0


# --- item 6: cost DIR reads only regular files inside what it was given --------------


PRICED = 'resource "aws_instance" "web" {\n  instance_type = "m6i.large"\n}\n'


@pytest.fixture
def fifo_tree(sandbox: Sandbox) -> Sandbox:
    """A FIFO named like a Terraform file: opening it waits for a writer forever."""
    (sandbox.tree / "main.tf").write_text(PRICED)
    os.mkfifo(sandbox.tree / "network.tf")
    return sandbox


def test_cost_dir_skips_a_fifo_and_says_so(fifo_tree: Sandbox) -> None:
    run = fifo_tree.run("cost", str(fifo_tree.tree), "-f", "json", timeout=60)
    assert run.returncode == 0, run.stderr
    bill = json.loads(run.stdout)
    assert [r["address"] for r in bill["resources"]] == ["aws_instance.web"]
    assert "network.tf: a named pipe (FIFO), not a regular file: not read" in bill["skipped"]
    assert not [p for p in run.paths("open") if p.endswith("network.tf")]


def test_cost_dir_of_only_a_fifo_is_bad_input(sandbox: Sandbox) -> None:
    os.mkfifo(sandbox.tree / "main.tf")
    run = sandbox.run("cost", str(sandbox.tree), timeout=60)
    assert run.returncode == 2
    assert "none of its .tf files could be read" in run.stderr
    assert "main.tf: a named pipe (FIFO), not a regular file" in run.stderr


@pytest.fixture
def linked_out_tree(sandbox: Sandbox) -> Sandbox:
    """A module directory and a .tf file symlinked to the canary directory (which holds
    a database that must never be read)."""
    (sandbox.tree / "main.tf").write_text(
        PRICED + 'module "shared" {\n  source = "./modules/shared"\n}\n'
    )
    (sandbox.tree / "modules").mkdir()
    (sandbox.tree / "modules" / "shared").symlink_to(sandbox.outside, target_is_directory=True)
    (sandbox.tree / "extra.tf").symlink_to(sandbox.outside / "secret.tf")
    return sandbox


def test_cost_dir_never_follows_a_link_out(linked_out_tree: Sandbox) -> None:
    run = linked_out_tree.run("cost", str(linked_out_tree.tree), "-f", "json", timeout=60)
    assert run.returncode == 0, run.stderr
    bill = json.loads(run.stdout)
    assert [r["address"] for r in bill["resources"]] == ["aws_instance.web"]
    skipped = "\n".join(bill["skipped"])
    assert "extra.tf: symlink leads outside the tree" in skipped
    assert "module.shared: source ./modules/shared leaves the reviewed tree" in skipped


def test_cost_dir_reads_modules_of_the_tree_it_is_given(sandbox: Sandbox) -> None:
    """`../` modules are read only inside --tree: without it they are listed, unread."""
    prod = sandbox.tree / "envs" / "prod"
    prod.mkdir(parents=True)
    (sandbox.tree / "modules" / "web").mkdir(parents=True)
    (sandbox.tree / "modules" / "web" / "main.tf").write_text(PRICED)
    (prod / "main.tf").write_text('module "web" {\n  source = "../../modules/web"\n}\n')
    alone = json.loads(sandbox.run("cost", str(prod), "-f", "json", timeout=60).stdout)
    assert alone["resources"] == []
    assert (
        "module.web: source ../../modules/web leaves the reviewed tree (not read)"
        in (alone["skipped"])
    )
    run = sandbox.run("cost", str(prod), "--tree", str(sandbox.tree), "-f", "json", timeout=60)
    bill = json.loads(run.stdout)
    assert [r["address"] for r in bill["resources"]] == ["module.web.aws_instance.web"]
    assert bill["skipped"] == []
