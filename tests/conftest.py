from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from infra_architect.catalog import Catalog, load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


VALID = """\
apiVersion: infra-architect/v1
kind: Requirements
metadata: {name: demo}
system:
  services:
    - name: web
      type: web
      public: true
      calls: [api]
    - {name: api, type: api, uses: [db, events]}
    - {name: worker, type: worker, uses: [events]}
  datastores:
    - {name: db, engine: postgres}
  queues:
    - {name: events, engine: sqs}
traffic: {requests_per_second: 100}
availability: {slo: 99.9}
delivery: {deploys_per_day: 2}
team: {size: 6, ops_experience: medium}
"""


@pytest.fixture
def valid_text() -> str:
    return VALID


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/<scenario>/ from the current output (review the diff).",
    )


def generate(spec: Path) -> dict[str, str]:
    """The whole generated tree for ``spec``, as `infra-architect design` writes it: a
    fresh dict each call (callers may change it), designed once per test process for
    each spec text (design and render are deterministic; ~30 tests generate the same 8
    examples)."""
    return dict(_generated(spec.resolve(), spec.read_text(encoding="utf-8")))


@functools.cache
def _generated(spec: Path, text: str) -> dict[str, str]:
    del text  # part of the key only: a spec rewritten in place is designed again
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    return render_all(design)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run first (stable order otherwise): started early, the
    longest ones overlap the many short ones instead of ending the run on one worker."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def call_ladder(levels: int, per_request: float | None = None) -> str:
    """A spec whose service ``s{i}`` calls ``s{i+1}`` and ``s{i+2}``: a diamond at each
    level, so the call paths into ``s{i}`` number the Fibonacci ``F(i+1)`` (1,597 into
    s016, ~1.6e16 into s079). ``per_request``: stated on every call, else left unset (each
    caller's requests split between its two callees). JSON, which YAML reads as is."""
    services: list[dict[str, object]] = []
    for i in range(levels):
        service: dict[str, object] = {
            "name": f"s{i:03d}",
            "type": "api",
            "runtime": "go",
            "cpu_ms_per_request": 5,
        }
        callees = [f"s{j:03d}" for j in (i + 1, i + 2) if j < levels]
        if callees:
            service["calls"] = (
                callees
                if per_request is None
                else [{"service": c, "per_request": per_request} for c in callees]
            )
        services.append(service)
    return _call_graph_spec("deep", services)


def call_mesh(width: int, levels: int) -> str:
    """A plausible fan-out: one public entry calling ``width`` services, each of which
    calls every one of the ``width`` services of the next level, ``levels`` levels of
    services; every call stated once per request, so each service of the last level
    takes ``width ** (levels - 1)`` calls per incoming request (36 at 6 × 3, 216 into the
    level)."""
    tiers = [["entry"], *[[f"l{level}-{i}" for i in range(width)] for level in range(levels)]]
    services: list[dict[str, object]] = []
    for depth, tier in enumerate(tiers):
        below = tiers[depth + 1] if depth + 1 < len(tiers) else []
        for name in tier:
            service: dict[str, object] = {"name": name, "type": "api", "runtime": "go"}
            if below:
                service["calls"] = [{"service": c, "per_request": 1} for c in below]
            services.append(service)
    return _call_graph_spec("mesh", services)


def _call_graph_spec(name: str, services: list[dict[str, object]]) -> str:
    """A spec of ``services`` (the first public) at 100 requests/s, the rest defaulted."""
    services[0]["public"] = True
    return json.dumps(
        {
            "apiVersion": "infra-architect/v1",
            "kind": "Requirements",
            "metadata": {"name": name, "owner": "x"},
            "system": {"services": services},
            "traffic": {"requests_per_second": 100},
            "availability": {"slo": 99.9},
            "delivery": {"deploys_per_day": 5},
            "team": {"size": 6, "ops_experience": "high", "kubernetes_experience": "high"},
        },
        indent=1,
    )
