"""A lost node, task or zone: what each takes, and when it serves again.

On Kubernetes a node holds a share of every service's pods; on Fargate each task is its
own micro-VM, so the single failure is one task of one service (issue 17: every ECS
design lost "one node" holding 100 % of the fleet). On Lambda nothing is lost that the
design holds.
"""

from __future__ import annotations

import math
import re

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import Design, design_system
from infra_architect.render import render_all, render_docs
from infra_architect.simulate import (
    Cluster,
    Scaler,
    SimService,
    Spike,
    capacity_loss,
    simulate,
)
from infra_architect.spec import load_requirements, parse_document, validate_document
from tests.conftest import ROOT, VALID

ECS = Scaler(
    kind="target-tracking", sync_seconds=60, metric_delay_seconds=60, alarm_periods=3,
    cooldown_seconds=60, down_stabilisation_seconds=300, down_percent=10,
    pod_start_seconds=60,
)  # fmt: skip
HPA = Scaler(
    kind="hpa", sync_seconds=15, metric_delay_seconds=15, tolerance=0.1, up_percent=100,
    up_pods=4, down_stabilisation_seconds=300, down_percent=10, pod_start_seconds=30,
    node_provision_seconds=180,
)  # fmt: skip
BUDGET = 2_592_000 * 0.001


def _service(name: str, load: float, replicas: int, share: float = 0.0) -> SimService:
    """A service holding ``replicas`` at ``load`` (10 per replica at 100 %, target 0.5)."""
    return SimService(
        name=name, baseline=load, capacity_per_replica=10.0, target=0.5, saturates=False,
        min_replicas=replicas, max_replicas=replicas * 4, node_share=share, queued=False,
        monthly_budget=load * BUDGET,
    )  # fmt: skip


def _example(stem: str, catalog: Catalog) -> Design:
    return design_system(load_requirements(ROOT / "examples" / f"{stem}.yaml", catalog.regions),
                         catalog)  # fmt: skip


# --- the simulation ------------------------------------------------------------------


def test_a_fargate_service_loses_one_task_not_the_fleet() -> None:
    # web: 4 replicas at 20/s (5/s each at peak); api: 10 at 50/s. One task of web is
    # 1/4 of web's capacity; one of api only 1/10, so web is where one task costs most.
    services = [_service("web", 20.0, 4), _service("api", 50.0, 10)]
    loss = capacity_loss(
        services, [20.0, 50.0], ECS, Cluster(nodes=0, max_nodes=0), "task",
        zones=3, detection_seconds=20, evict_seconds=20,
    )  # fmt: skip
    assert (loss.event, loss.replica, loss.replicas_lost) == ("task", "task", 1)
    assert loss.worst_service == "web"
    assert loss.replicas_running == 4
    assert loss.capacity_lost_share == pytest.approx(1 / 4)
    # requests routed to the dead task until the health check: its quarter of 20/s for 20 s
    assert loss.failed_before_detection == pytest.approx(20.0 / 4 * 20)
    assert loss.absorbs_peak  # 3 x 10/s carry 20/s
    assert loss.shed_after_detection == 0
    # the service scheduler starts the replacement at detection; a task start later it
    # serves (not at the target tracking's next one-minute datapoint: 120 s)
    assert loss.seconds_to_restore == 20 + 60
    assert "task" in loss.what_fails
    assert loss.what_fails == "one task of web"


def test_a_task_platform_has_no_node_to_lose() -> None:
    # the bug: Cluster(nodes=0) read as one node holding every replica
    with pytest.raises(ValueError, match="lose a task"):
        capacity_loss(
            [_service("web", 20.0, 4)], [20.0], ECS, Cluster(nodes=0, max_nodes=0), "node",
            zones=3, detection_seconds=20, evict_seconds=20,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("nodes", "replicas", "expected"),
    [(10, [4, 25], [1, 3]), (3, [4, 25], [2, 9]), (1, [4, 25], [4, 25])],
    ids=["ten-nodes", "three-nodes", "one-node"],
)
def test_a_node_takes_its_share_of_every_service(
    nodes: int, replicas: list[int], expected: list[int]
) -> None:
    """Unchanged on Kubernetes: ceil(replicas / nodes) of each service, at worst."""
    services = [_service(f"s{i}", r * 5.0, r, share=0.05) for i, r in enumerate(replicas)]
    loss = capacity_loss(
        services, [r * 5.0 for r in replicas], HPA, Cluster(nodes=nodes, max_nodes=nodes * 2),
        "node", zones=3, detection_seconds=20, evict_seconds=70,
    )  # fmt: skip
    assert (loss.event, loss.replica) == ("node", "pod")
    assert loss.replicas_lost == sum(expected)
    assert loss.replicas_running == sum(replicas)
    assert loss.capacity_lost_share == pytest.approx(sum(expected) / sum(replicas))


def test_lost_replicas_are_replaced_the_second_they_are_declared_dead() -> None:
    """The controller (ReplicaSet, ECS service scheduler) recreates them at eviction, not
    at the autoscaler's next sync."""
    service = _service("web", 20.0, 4).model_copy(update={"lost_replicas": 1})
    spike = Spike(shape="step", multiplier=1, start_seconds=0, hold_seconds=600,
                  horizon_seconds=600)  # fmt: skip
    run = simulate([service], ECS, Cluster(nodes=0, max_nodes=0), spike, evict_seconds=20)
    ready = run.ready[0, 0]
    assert ready[79] == 3
    assert ready[80] == 4
    assert int(ready.argmax()) == 80


# --- the design ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ecs(catalog: Catalog) -> tuple[Design, dict[str, str]]:
    design = _example("saas-team", catalog)
    return design, render_all(design)


def test_a_fargate_node_failure_answer_loses_one_task(
    catalog: Catalog, ecs: tuple[Design, dict[str, str]]
) -> None:
    design, files = ecs
    assert design.compute.platform == "ecs-fargate"
    faults = design.simulation.faults
    assert faults is not None
    assert faults.unit == "task"
    loss = faults.node
    assert loss is not None
    assert (loss.event, loss.replica, loss.replicas_lost) == ("task", "task", 1)
    service = next(p for p in design.compute.services if p.name == loss.worst_service)
    assert loss.replicas_running >= service.min_replicas >= 2
    assert loss.capacity_lost_share == pytest.approx(1 / loss.replicas_running)
    # recovery from the catalog: the target group's unhealthy threshold x interval, then
    # a Fargate task start
    t = catalog.design.timings
    detection = t.unhealthy_threshold * t.health_check_interval_seconds
    assert loss.seconds_to_restore == detection + t.fargate_task_start_seconds
    scenario = next(s for s in design.availability.scenarios if s.id == "node-failure")
    assert loss.seconds_to_restore == scenario.recovery.value
    # the documents say task
    dod = design.definition_of_done[0]
    assert dod.question == "What happens when a task dies?"
    assert f"one task of {loss.worst_service} fails (1 of its {loss.replicas_running}" in (
        dod.answer
    )
    assert "node" not in dod.answer
    runbook = files["docs/runbooks/node-failure.md"]
    simulated = runbook.split("## Simulated", 1)[1].split("## Operator actions", 1)[0]
    assert "| Tasks lost when one task fails (at peak) | 1 of " in simulated
    assert "(sent to the lost task)" in simulated
    assert f"| Every lost replica serving again | {loss.seconds_to_restore} s |" in simulated
    assert not re.search(r"\b(node|nodes|pods?)\b", simulated)
    assert "What happens when a task dies?" in files["docs/definition-of-done.md"]


def test_a_fargate_zone_loses_its_share_of_tasks(ecs: tuple[Design, dict[str, str]]) -> None:
    design, files = ecs
    zone = design.simulation.faults.zone  # type: ignore[union-attr]
    assert zone is not None
    assert zone.replica == "task"
    # a zone's tasks: 1/azs of each serving service, rounded up per service
    azs = design.constraints.topology.availability_zones.whole
    serving = len([p for p in design.compute.services if p.type.serves_requests])
    assert zone.replicas_running / azs <= zone.replicas_lost < zone.replicas_running / azs + serving
    assert "| Tasks lost with one AZ (at peak) |" in files["docs/runbooks/az-outage.md"]


def test_eks_still_loses_a_node_with_its_pods(catalog: Catalog) -> None:
    """The ecommerce example (EKS) loses a node as before: ceil(replicas / nodes) of every
    request-serving service at peak (the golden's figures at the commit before this one:
    25 pods, 4 %, 6,502 failed, 0 shed; only the restore moved, 105 s -> 100 s)."""
    design = _example("ecommerce", catalog)
    pool = design.compute.node_pool
    assert pool is not None
    faults = design.simulation.faults
    assert faults is not None
    assert faults.unit == "node"
    loss = faults.node
    assert loss is not None
    assert (loss.event, loss.replica) == ("node", "pod")
    nodes = pool.min_nodes.whole
    replicas = [
        max(p.min_replicas, math.ceil(round(c.peak_load.value / c.load_per_replica.value, 6)))
        for p in design.compute.services
        if p.autoscaling is not None and p.type.serves_requests
        for c in [design.constraints.service(p.name)]
    ]
    assert loss.replicas_running == sum(replicas)
    assert loss.replicas_lost == sum(min(r, math.ceil(r / nodes)) for r in replicas) > 1
    dod = design.definition_of_done[0]
    assert dod.question == "What happens when a node dies?"
    assert f"one node takes {loss.replicas_lost} pods" in dod.answer
    # the pods come back when the runbook's arithmetic says, or a new node later when
    # the surviving nodes have no room for them
    scenario = next(s for s in design.availability.scenarios if s.id == "node-failure")
    recovery = scenario.recovery.value
    assert loss.seconds_to_restore in (recovery, recovery + design.compute.capacity_start_seconds)
    runbook = render_all(design)["docs/runbooks/node-failure.md"]
    assert f"| Pods lost with one node (at peak) | {loss.replicas_lost} (" in runbook


def test_lambda_simulates_no_node_or_task_loss_and_says_why(catalog: Catalog) -> None:
    text = VALID.replace("team: {size: 6,", "decisions: {compute: lambda}\nteam: {size: 6,")
    # No Terraform module builds Lambda yet, so the shipped catalog refuses the pin; the
    # simulation is exercised with a catalog that marks it buildable.
    compute = {**catalog.buildable.compute, "lambda": "lambda"}
    lambda_catalog = catalog.model_copy(
        update={"buildable": catalog.buildable.model_copy(update={"compute": compute})}
    )
    design = design_system(
        validate_document(parse_document(text, "s.yaml"), catalog.regions), lambda_catalog
    )
    faults = design.simulation.faults
    assert faults is not None
    assert faults.unit == "execution environment"
    assert faults.node is None
    assert faults.zone is None
    assert "no node or task to lose" in faults.not_simulated
    # the documents only: no module builds Lambda, so its Terraform is never rendered
    files = render_docs(design)
    assert (
        "| Loss of one execution environment | not simulated: Lambda"
        in files["docs/runbooks/node-failure.md"]
    )
    assert "| Loss of one AZ | not simulated: Lambda" in files["docs/runbooks/az-outage.md"]
    dod = design.definition_of_done[0]
    assert dod.question == "What happens when an execution environment dies?"
    assert f"Not simulated: {faults.not_simulated}." in dod.answer
    assert "tasks per service" not in dod.answer
