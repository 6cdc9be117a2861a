"""What a spike run means, and the least settings that keep it within budget."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from infra_architect.simulate._spike import (
    Cluster,
    Floats,
    Run,
    Scaler,
    Settings,
    SimService,
    Spike,
    shed_totals,
    simulate,
)

ShedTotals = Callable[[list[SimService], Scaler, Cluster, Spike, list[Settings]], Floats]
"""(services, scaler, cluster, spike, alternatives) → shed per (alternative, service)."""

GRID = 16
"""Candidate min-replica values tried per service (geometric between the design's
minimum and the spike's need), all simulated in one batch."""
SEARCH_AFTER_SECONDS = 1200
"""The search judges the first 20 minutes of a spike: long enough for every scaler to
reach its maximum (a failure to reach it shows as shed load all along)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpikeOutcome(_Model):
    """One service through one spike."""

    service: str
    baseline: float
    spike_load: float
    min_replicas: int
    max_replicas: int
    start_replicas: int
    peak_replicas: int
    seconds_to_capacity: int | None = Field(
        description="From the spike's start until capacity covers the load for good "
        "(None: never within the spike)."
    )
    shed: float = Field(description="Requests over capacity and failed (queued: 0).")
    budget_share: float = Field(description="Share of the month's error budget shed.")
    max_backlog: float = Field(description="Deepest queue (workers), in messages.")
    seconds_over_capacity: int


def outcomes(
    run: Run, services: list[SimService], spike: Spike, settings: Settings, index: int = 0
) -> list[SpikeOutcome]:
    """Per service figures of batch member ``index``."""
    end = min(spike.horizon_seconds, spike.start_seconds + spike.ramp_seconds + spike.hold_seconds)
    out: list[SpikeOutcome] = []
    for s, service in enumerate(services):
        load = run.load[index, s]
        capacity = run.capacity[index, s]
        short = (capacity < load - 1e-9) | (run.backlog[index, s] > 1e-9)
        window = short[spike.start_seconds : end]
        if not window.any():
            reached: int | None = 0
        elif window[-1]:
            reached = None
        else:
            reached = int(np.flatnonzero(window)[-1]) + 1
        shed = float(run.shed[index, s].sum())
        out.append(
            SpikeOutcome(
                service=service.name,
                baseline=service.baseline,
                spike_load=float(load.max()),
                min_replicas=settings.min_replicas[s],
                max_replicas=settings.max_replicas[s],
                start_replicas=int(run.ready[index, s, 0]),
                peak_replicas=int(run.ready[index, s].max()),
                seconds_to_capacity=reached,
                shed=shed,
                budget_share=shed / service.monthly_budget,
                max_backlog=float(run.backlog[index, s].max()),
                seconds_over_capacity=int(short.sum()),
            )
        )
    return out


class Tuned(_Model):
    """The least settings found, and what the spike costs under them."""

    settings: Settings
    outcomes: list[SpikeOutcome]
    within: bool = Field(description="Every service within the budget share.")


def spike_need(service: SimService, multiplier: float) -> int:
    """Replicas that serve the whole spike at 100 % (nothing shed from the first second)."""
    whole = math.ceil(round(service.baseline * multiplier / service.capacity_per_replica, 6))
    return max(service.min_replicas, whole)


def target_need(service: SimService, multiplier: float) -> int:
    """Replicas the scaler settles on during the spike (the spike at target utilisation)."""
    return math.ceil(
        round(service.baseline * multiplier / (service.capacity_per_replica * service.target), 6)
    )


def minimum_settings(  # noqa: PLR0917  (the spike's whole context)
    services: list[SimService],
    scaler: Scaler,
    cluster: Cluster,
    spike: Spike,
    share: float,
    replica_cost: list[float],
    node_cost: float,
    buffer_step: int,
    *,
    totals: ShedTotals = shed_totals,
) -> Tuned:
    """The cheapest min replicas and node buffer that keep every service's shed load
    within ``share`` of its monthly error budget; max replicas raised to what the
    scaler settles on. Costs are relative (vCPU): ``replica_cost`` per replica of each
    service, ``node_cost`` per buffer node. ``totals`` gives the shed of every service
    under every alternative (the full simulation's sums are the reference)."""
    maxima = [
        max(s.max_replicas, target_need(s, spike.multiplier), s.min_replicas) for s in services
    ]
    grids = [_grid(s.min_replicas, spike_need(s, spike.multiplier)) for s in services]
    buffers = _buffers(services, cluster, spike, buffer_step)
    batch = [
        Settings(min_replicas=[g[j] for g in grids], max_replicas=maxima, buffer_nodes=buffer)
        for buffer in buffers
        for j in range(GRID)
    ]
    short = spike.model_copy(
        update={
            "horizon_seconds": min(
                spike.horizon_seconds,
                spike.start_seconds + spike.ramp_seconds + SEARCH_AFTER_SECONDS,
            )
        }
    )
    budgets = np.array([s.monthly_budget for s in services])
    shares = totals(services, scaler, cluster, short, batch) / budgets[None, :]  # (batch, services)
    best: tuple[float, Settings] | None = None
    for b_index, buffer in enumerate(buffers):
        block = shares[b_index * GRID : (b_index + 1) * GRID]
        picks = []
        for s in range(len(services)):
            fits = np.flatnonzero(block[:, s] <= share + 1e-12)
            picks.append(int(fits[0]) if fits.size else GRID - 1)
        mins = [grids[s][j] for s, j in enumerate(picks)]
        cost = buffer * node_cost + sum(
            (m - sv.min_replicas) * c for m, sv, c in zip(mins, services, replica_cost, strict=True)
        )
        candidate = Settings(min_replicas=mins, max_replicas=maxima, buffer_nodes=buffer)
        if best is None or cost < best[0] - 1e-9:
            best = (cost, candidate)
    assert best is not None  # noqa: S101  (buffers is never empty)
    return _confirm(services, scaler, cluster, spike, share, best[1], grids)


def _confirm(  # noqa: PLR0917
    services: list[SimService],
    scaler: Scaler,
    cluster: Cluster,
    spike: Spike,
    share: float,
    settings: Settings,
    grids: list[list[int]],
) -> Tuned:
    """Run the chosen settings over the whole horizon; services sharing the buffer may
    crowd each other, so raise any still over budget a step and run again."""
    for _ in range(GRID):
        run = simulate(services, scaler, cluster, spike, [settings])
        found = outcomes(run, services, spike, settings)
        over = [i for i, o in enumerate(found) if o.budget_share > share + 1e-12]
        if not over:
            return Tuned(settings=settings, outcomes=found, within=True)
        mins = list(settings.min_replicas)
        raised = False
        for i in over:
            later = [m for m in grids[i] if m > mins[i]]
            if later:
                mins[i] = later[0]
                raised = True
        if not raised:
            return Tuned(settings=settings, outcomes=found, within=False)
        settings = settings.model_copy(update={"min_replicas": mins})
    run = simulate(services, scaler, cluster, spike, [settings])
    found = outcomes(run, services, spike, settings)
    return Tuned(
        settings=settings,
        outcomes=found,
        within=all(o.budget_share <= share + 1e-12 for o in found),
    )


def _grid(low: int, high: int) -> list[int]:
    """``GRID`` candidate counts from ``low`` to ``high``, geometric, ascending."""
    if high <= low:
        return [low] * GRID
    points = np.unique(np.ceil(np.geomspace(low, high, GRID) - 1e-9).astype(int)).tolist()
    values = [int(v) for v in points]
    return values + [values[-1]] * (GRID - len(values))


def _buffers(services: list[SimService], cluster: Cluster, spike: Spike, step: int) -> list[int]:
    """Spare-node candidates: none, then doubling multiples of ``step`` up to what the
    spike needs beyond the running nodes (none at all without nodes)."""
    if not any(s.node_share > 0 for s in services) or step <= 0:
        return [0]
    need = sum(target_need(s, spike.multiplier) * s.node_share for s in services)
    extra = max(0.0, need - cluster.nodes)
    out = [0]
    size = step
    while size < extra + step:
        out.append(size)
        size *= 2
    return out
