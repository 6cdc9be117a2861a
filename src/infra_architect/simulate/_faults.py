"""Faults, second by second: a lost node or task, a lost AZ, a bad deploy, an emergency
rollback.

Each is a per-second series over every service at once (NumPy), so the figures the
runbooks cite come from the same arithmetic whatever the number of services.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from infra_architect.simulate._spike import (
    Cluster,
    Scaler,
    SimService,
    Spike,
    simulate,
)

Floats = NDArray[np.float64]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


LossEvent = Literal["node", "task", "zone"]


class CapacityLoss(_Model):
    """What one lost node, task or zone does to the services at their peak."""

    event: LossEvent = Field(
        description="node: one node with its share of every service's pods; task: one task "
        "of one service, where the platform has no nodes (each Fargate task is its own "
        "micro-VM); zone: one AZ with its share of every service."
    )
    replica: Literal["pod", "task"] = Field(description="What one replica is on the platform.")
    replicas_lost: int
    replicas_running: int = Field(description="Replicas of the services hit, before the loss.")
    capacity_lost_share: float = Field(
        description="Share of the serving capacity of the services hit gone at once."
    )
    failed_before_detection: float = Field(description="Requests sent to dead replicas.")
    shed_after_detection: float = Field(description="Requests over the remaining capacity.")
    budget_share: float = Field(description="Failed + shed, as a share of the monthly budget.")
    absorbs_peak: bool = Field(description="The surviving replicas carry the peak at 100 %.")
    seconds_to_restore: int = Field(description="Until every lost replica serves again.")
    worst_service: str = Field(
        description="The service spending the largest share of its own budget; for a task, "
        "the service that loses it."
    )

    @property
    def what_fails(self) -> str:
        """The failure, as the documents name it."""
        if self.event == "task":
            return f"one task of {self.worst_service}"
        return "one node" if self.event == "node" else "one AZ"


def capacity_loss(
    services: list[SimService],
    peak: list[float],
    scaler: Scaler,
    cluster: Cluster,
    event: LossEvent,
    *,
    zones: int,
    detection_seconds: float,
    evict_seconds: int,
) -> CapacityLoss:
    """Lose one node (its share of every service's pods), one task of one service, or one
    zone (1/zones of every service) at peak load; requests routed to dead replicas fail
    until detection, then the survivors serve what they can while the scaler (and the node
    autoscaler) refill; the lost replicas are recreated at ``evict_seconds`` (when their
    node is declared dead, or when the ECS service scheduler finds the task unhealthy).

    Replicas at peak are what the scaler holds for it; a node holds
    ceil(replicas / nodes) of a service at worst (topology spread keeps the skew at one).
    A task is lost from the service where one task costs the most of its own budget: tasks
    share no host, so every service loses one in the same run without touching the others.
    """
    serving = [i for i, s in enumerate(services) if not s.queued]
    if not serving:
        serving = list(range(len(services)))
    chosen = [services[i] for i in serving]
    # Pods share nodes; Fargate tasks share nothing (each is its own micro-VM), so a
    # platform without nodes has no node to lose: its single failure is one task.
    on_nodes = cluster.nodes > 0 or any(s.node_share > 0 for s in chosen)
    if event == "node" and not on_nodes:
        raise ValueError("a node is lost only where replicas run on nodes; here lose a task")
    if event == "task" and on_nodes:
        raise ValueError("a task is lost alone only where replicas share no node")
    loads = np.array([peak[i] for i in serving])
    replicas = np.array(
        [
            max(s.min_replicas, math.ceil(round(p / (s.capacity_per_replica * s.target), 6)))
            for s, p in zip(chosen, loads, strict=True)
        ]
    )
    if event == "node":
        lost = np.minimum(replicas, np.ceil(replicas / max(cluster.nodes, 1))).astype(int)
        nodes_left = max(cluster.nodes - 1, 0)
    elif event == "task":
        lost = np.ones_like(replicas)
        nodes_left = cluster.nodes
    else:
        lost = np.ceil(replicas / max(zones, 1)).astype(int)
        nodes_left = cluster.nodes - math.ceil(cluster.nodes / max(zones, 1))
    left = replicas - lost
    cap = np.array([s.capacity_per_replica for s in chosen])
    failed_each = loads * lost / replicas * detection_seconds
    # After detection the survivors take the whole load; the lost replicas are replaced
    # when declared dead, and the scaler adds more if the survivors run hot.
    at_peak = [
        s.model_copy(
            update={
                "baseline": float(p),
                "min_replicas": int(r),
                "max_replicas": max(s.max_replicas, int(r)),
                "lost_replicas": int(n),
            }
        )
        for s, p, r, n in zip(chosen, loads, replicas, lost, strict=True)
    ]
    horizon = 1800
    run = simulate(
        at_peak,
        scaler,
        Cluster(nodes=nodes_left, max_nodes=cluster.max_nodes, buffer_nodes=cluster.buffer_nodes),
        Spike(
            shape="step",
            multiplier=1.0,
            start_seconds=0,
            hold_seconds=horizon,
            horizon_seconds=horizon,
        ),
        evict_seconds=evict_seconds,
    )
    after = run.shed[0].copy()
    after[:, : math.ceil(detection_seconds)] = 0.0  # counted as routed to dead replicas
    shed_each = after.sum(axis=1)
    back = run.ready[0] >= replicas[:, None]
    restore_each = np.array([int(np.argmax(row)) if row.any() else horizon for row in back])
    budgets = np.array([s.monthly_budget for s in chosen])
    share_each = (failed_each + shed_each) / budgets
    worst = int(np.argmax(share_each))
    hit = np.zeros(len(chosen), dtype=bool)
    if event == "task":
        hit[worst] = True
    else:
        hit[:] = True
    failed_before = float(failed_each[hit].sum())
    shed = float(shed_each[hit].sum())
    return CapacityLoss(
        event=event,
        replica="pod" if on_nodes else "task",
        replicas_lost=int(lost[hit].sum()),
        replicas_running=int(replicas[hit].sum()),
        capacity_lost_share=float((lost * cap)[hit].sum() / (replicas * cap)[hit].sum()),
        failed_before_detection=failed_before,
        shed_after_detection=shed,
        budget_share=(failed_before + shed) / float(budgets.sum()),
        absorbs_peak=bool(((left * cap) >= loads - 1e-9)[hit].all()),
        seconds_to_restore=int(restore_each[hit].max(initial=0)),
        worst_service=chosen[worst].name,
    )


class Rollout(_Model):
    """A bad version shipped under one strategy, at peak load, every request to it failing."""

    strategy: str
    exposure_peak: float = Field(description="Largest share of requests on the bad version.")
    seconds_to_detect: float
    seconds_to_recover: float = Field(description="Until no request reaches the bad version.")
    failed: float = Field(description="Requests failed.")
    outage_minutes: float = Field(description="Failed requests as minutes of full outage.")
    budget_share: float


def bad_rollout(
    strategy: Literal["rolling", "blue-green", "canary"],
    load: float,
    monthly_budget: float,
    *,
    pod_start_seconds: int,
    batches: int,
    detect_seconds: float,
    shift_seconds: float,
    canary_weight: float,
    horizon_seconds: int = 3600,
) -> Rollout:
    """Share of traffic on the bad version per second, until detection and reversal.

    rolling: a quarter of the replicas (maxSurge 25 %) turns over each pod start;
    the alarm watches the new pods from the first batch; rollback is another
    rolling update (the bad share falls a batch per pod start). blue-green: all
    traffic at once, back in one shift. canary: the first weight until the analysis
    fails, back in one shift."""
    t = np.arange(horizon_seconds, dtype=np.float64)
    step = 1.0 / batches
    if strategy == "rolling":
        rising = np.minimum(np.floor(t / pod_start_seconds + 1) * step, 1.0)
        at_detect = float(min(math.floor(detect_seconds / pod_start_seconds + 1) * step, 1.0))
        falling = np.maximum(
            at_detect - np.floor((t - detect_seconds) / pod_start_seconds) * step, 0.0
        )
        exposure = np.where(t < detect_seconds, rising, falling)
    else:
        weight = 1.0 if strategy == "blue-green" else canary_weight
        exposure = np.where(t < detect_seconds + shift_seconds, weight, 0.0)
    failed = float((exposure * load).sum())
    gone = np.flatnonzero(exposure > 0)
    recover = float(gone[-1] + 1) if gone.size else 0.0
    return Rollout(
        strategy=strategy,
        exposure_peak=float(exposure.max()),
        seconds_to_detect=detect_seconds,
        seconds_to_recover=recover,
        failed=failed,
        outage_minutes=failed / load / 60 if load else 0.0,
        budget_share=failed / monthly_budget,
    )


class Redeploy(_Model):
    """Rolling the previous version back onto every replica."""

    replicas: int
    surge_pods: int
    waits_for_nodes: bool
    seconds: float


def emergency_rollback(
    replicas: int,
    *,
    surge_share: float,
    pod_start_seconds: int,
    node_provision_seconds: int,
    spare_pods: int,
    trigger_seconds: float,
) -> Redeploy:
    """maxSurge ``surge_share``, maxUnavailable 0: batches of surge pods, each a pod
    start; the first batch waits for a node when the cluster has no room for it."""
    surge = max(1, math.ceil(replicas * surge_share))
    batches = math.ceil(replicas / surge)
    waits = spare_pods < surge and node_provision_seconds > 0
    seconds = (
        trigger_seconds + batches * pod_start_seconds + (node_provision_seconds if waits else 0)
    )
    return Redeploy(replicas=replicas, surge_pods=surge, waits_for_nodes=waits, seconds=seconds)
