"""A design does not depend on the order the spec lists things in.

An importer (or a user tidying a spec) may list the same services, stores, queues and
call edges in any order; the system is the same, so its design must be too. Every
bundled example is designed as written and with ``system.services``,
``system.datastores``, ``system.queues`` and each service's ``calls`` reversed, and the
two designs are compared by name: replicas and sizes per environment, nodes, every
cost line, the availability figures and every decision's choice (the things a choice
names are listed in the spec's order, which is the reader's, so compared as a set).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.spec import load_requirements
from tests.conftest import ROOT

EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))


def _reversed(document: dict[str, Any]) -> dict[str, Any]:
    system = document["system"]
    services = [
        {**s, "calls": list(reversed(s["calls"]))} if "calls" in s else s
        for s in reversed(system["services"])
    ]
    out = {**system, "services": services}
    for key in ("datastores", "queues"):
        if key in system:
            out[key] = list(reversed(system[key]))
    return {**document, "system": out}


@cache
def _design(name: str, tmp: Path | None) -> Design:
    catalog = load_catalog()
    path = ROOT / "examples" / f"{name}.yaml"
    if tmp is not None:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        path = tmp / f"{name}-reversed.yaml"
        path.write_text(yaml.safe_dump(_reversed(document), sort_keys=False), encoding="utf-8")
    return design_system(load_requirements(path, catalog.regions), catalog)


def _by_name(design: Design) -> dict[str, Any]:
    """The figures a reader compares, keyed by name (never by position)."""
    out: dict[str, Any] = {}
    for s in design.compute.services:
        out[f"service {s.name}"] = (s.min_replicas, s.max_replicas, s.vcpu, s.memory_mb)
    for env in design.environments:
        out[f"{env.name} nodes"] = (env.node_type, env.node_min, env.node_max)
        out[f"{env.name} node groups"] = sorted(
            (g.min_size, g.max_size, g.desired_size) for g in env.node_groups
        )
        for sz in env.services:
            out[f"{env.name} service {sz.name}"] = (
                sz.min_replicas,
                sz.max_replicas,
                sz.pod_disruption_min_available,
                sz.vcpu,
                sz.memory_mb,
            )
        for st in env.stores:
            out[f"{env.name} store {st.name}"] = (
                st.instance_class,
                st.nodes,
                st.multi_az,
                st.read_replicas,
                st.storage_gb,
            )
    for env_cost in design.cost.environments:
        out[f"{env_cost.name} total"] = round(env_cost.total_monthly_usd.value, 6)
        out[f"{env_cost.name} lines"] = sorted(
            (line.component, line.workload, round(line.monthly_usd.value, 6))
            for line in env_cost.lines
        )
    out["total"] = round(design.cost.total_monthly_usd.value, 6)
    for c in design.availability.composite:
        out[f"composite {c.path}"] = (c.single_region.value, c.design.value, c.meets_slo)
    for p in design.simulation.availability:
        out[f"simulated {p.path}"] = (p.monte_carlo.closed_form, p.monte_carlo.mean)
    spike = design.simulation.spike
    if spike is not None:
        out["spike buffer nodes"] = spike.buffer_nodes
        for o in spike.tuned:
            out[f"spike {o.service}"] = (o.min_replicas, o.max_replicas, round(o.shed, 6))
    for d in design.decisions:
        # a choice that names several things lists them in the spec's order, the
        # reader's: the same choice is the same words, in any order
        out[f"decision {d.id}"] = sorted(re.findall(r"[^\s,;]+", d.selected))
    return out


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_design_does_not_depend_on_list_order(name: str, tmp_path_factory: Any) -> None:
    original = _by_name(_design(name, None))
    reordered = _by_name(_design(name, tmp_path_factory.mktemp(name)))
    differing = {
        k: (original.get(k), reordered.get(k))
        for k in original.keys() | reordered.keys()
        if original.get(k) != reordered.get(k)
    }
    assert not differing, differing
