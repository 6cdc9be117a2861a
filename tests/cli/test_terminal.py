"""On a real terminal (a pty driven by pexpect) the tool asks, then proceeds."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from infra_architect.spec import Runtime, load_requirements
from tests.cli.test_cli import EXE
from tests.conftest import VALID

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    return pexpect.spawn(
        EXE, list(args), cwd=str(cwd), env=env, encoding="utf-8", timeout=30, dimensions=(50, 160)
    )


def test_missing_slo_is_asked_then_constraints_print(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID.replace("availability: {slo: 99.9}\n", ""))
    child = spawn("constraints", str(spec), cwd=tmp_path)
    child.expect("availability.slo")
    child.expect("why: The SLO is the error budget")
    child.expect(r"What availability must the system reach")
    child.sendline("100")  # out of range: asked again
    child.expect("must be less than 100")
    child.sendline("99.9")
    child.expect("answers saved to")
    child.expect("Error budget at 99.9%")
    child.expect("43.2 min")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "slo: 99.9" in spec.read_text()


def test_init_interviews_and_writes_a_valid_spec(tmp_path: Path, catalog) -> None:
    target = tmp_path / "infra-architect.yaml"
    child = spawn("init", str(target), cwd=tmp_path)
    answers = [
        ("System name", "demo-shop"),
        ("Datastore name", "orders-db"),
        ("Engine of orders-db", "postgres"),
        ("Datastore name", ""),
        ("Queue name", ""),
        ("Service name", "web"),
        ("Type of web", "web"),
        ("reachable from the internet", "y"),
        ("Runtime of web", "go"),
        ("Measured CPU milliseconds per request of web", ""),
        ("Service name", "api"),
        ("Type of api", "api"),
        ("reachable from the internet", "n"),
        ("Runtime of api", ""),
        ("Measured CPU milliseconds per request of api", "12"),
        ("Service name", "search"),
        ("Type of search", "api"),
        ("reachable from the internet", "n"),
        ("Runtime of search", "java"),
        ("Measured CPU milliseconds per request of search", ""),
        ("Service name", ""),
        ("Services web calls", "api, search"),
        ("Calls to api per request to web", "2"),
        ("Calls to search per request to web", ""),
        ("Datastores and queues web uses", ""),
        ("Services api calls", ""),
        ("Datastores and queues api uses", "orders-db"),
        ("Services search calls", ""),
        ("Datastores and queues search uses", ""),
        ("concurrent users or as requests per second", "rps"),
        ("Average requests per second", "40"),
        ("What availability must the system reach", "99.5"),
        ("How many production deploys per day", "3"),
        ("How many engineers", "4"),
        ("How much operations experience", "medium"),
        ("Kubernetes experience", "low"),
        ("AWS region", "eu-central-1"),
        ("Compliance regimes", "gdpr"),
        ("RTO", ""),
        ("RPO", ""),
        ("budget", "2000"),
    ]
    for prompt, answer in answers:
        child.expect(prompt)
        child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    requirements = load_requirements(target, catalog.regions)
    assert requirements.metadata.name == "demo-shop"
    web, api, search = requirements.system.services
    assert [s.name for s in requirements.system.services] == ["web", "api", "search"]
    # what sizes compute is asked: the runtime, or a measured CPU per request
    assert (web.runtime, web.cpu_ms_per_request) == (Runtime.GO, None)
    assert (api.runtime, api.cpu_ms_per_request) == (None, 12)
    assert search.runtime is Runtime.JAVA
    # and, for a caller with several callees, how often it calls each (empty: split)
    assert [(c.service, c.per_request) for c in web.calls] == [("api", 2), ("search", None)]
    assert web.call_rates() == [("api", 2), ("search", 0.5)]
    assert requirements.availability.slo == 99.5
    assert requirements.budget is not None
    assert requirements.budget.monthly_usd == 2000


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_interview_text_wraps_between_words_at_a_narrow_terminal(tmp_path: Path) -> None:
    """At 60 columns every line the interview prints fits the width (a longer one would
    be cut by the terminal wherever the column ends, mid-word), and the reason still
    reads whole."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID.replace("availability: {slo: 99.9}\n", ""))
    env = {**os.environ, "COLUMNS": "60", "TERM": "xterm"}
    child = pexpect.spawn(
        EXE,
        ["constraints", str(spec)],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 60),
    )
    seen = io.StringIO()
    child.logfile_read = seen
    child.expect(r"99\.9\)\?:")
    shown = ANSI.sub("", seen.getvalue())
    child.sendline("99.9")
    child.expect(pexpect.EOF)
    child.close()
    lines = shown.replace("\r", "").split("\n")
    assert max(len(line) for line in lines) <= 60, lines
    words = " ".join(shown.split())
    assert (
        "why: The SLO is the error budget (99.9% allows 43.2 min per 30 days); it decides "
        "how many AZs or regions the design spans, what pages a human, and what it costs."
    ) in words


def test_an_answer_that_makes_the_spec_infeasible_is_warned_at_once(tmp_path: Path) -> None:
    """The engine's own conflict check runs after the answer: a budget far below the
    cost floor is said right after the SLO completes the spec, before anything is saved."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID.replace("availability: {slo: 99.9}\n", "") + "budget: {monthly_usd: 1}\n")
    child = spawn("constraints", str(spec), cwd=tmp_path)
    child.expect(r"What availability must the system reach")
    child.sendline("99.9")
    child.expect(r"infeasible:\S* the budget \(\$1/month\) is below the cost floor")
    child.expect("answers saved to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
