from __future__ import annotations

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
    """The whole generated tree for ``spec``, as `infra-architect design` writes it."""
    catalog = load_catalog()
    design = design_system(load_requirements(spec, catalog.regions), catalog)
    return render_all(design)
