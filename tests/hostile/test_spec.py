"""Hostile and odd specs through the real CLI (issue 16, item 8).

Each case is a spec that once crashed the tool (exit 70), hung it, or slipped through
unlocated; run as ``constraints`` and as ``design`` under the audit harness, it must end
within a bound with exit 2 and one message naming the file, the line and the field (or
with 0/1 where the spec is legitimately valid or infeasible), never 70, never a
traceback, never touching anything but the spec and the output directory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import VALID
from tests.hostile.conftest import Sandbox

SECONDS = 60
"""Bound of one run (the slowest, a design, takes a few seconds)."""


def _edit(old: str, new: str) -> Callable[[], str]:
    def build() -> str:
        assert old in VALID, old
        return VALID.replace(old, new, 1)

    return build


def _text(text: str) -> Callable[[], str]:
    return lambda: text


def _alias_bomb() -> str:
    lines = ["bomb0: &b0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, 7)]
    return VALID + "\n".join(lines) + "\n"


def _chain(length: int, per_request: float, *, rps: float = 100) -> str:
    services = [
        f"    - {{name: s{i}, type: api, calls: [{{service: s{i + 1}, per_request: "
        f"{per_request}}}]}}"
        for i in range(length)
    ]
    services[0] = services[0].replace("type: api,", "type: api, public: true,")
    services.append(f"    - {{name: s{length}, type: api}}")
    return (
        "apiVersion: infra-architect/v1\nkind: Requirements\nmetadata: {name: chain}\n"
        "system:\n  services:\n" + "\n".join(services) + "\n"
        f"traffic: {{requests_per_second: {rps}}}\navailability: {{slo: 99.9}}\n"
        "delivery: {deploys_per_day: 1}\nteam: {size: 6, ops_experience: medium}\n"
    )


def _services(count: int) -> str:
    extra = "".join(f"    - {{name: extra-{i}, type: worker}}\n" for i in range(count))
    return VALID.replace("  datastores:\n", extra + "  datastores:\n", 1)


@dataclass(frozen=True)
class Case:
    """A hostile spec and what each command must make of it."""

    id: str
    spec: Callable[[], str]
    constraints: int
    design: int
    says: tuple[str, ...] = ()
    """Parts of the message (whitespace-normalised), e.g. ``spec.yaml:19:9`` and the field."""


WORKER_ONLY_DB = "- {name: worker, type: worker, uses: [db]}"
CRON_HOURLY = "- {name: worker, type: cron, schedule: '@hourly'}"

CASES = [
    # --- legitimately valid: design, exit 0 ----------------------------------------------
    Case(
        "worker-without-queue",
        _edit("- {name: worker, type: worker, uses: [events]}", "- {name: worker, type: worker}"),
        0,
        0,
    ),
    Case(
        "worker-using-only-a-table",
        _edit("- {name: worker, type: worker, uses: [events]}", WORKER_ONLY_DB),
        0,
        0,
    ),
    Case("cron-macro", _edit("- {name: worker, type: worker, uses: [events]}", CRON_HOURLY), 0, 0),
    Case(
        "date-as-description",
        _edit("metadata: {name: demo}", "metadata: {name: demo, description: 2024-01-01}"),
        0,
        0,
    ),
    Case("negative-zero", _edit("deploys_per_day: 2", "deploys_per_day: -0.0"), 0, 0),
    Case("yaml-1.1-directive", lambda: "%YAML 1.1\n---\n" + VALID, 0, 0),
    Case(
        # the web service was no entry any more: traffic arrived nowhere, the ALB fronted
        # nothing and design exited 1 without Terraform
        "worker-calls-the-only-web-service",
        lambda: VALID.replace("      public: true\n", "").replace(
            "- {name: worker, type: worker, uses: [events]}",
            "- {name: worker, type: worker, uses: [events], calls: [web]}",
        ),
        0,
        0,
    ),
    Case(
        # MemoryDB under PCI DSS: the compliance claims looked up its encryption (exit 70);
        # since issue 18 it is designed and built (the memorydb module)
        "redis-as-primary-under-pci",
        lambda: (
            VALID.replace(
                "{name: db, engine: postgres}", "{name: db, engine: redis, role: primary}"
            )
            + "compliance: [pci-dss]\n"
        ),
        0,
        0,
    ),
    Case(
        "fan-out-at-the-bound",
        lambda: VALID.replace("calls: [api]", "calls: [{service: api, per_request: 1000}]").replace(
            "requests_per_second: 100", "requests_per_second: 1"
        ),
        0,
        0,
    ),
    # --- YAML the spec cannot hold: exit 2 at the line -------------------------------------
    Case(
        "omap",
        _edit("metadata: {name: demo}", "metadata: !!omap [name: demo]"),
        2,
        2,
        ("spec.yaml:3:11", "!!omap is not used in a spec"),
    ),
    Case(
        "omap-document",
        _text("--- !!omap\n- apiVersion: infra-architect/v1\n- kind: Requirements\n"),
        2,
        2,
        ("spec.yaml:1:5", "!!omap"),
    ),
    Case(
        "self-merge",
        _edit("metadata: {name: demo}", "metadata: &m\n  name: demo\n  <<: *m"),
        2,
        2,
        ("spec.yaml:5:3", "merges a mapping into itself"),
    ),
    Case(
        "yaml-1.3",
        lambda: "%YAML 1.3\n---\n" + VALID,
        2,
        2,
        ("spec.yaml:1:1", "%YAML 1.3 is not a YAML version"),
    ),
    Case(
        "5000-digit-integer",
        _edit("size: 6", "size: " + "9" * 5000),
        2,
        2,
        ("spec.yaml:19:14", "a number written with 5,000 characters"),
    ),
    Case(
        "python-object",
        _edit("metadata: {name: demo}", "metadata: !!python/object/apply:os.system [touch x]"),
        2,
        2,
        ("spec.yaml:3:11", "!!python/object/apply:os.system is not used"),
    ),
    Case(
        "binary",
        _edit("metadata: {name: demo}", "metadata: {name: !!binary ZGVtbw==}"),
        2,
        2,
        ("spec.yaml:3:18", "!!binary"),
    ),
    Case(
        "set",
        _edit("metadata: {name: demo}", "metadata: {name: !!set {demo}}"),
        2,
        2,
        ("spec.yaml:3:18", "!!set"),
    ),
    Case(
        "custom-tag",
        _edit("type: web", "type: !shell web"),
        2,
        2,
        ("spec.yaml:7:13", "!shell"),
    ),
    Case(
        "int-tag-on-text",
        _edit("size: 6", "size: !!int six"),
        2,
        2,
        ("spec.yaml:19:14", "'six' cannot be read as !!int"),
    ),
    Case(
        "bool-tag-on-text",
        _edit("public: true", "public: !!bool maybe"),
        2,
        2,
        ("spec.yaml:8:15", "'maybe' cannot be read as !!bool"),
    ),
    Case(
        "timestamp-as-name",
        _edit("metadata: {name: demo}", "metadata: {name: 2024-01-01}"),
        2,
        2,
        ("spec.yaml:3:12", "metadata.name", "'2024-01-01' is not a valid name"),
    ),
    Case(
        "nan",
        _edit("slo: 99.9", "slo: .nan"),
        2,
        2,
        ("spec.yaml:17:16", "availability.slo", "nan is not a number"),
    ),
    Case(
        "infinity",
        _edit("requests_per_second: 100", "requests_per_second: .inf"),
        2,
        2,
        ("spec.yaml:16:11", "traffic.requests_per_second", "inf is not a number"),
    ),
    Case(
        "huge-float",
        _edit("requests_per_second: 100", "requests_per_second: 1e308"),
        2,
        2,
        ("spec.yaml:16:11", "traffic.requests_per_second", "out of range"),
    ),
    Case(
        "float-overflowing-to-inf",
        _edit("requests_per_second: 100", "requests_per_second: 1e400"),
        2,
        2,
        ("spec.yaml:16:11", "traffic.requests_per_second", "inf is not a number"),
    ),
    Case(
        "negative-zero-slo",
        _edit("slo: 99.9", "slo: -0.0"),
        2,
        2,
        ("spec.yaml:17:16", "availability.slo", "out of range"),
    ),
    Case(
        "cpu-1e-9",
        _edit("{name: api, type: api,", "{name: api, type: api, cpu_ms_per_request: 1e-9,"),
        2,
        2,
        ("spec.yaml:10:", "system.services[1].cpu_ms_per_request", "at least 0.001"),
    ),
    Case(
        "deep-flow",
        _edit(
            "metadata: {name: demo}",
            "metadata: {name: demo, owner: " + "[" * 5000 + "]" * 5000 + "}",
        ),
        2,
        2,
        ("spec.yaml:3:", "nested too deeply"),
    ),
    Case(
        "long-string",
        _edit(
            "metadata: {name: demo}", "metadata: {name: demo, description: " + "x" * 100_000 + "}"
        ),
        2,
        2,
        ("spec.yaml:3:24", "metadata.description", "too long"),
    ),
    Case(
        "long-key",
        lambda: VALID + "k" * 100_000 + ": 1\n",
        2,
        2,
        ("spec.yaml:20:", "malformed YAML"),
    ),
    Case(
        "list-as-key",
        _edit("metadata: {name: demo}", "metadata:\n  name: demo\n  ? [a, b]\n  : 1"),
        2,
        2,
        ("spec.yaml:5:5", "a list is used as a key"),
    ),
    Case(
        "boolean-key",
        lambda: VALID + "true: 1\n",
        2,
        2,
        ("spec.yaml:20:1", "unknown key `true`"),
    ),
    Case(
        "alias-bomb",
        _alias_bomb,
        2,
        2,
        ("spec.yaml:", "more than 100,000 values"),
    ),
    Case(
        "alias-cycle",
        lambda: "- &loop [*loop]\n",
        2,
        2,
        ("spec.yaml:1:3", "refers to itself"),
    ),
    Case(
        "file-past-256-kib",
        lambda: VALID + "# " + "x" * 300_000 + "\n",
        2,
        2,
        ("spec.yaml:", "limit 256 KiB"),
    ),
    # --- meaning: exit 2 at the value to change ------------------------------------------
    Case(
        "per-request-chain-overflowing",
        lambda: _chain(120, 1000),
        2,
        2,
        ("spec.yaml:7:", "system.services[1].calls[0]", "1,000,000 calls to 's2'"),
    ),
    Case(
        "1500-service-chain",
        lambda: _chain(1500, 1),
        2,
        2,
        ("system.services", "1,501 entries, more than 500"),
    ),
    Case(
        "501-services",
        lambda: _services(498),
        2,
        2,
        ("system.services", "501 entries, more than 500"),
    ),
    Case(
        "pinned-eks-for-a-new-team",
        _edit(
            "team: {size: 6, ops_experience: medium}",
            "team: {size: 2, ops_experience: low}\ndecisions: {compute: eks}",
        ),
        2,
        2,
        ("spec.yaml:20:13", "decisions.compute", "'eks' cannot hold"),
    ),
    # --- infeasible: exit 1, the reason said by both commands ------------------------------
    Case(
        "load-beyond-one-deployment",
        _edit(
            "traffic: {requests_per_second: 100}",
            "traffic: {concurrent_users: 1000000000, requests_per_user_per_minute: 10000}",
        ),
        1,
        1,
        ("INFEASIBLE",),
    ),
]


def _normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_spec(sandbox: Sandbox, case: Case) -> None:
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(case.spec())
    for command, expected in (("constraints", case.constraints), ("design", case.design)):
        args = [command, str(spec), "--no-interactive"]
        if command == "design":
            args += ["--output", str(sandbox.out)]
        result = sandbox.run(*args, timeout=SECONDS)
        said = _normalised(result.stdout + result.stderr)
        assert result.returncode == expected, f"{command}: {said[:2000]}"
        if expected == 2:
            assert "fix:" in said, said[:2000]
            assert said.count("problem") >= 1
        for part in case.says:
            assert _normalised(part.replace("spec.yaml", str(spec))) in said, (command, said[:3000])


def test_load_beyond_one_deployment_is_said_by_both(sandbox: Sandbox) -> None:
    """A billion users at 10,000 requests a minute: both commands exit 1 naming the
    conflict, and the design's replica bounds stop at what one service can run."""
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(
        VALID.replace(
            "traffic: {requests_per_second: 100}",
            "traffic: {concurrent_users: 1000000000, requests_per_user_per_minute: 10000}",
        )
    )
    checked = sandbox.run("constraints", str(spec), "-f", "json", timeout=SECONDS)
    assert checked.returncode == 1
    ids = {c["id"] for c in json.loads(checked.stdout)["constraints"]["conflicts"]}
    assert "load-beyond-one-deployment" in ids
    designed = sandbox.run("design", str(spec), "--output", str(sandbox.out), timeout=SECONDS)
    assert designed.returncode == 1
    report = json.loads((sandbox.out / "design.json").read_text())["design"]
    assert "load-beyond-one-deployment" in {c["id"] for c in report["conflicts"]}
    assert max(s["max_replicas"] for s in report["compute"]["services"]) == 5000


def test_kafka_is_designed_and_built(sandbox: Sandbox) -> None:
    """Kafka is buildable (catalog/buildable.yaml): ``constraints`` announces no gap and
    ``design`` writes its Terraform."""
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(VALID.replace("{name: events, engine: sqs}", "{name: events, engine: kafka}"))
    checked = sandbox.run("constraints", str(spec), "-f", "json", timeout=SECONDS)
    assert checked.returncode == 0, checked.stderr
    conflicts = json.loads(checked.stdout)["constraints"]["conflicts"]
    assert "terraform-not-generated" not in {c["id"] for c in conflicts}
    designed = sandbox.run("design", str(spec), "--output", str(sandbox.out), timeout=SECONDS)
    assert designed.returncode == 0, designed.stderr
    assert (sandbox.out / "infra" / "terraform" / "modules" / "msk" / "main.tf").is_file()


def test_budget_priced_only_by_design_is_said_by_constraints(sandbox: Sandbox) -> None:
    """A budget above the cost floor but below the whole design's price: ``constraints``
    exits 0 and says ``design`` checks the budget again; ``design`` exits 1 over budget."""
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(VALID + "budget: {monthly_usd: 1500}\n")
    checked = sandbox.run("constraints", str(spec), "-f", "json", timeout=SECONDS)
    assert checked.returncode == 0, checked.stderr
    [note] = json.loads(checked.stdout)["checked_only_by_design"]
    assert note.startswith("budget: $1,500/month covers the cost floor")
    table = sandbox.run("constraints", str(spec), timeout=SECONDS)
    assert "checked only by `design`: budget" in _normalised(table.stdout)
    designed = sandbox.run("design", str(spec), "--output", str(sandbox.out), timeout=SECONDS)
    assert designed.returncode == 1
    report = json.loads((sandbox.out / "design.json").read_text())["design"]
    assert "estimate-over-budget" in {c["id"] for c in report["conflicts"]}


def test_worker_without_queue_scales_on_cpu(sandbox: Sandbox) -> None:
    """A worker that consumes no queue is designed (it crashed the Terraform renderer):
    it scales on CPU, and nothing refers to a queue it does not have."""
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(VALID.replace("- {name: worker, type: worker, uses: [events]}", WORKER_ONLY_DB))
    designed = sandbox.run("design", str(spec), "--output", str(sandbox.out), timeout=SECONDS)
    assert designed.returncode == 0, designed.stderr
    plan = json.loads((sandbox.out / "design.json").read_text())["design"]
    worker = next(s for s in plan["compute"]["services"] if s["name"] == "worker")
    assert worker["autoscaling"]["metric"] == "cpu-utilisation"


def test_a_spec_at_every_limit_still_designs_in_bound(sandbox: Sandbox, tmp_path: Path) -> None:
    """The bounds leave room for real specs: 500 services (the limit) design within the
    time bound."""
    spec = sandbox.tree / "spec.yaml"
    spec.write_text(_services(497))
    designed = sandbox.run("design", str(spec), "--output", str(sandbox.out), timeout=120)
    assert designed.returncode == 0, designed.stderr[-2000:]


def _fifo(spec: Path) -> str:
    os.mkfifo(spec)
    return "a named pipe (FIFO), not a regular file"


def _dev_zero(spec: Path) -> str:
    spec.symlink_to("/dev/zero")
    return "a device, not a regular file"


def _dangling(spec: Path) -> str:
    spec.symlink_to(spec.with_name("missing.yaml"))
    return "no such file"


@pytest.mark.parametrize(
    "make", [_fifo, _dev_zero, _dangling], ids=["fifo", "dev-zero", "dangling"]
)
def test_a_spec_that_is_no_regular_file_is_never_read(
    sandbox: Sandbox, make: Callable[[Path], str]
) -> None:
    """A pipe named like a spec blocked `constraints` and `design` forever (opened for
    reading); a link to /dev/zero would never end. Neither is opened: exit 2, saying so."""
    spec = sandbox.tree / "spec.yaml"
    said = make(spec)
    for args in (("constraints", str(spec)), ("design", str(spec), "-o", str(sandbox.out))):
        result = sandbox.run(*args, timeout=SECONDS)
        assert result.returncode == 2, result.stderr
        assert said in result.stderr
        assert not [p for p in result.paths("open") if p in ("/dev/zero", str(spec))]
