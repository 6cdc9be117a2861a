"""The bundled example: the simulation's figures reach the runbooks and the Definition
of Done, and the settings it chose reach the manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from infra_architect._figures import number
from infra_architect.catalog import Catalog, load_catalog
from infra_architect.cli import app
from infra_architect.engine import Design, design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "ecommerce.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def design(catalog: Catalog) -> Design:
    return design_system(load_requirements(EXAMPLE, catalog.regions), catalog)


def test_the_definition_of_done_cites_the_simulation(design: Design) -> None:
    sim = design.simulation
    assert sim.faults is not None
    assert sim.faults.node is not None
    assert sim.spike is not None
    node, spike, rollout = design.definition_of_done[:3]
    n = sim.faults.node
    assert f"one node takes {n.replicas_lost} pods" in node.answer
    assert f"every replica serves again after {n.seconds_to_restore} s" in node.answer
    mc = sim.availability[0].monte_carlo
    assert f"{mc.mean * 100:.4f}%" in node.answer
    shed = number(round(sum(o.shed for o in sim.spike.tuned)))
    assert f"{shed} requests shed" in spike.answer
    assert sim.spike.within
    assert spike.done
    chosen = next(r for r in sim.faults.rollouts if r.strategy == design.delivery.strategy)
    assert f"{number(round(chosen.failed))} requests fail" in rollout.answer


def test_runbooks_carry_the_simulated_figures_and_the_spike_chart(design: Design) -> None:
    files = render_all(design)
    spike = files["docs/runbooks/traffic-spike.md"]
    assert "## Simulated" in spike
    assert spike.count("xychart-beta") == 2
    series = design.simulation.spike.series  # type: ignore[union-attr]
    assert series is not None
    assert "line [" + ", ".join(f"{round(v, 1):g}" for v in series.load) + "]" in spike
    for scenario in ("node-failure", "az-outage", "failed-rollout", "emergency-rollback",
                     "region-outage"):  # fmt: skip
        text = files[f"docs/runbooks/{scenario}.md"]
        assert "## Simulated" in text, scenario
    zone = design.simulation.faults.zone  # type: ignore[union-attr]
    assert zone is not None
    runbook = files["docs/runbooks/az-outage.md"]
    assert f"{zone.replicas_lost} ({zone.capacity_lost_share:.0%}" in runbook


def test_the_settings_the_spike_chose_reach_the_manifests(design: Design) -> None:
    study = design.simulation.spike
    assert study is not None
    assert study.changes
    files = render_all(design)
    for outcome in study.tuned:
        plan = next(p for p in design.compute.services if p.name == outcome.service)
        assert plan.min_replicas == outcome.min_replicas
        hpa = yaml.safe_load(files[f"infra/k8s/base/{plan.name}/hpa.yaml"])
        assert hpa["spec"]["minReplicas"] == outcome.min_replicas
        assert hpa["spec"]["behavior"]["scaleUp"]["policies"][0]["value"] == 100
    # the metric the study chose for a service is the one its HPA reads, at the rate asked
    switched = [c for c in study.changes if "scales on requests per second" in c]
    assert switched
    for change in switched:
        name, rate = change.split(":")[0], change.split("(")[1].split(" ")[0]
        (metric,) = yaml.safe_load(files[f"infra/k8s/base/{name}/hpa.yaml"])["spec"]["metrics"]
        assert metric["pods"]["metric"]["name"] == "http_server_requests_per_second"
        assert metric["pods"]["target"]["averageValue"] == rate
    assert max(o.budget_share for o in study.designed) > study.budget_share_limit


def test_simulate_prints_tables_and_writes_the_plot(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = CliRunner().invoke(app, ["simulate", str(EXAMPLE), "-o", str(out), "--trials", "1000"])
    assert result.exit_code == 0, result.output
    assert "Availability of storefront's path" in result.output
    assert "Faults at peak" in result.output
    assert (out / "spike.png").stat().st_size > 10_000
    assert (out / "spike.svg").read_text().lstrip().startswith("<?xml")
    as_json = CliRunner().invoke(
        app, ["simulate", str(EXAMPLE), "-o", str(out), "--trials", "1000", "-f", "json"]
    )
    assert as_json.exit_code == 0
    assert '"kind": "Simulation"' in as_json.output
    bad = CliRunner().invoke(app, ["simulate", str(EXAMPLE), "-f", "xml"])
    assert bad.exit_code == 2
