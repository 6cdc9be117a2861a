"""A traffic spike against the autoscaling settings, one-second steps.

What is simulated, per service (vectorised over services and over a batch of
alternative settings):

- load: the service's baseline (its average), then a step to ``multiplier`` × baseline
  at ``start`` (or a linear ramp to it), held, then back;
- the scaler, every ``sync`` seconds: the Kubernetes HPA (desired = ceil(ready × observed
  utilisation / target), a CPU metric saturating at 100 %, ±10 % tolerance, the
  scale-up policy "100 % or 4 pods per 15 s, whichever is more", a 300 s scale-in
  stabilisation) or ECS target tracking (one-minute datapoints, an alarm of three, a
  scale-out cooldown); a request-count or backlog metric sees the whole load;
- pods: ready ``pod_start`` seconds after creation when a node has room; otherwise the
  node autoscaler orders nodes (up to the maximum) which join after
  ``node_provision`` seconds; pods that fit nowhere stay pending;
- service: each ready replica serves ``capacity_per_replica`` (its 100 % CPU rate);
  load above capacity is shed (request-serving services) or waits in the queue
  (workers).

Outputs: time to capacity, requests shed, the share of the month's error budget they
spend, queue backlog, and the per-second series behind the plot.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scaler(_Model):
    """How replicas follow load: the HPA, or ECS service target tracking."""

    kind: Literal["hpa", "target-tracking"]
    sync_seconds: int = Field(ge=1, description="HPA sync period / metric period.")
    metric_delay_seconds: int = Field(
        ge=0, description="Age of the metric the scaler reads (a multiple of the sync)."
    )
    alarm_periods: int = Field(
        default=1, ge=1, description="Consecutive syncs above target before scaling out."
    )
    tolerance: float = Field(default=0.0, ge=0, lt=1)
    up_percent: float | None = Field(default=None, gt=0, description="HPA scale-up policy.")
    up_pods: int | None = Field(default=None, ge=1, description="HPA scale-up policy.")
    cooldown_seconds: int = Field(default=0, ge=0, description="After a scale-out (ECS).")
    down_stabilisation_seconds: int = Field(ge=0)
    down_percent: float = Field(gt=0, le=100)
    down_period_seconds: int = Field(default=60, ge=1)
    pod_start_seconds: int = Field(ge=1)
    node_provision_seconds: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _delay_on_the_grid(self) -> Scaler:
        if self.metric_delay_seconds % self.sync_seconds:
            raise ValueError("metric_delay_seconds must be a multiple of sync_seconds")
        return self


class SimService(_Model):
    name: str
    baseline: float = Field(ge=0, description="Load before the spike (per second).")
    capacity_per_replica: float = Field(gt=0, description="Load one replica serves at 100 %.")
    target: float = Field(gt=0, le=1, description="Utilisation the scaler aims for.")
    saturates: bool = Field(description="The metric is CPU: it cannot read above 100 %.")
    min_replicas: int = Field(ge=1)
    max_replicas: int = Field(ge=1)
    node_share: float = Field(ge=0, description="Share of a node one replica takes (0: none).")
    queued: bool = Field(description="Excess load waits in a queue instead of failing.")
    monthly_budget: float = Field(gt=0, description="Failed requests the month's budget allows.")
    lost_replicas: int = Field(
        default=0, ge=0, description="Replicas dead at the start (a fault), replaced on eviction."
    )


class Cluster(_Model):
    nodes: int = Field(ge=0, description="Nodes running before the spike.")
    max_nodes: int = Field(ge=0)
    buffer_nodes: int = Field(default=0, ge=0, description="Spare nodes kept beyond the need.")


class Spike(_Model):
    shape: Literal["step", "ramp"]
    multiplier: float = Field(ge=1)
    start_seconds: int = Field(ge=0)
    ramp_seconds: int = Field(default=0, ge=0)
    hold_seconds: int = Field(ge=1)
    horizon_seconds: int = Field(ge=1)

    def profile(self) -> Floats:
        """Load multiplier for every second of the horizon."""
        t = np.arange(self.horizon_seconds, dtype=np.float64)
        rise = (
            np.clip((t - self.start_seconds + 1) / self.ramp_seconds, 0, 1)
            if self.shape == "ramp" and self.ramp_seconds > 0
            else (t >= self.start_seconds).astype(np.float64)
        )
        end = self.start_seconds + self.ramp_seconds + self.hold_seconds
        rise[t >= end] = 0.0
        return np.asarray(1 + (self.multiplier - 1) * rise, dtype=np.float64)


class Settings(_Model):
    """One alternative: per service min and max replicas, and the cluster's buffer."""

    min_replicas: list[int]
    max_replicas: list[int]
    buffer_nodes: int = 0


@dataclass(frozen=True)
class Run:
    """The per-second result of one batch: arrays shaped (batch, services, seconds);
    ``nodes`` is (batch, seconds)."""

    load: Floats
    ready: Ints
    desired: Ints
    capacity: Floats
    shed: Floats
    backlog: Floats
    nodes: Ints


def initial_replicas(service: SimService, minimum: int) -> int:
    """What the scaler holds at the baseline: enough for it at target, at least min."""
    needed = math.ceil(round(service.baseline / (service.capacity_per_replica * service.target), 6))
    return max(minimum, min(needed, service.max_replicas))


def simulate(  # noqa: PLR0917
    services: list[SimService],
    scaler: Scaler,
    cluster: Cluster,
    spike: Spike,
    batch: list[Settings] | None = None,
    evict_seconds: int = 0,
) -> Run:
    """Run the spike for every settings alternative of ``batch`` (default: the services'
    own), all services at once. Replicas lost at the start (``lost_replicas``) count as
    running until ``evict_seconds``, when their controller replaces them."""
    batch = batch or [
        Settings(
            min_replicas=[s.min_replicas for s in services],
            max_replicas=[s.max_replicas for s in services],
            buffer_nodes=cluster.buffer_nodes,
        )
    ]
    return _Simulation(
        services, scaler, cluster, spike, batch=batch, evict_seconds=evict_seconds
    ).run()


CHUNK_CELLS = 1 << 22
"""Alternative × service × second cells one chunk of :func:`shed_totals` expands at a time
(32 MiB of float64 per array): the per-second series of a few alternatives, few enough
that a 500-service search fits in a fraction of a gigabyte."""


def shed_totals(  # noqa: PLR0917
    services: list[SimService],
    scaler: Scaler,
    cluster: Cluster,
    spike: Spike,
    batch: list[Settings],
    chunk_cells: int = CHUNK_CELLS,
) -> Floats:
    """Requests shed over the horizon by each service under each alternative of
    ``batch``, shaped (batch, services): equal, bit for bit, to
    ``simulate(...).shed.sum(axis=2)``. The scaler's loop runs every alternative at once
    (it keeps only the seconds at which pods arrive, not every second); the per-second
    series behind the sums are then expanded only for the (alternative, service) pairs
    that can shed at all, a chunk of pairs at a time, and only the totals kept: memory
    stays bounded by ``chunk_cells`` plus the arrivals, whatever the horizon."""
    pairs = max(1, chunk_cells // max(1, spike.horizon_seconds))
    return _Simulation(services, scaler, cluster, spike, batch=batch).shed_totals(pairs)


class _Arrivals:
    """Pods arriving (negative: removed) per alternative and service, kept only for the
    seconds at which any arrive: a scaler acts once per sync, so a horizon of thousands of
    seconds has a few hundred such seconds. Counts are small integers (int32 here, int64
    when read, so every sum is exact and equals the dense array's)."""

    def __init__(self, shape: tuple[int, int], length: int) -> None:
        self.shape = shape
        self.length = length
        self.at: dict[int, NDArray[np.int32]] = {}

    def add(self, second: int, pods: Ints) -> None:
        if second in self.at:
            self.at[second] += pods.astype(np.int32)
        else:
            self.at[second] = pods.astype(np.int32)

    def between(self, first: int, last: int) -> Ints:
        """Pods arrived in seconds ``first`` to ``last`` inclusive, per (alternative, service)."""
        total = np.zeros(self.shape, dtype=np.int64)
        for second in range(first, last + 1):
            pods = self.at.get(second)
            if pods is not None:
                total += pods
        return total

    def dense(self, rows: slice, seconds: int) -> Ints:
        """The per-second array of alternatives ``rows``: (rows, services, ``seconds``)."""
        count = len(range(*rows.indices(self.shape[0])))
        out = np.zeros((count, self.shape[1], seconds), dtype=np.int64)
        for second, pods in self.at.items():
            if second < seconds:
                out[:, :, second] = pods[rows]
        return out

    def dense_pairs(self, alternatives: Ints, services: Ints, seconds: int) -> Ints:
        """The per-second arrays of the (alternative, service) pairs given: (pairs, ``seconds``)."""
        out = np.zeros((alternatives.size, seconds), dtype=np.int64)
        for second, pods in self.at.items():
            if second < seconds:
                out[:, second] = pods[alternatives, services]
        return out

    def lowest(self, start: Ints, seconds: int) -> Ints:
        """Each pair's fewest ready pods over the first ``seconds``, from ``start``: the
        running count only changes at the seconds kept."""
        running = start.copy()
        low = start.copy() if 0 not in self.at else np.full(self.shape, np.iinfo(np.int64).max)
        for second in sorted(k for k in self.at if k < seconds):
            running += self.at[second]
            np.minimum(low, running, out=low)
        return low


class _Simulation:
    def __init__(
        self,
        services: list[SimService],
        scaler: Scaler,
        cluster: Cluster,
        spike: Spike,
        *,
        batch: list[Settings],
        evict_seconds: int = 0,
    ) -> None:
        self.scaler = scaler
        self.lost = np.array([x.lost_replicas for x in services], dtype=np.int64)
        self.evict_seconds = evict_seconds
        self.horizon = spike.horizon_seconds
        b, s = len(batch), len(services)
        self.shape = (b, s)
        self.minimum = np.array([x.min_replicas for x in batch], dtype=np.int64)
        self.maximum = np.array([x.max_replicas for x in batch], dtype=np.int64)
        self.capacity_each = np.array([x.capacity_per_replica for x in services])
        self.target = np.array([x.target for x in services])
        self.saturates = np.array([x.saturates for x in services])
        self.share = np.array([x.node_share for x in services])
        # each service's place in name order: ties in placement go by name, not list order
        names = np.argsort([x.name for x in services], kind="stable")
        self.rank = np.empty(len(services), dtype=np.int64)
        self.rank[names] = np.arange(len(services))
        self.queued = np.array([x.queued for x in services])
        self.load = np.array([x.baseline for x in services])[:, None] * spike.profile()[None, :]
        # initial_replicas of every (alternative, service): the need at the baseline is
        # the service's alone, only the minimum differs between alternatives
        held = np.array([initial_replicas(sv, 0) for sv in services], dtype=np.int64)
        initial = np.maximum(self.minimum, held[None, :]).reshape(self.shape)
        self.initial = initial
        used = ((initial - self.lost) * self.share).sum(axis=1)
        kubernetes = bool((self.share > 0).any())
        base_nodes = np.full(b, float(cluster.nodes))
        if kubernetes:
            base_nodes = np.maximum(base_nodes, np.ceil(used - 1e-9))
        self.nodes_ready = base_nodes + np.array([x.buffer_nodes for x in batch], dtype=float)
        self.max_nodes = np.maximum(
            float(cluster.max_nodes) + np.array([x.buffer_nodes for x in batch]), self.nodes_ready
        )
        self.kubernetes = kubernetes
        self.used = used
        pad = scaler.pod_start_seconds + scaler.node_provision_seconds + 1
        self.arrivals = _Arrivals((b, s), self.horizon + pad)
        self.node_arrivals = np.zeros((b, self.horizon + pad), dtype=np.float64)
        self.spare_arrivals = np.zeros((b, self.horizon + pad), dtype=np.float64)

    def run(self) -> Run:
        spec_at, nodes_at = self._control(record=True)
        return self._series(spec_at, nodes_at)

    def shed_totals(self, pairs: int) -> Floats:
        """Requests shed over the horizon, (batch, services): the sums of ``run().shed``
        computed the same way, without the series nothing reads. A pair whose fewest
        ready replicas carry the service's highest load sheds nothing at any second
        (each ``load - ready × capacity`` is then at most 0), so only the others are
        expanded, ``pairs`` of them at a time; each pair's sum runs over its own
        contiguous row of seconds, as in the full array, so the totals are the same bits."""
        self._control(record=False)
        start = self.initial - self.lost
        lowest = self.arrivals.lowest(start, self.horizon)
        peak = self.load.max(axis=1)
        safe = lowest * self.capacity_each[None, :] >= peak[None, :]
        alternatives, services = np.nonzero(~safe & ~self.queued[None, :])
        totals = np.zeros(self.shape, dtype=np.float64)
        for i in range(0, alternatives.size, pairs):
            chosen = alternatives[i : i + pairs], services[i : i + pairs]
            totals[chosen] = self._pairs_shed(*chosen, start)
        return totals

    def _pairs_shed(self, alternatives: Ints, services: Ints, start: Ints) -> Floats:
        """``_shed(_excess(_capacity(_ready())))`` summed over seconds for the pairs given,
        the same element operations in the same order, done in place."""
        ready = self.arrivals.dense_pairs(alternatives, services, self.horizon)
        np.cumsum(ready, axis=1, out=ready)
        ready += start[alternatives, services][:, None]
        excess = np.multiply(ready, self.capacity_each[services][:, None], dtype=np.float64)
        del ready
        np.subtract(self.load[services, :], excess, out=excess)
        np.maximum(excess, 0.0, out=excess)
        return np.asarray(excess.sum(axis=1))

    # one control loop; its state stays together
    def _control(self, *, record: bool) -> tuple[Ints, Ints]:  # noqa: PLR0915
        """The scaler's loop, filling ``arrivals``; with ``record``, the desired replicas
        and ready nodes of every second (empty arrays without)."""
        sc = self.scaler
        b, s = self.shape
        spec = self.initial.copy()
        created = self.initial.copy()
        ready = self.initial - self.lost
        evicted = not self.lost.any()
        above = np.zeros((b, s), dtype=np.int64)
        last_out = np.full((b, s), -(10**9), dtype=np.int64)
        last_in = np.full((b, s), -(10**9), dtype=np.int64)
        seconds = self.horizon if record else 0
        spec_at = np.zeros((b, s, seconds), dtype=np.int64)
        upcoming = np.zeros(b)
        free_ready = self.nodes_ready - self.used
        in_flight = np.zeros(b)
        ready_nodes = self.nodes_ready.copy()
        nodes_at = np.zeros((b, seconds), dtype=np.int64)
        t_prev = -1
        lag = sc.metric_delay_seconds // sc.sync_seconds
        window = max(1, sc.down_stabilisation_seconds // sc.sync_seconds)
        # the metric ``lag`` syncs ago, and the stabilisation window's recommendations
        history: deque[Floats] = deque(maxlen=lag + 1)
        desired_log: deque[Ints] = deque(maxlen=window)
        for t in range(0, self.horizon, sc.sync_seconds):
            # what happened since the last sync: pods became ready, nodes joined
            ready = ready + self.arrivals.between(t_prev + 1, t)
            joined = self.node_arrivals[:, t_prev + 1 : t + 1].sum(axis=1)
            spare = self.spare_arrivals[:, t_prev + 1 : t + 1].sum(axis=1)
            ready_nodes += joined
            in_flight -= joined
            upcoming -= spare
            free_ready += spare
            t_prev = t
            if not evicted and t >= self.evict_seconds:
                created, free_ready, upcoming, in_flight = self._replace_lost(
                    t, created, free_ready, upcoming, in_flight, ready_nodes
                )
                evicted = True
            history.append(self._metric(ready, t))
            observed = history[0]  # ``lag`` syncs ago (the first, before then)
            raw = np.ceil(observed - 1e-9).astype(np.int64)
            ratio = raw / np.maximum(spec, 1)
            outside = np.abs(ratio - 1) > sc.tolerance
            want_up = (raw > spec) & outside
            above = np.where(want_up, above + 1, 0)
            desired_log.append(np.where(outside, raw, spec))
            # scale out
            up = want_up & (above >= sc.alarm_periods) & (t - last_out >= sc.cooldown_seconds)
            limit = self._up_limit(spec)
            new_spec = np.where(up, np.minimum(np.maximum(raw, spec), limit), spec)
            # scale in: the highest recommendation of the stabilisation window
            recent = np.max(np.stack(desired_log), axis=0)
            down = ~up & (recent < spec) & (t - last_in >= sc.down_period_seconds)
            floor_step = spec - np.ceil(spec * sc.down_percent / 100).astype(np.int64)
            new_spec = np.where(down, np.maximum(recent, floor_step), new_spec)
            new_spec = np.clip(new_spec, self.minimum, self.maximum)
            last_out = np.where(new_spec > spec, t, last_out)
            last_in = np.where(new_spec < spec, t, last_in)
            # removals come out of the ready pods at once
            removed = np.minimum(np.maximum(spec - new_spec, 0), ready)
            if removed.any():
                ready = ready - removed
                created = created - removed
                self.arrivals.add(t, -removed)  # counted already at this sync
                free_ready += (removed * self.share).sum(axis=1)
            spec = new_spec
            new = np.maximum(spec - created, 0)
            if new.any():
                created, free_ready, upcoming, in_flight = self._place(
                    t, new, created, free_ready, upcoming, in_flight, ready_nodes
                )
            if record:
                end = min(self.horizon, t + sc.sync_seconds)
                spec_at[:, :, t:end] = spec[:, :, None]
                nodes_at[:, t:end] = np.rint(ready_nodes).astype(np.int64)[:, None]
        return spec_at, nodes_at

    def _replace_lost(  # noqa: PLR0917  (the cluster's state, threaded through one sync)
        self,
        t: int,
        created: Ints,
        free_ready: Floats,
        upcoming: Floats,
        in_flight: Floats,
        ready_nodes: Floats,
    ) -> tuple[Ints, Floats, Floats, Floats]:
        """The lost replicas' controller (a ReplicaSet, the ECS service scheduler) recreates
        them the second they are declared dead, not at the autoscaler's next sync; placed at
        this sync only when that second's pods or nodes would already have arrived."""
        sc = self.scaler
        lost = np.broadcast_to(self.lost, self.shape).copy()
        first = (
            min(sc.pod_start_seconds, sc.node_provision_seconds)
            if self.kubernetes
            else sc.pod_start_seconds
        )
        at = self.evict_seconds if self.evict_seconds + first > t else t
        return self._place(at, lost, created - lost, free_ready, upcoming, in_flight, ready_nodes)

    def _metric(self, ready: Ints, t: int) -> Floats:
        """Replicas the metric asks for at ``t`` (before rounding)."""
        load = self.load[None, :, t]
        per = self.capacity_each * self.target
        sees_all = load / per
        cpu = np.minimum(load / np.maximum(ready * self.capacity_each, 1e-12), 1.0)
        saturated = ready * cpu / self.target
        return np.asarray(np.where(self.saturates, saturated, sees_all), dtype=np.float64)

    def _up_limit(self, spec: Ints) -> Ints:
        sc = self.scaler
        if sc.up_percent is None and sc.up_pods is None:
            return np.full(spec.shape, np.iinfo(np.int64).max // 4, dtype=np.int64)
        by_percent = np.floor(spec * (1 + (sc.up_percent or 0) / 100)).astype(np.int64)
        return np.asarray(np.maximum(by_percent, spec + (sc.up_pods or 0)), dtype=np.int64)

    def _place(  # noqa: PLR0917  (the cluster's state, threaded through one sync)
        self,
        t: int,
        new: Ints,
        created: Ints,
        free_ready: Floats,
        upcoming: Floats,
        in_flight: Floats,
        ready_nodes: Floats,
    ) -> tuple[Ints, Floats, Floats, Floats]:
        sc = self.scaler
        fast_at = t + sc.pod_start_seconds
        if not self.kubernetes:
            self.arrivals.add(fast_at, new)
            return created + new, free_ready, upcoming, in_flight
        fast = _fit(new, self.share, free_ready, self.rank)
        free_ready = free_ready - (fast * self.share).sum(axis=1)
        rest = new - fast
        slow_at = t + sc.node_provision_seconds + sc.pod_start_seconds
        on_upcoming = _fit(rest, self.share, upcoming, self.rank)
        upcoming = upcoming - (on_upcoming * self.share).sum(axis=1)
        rest = rest - on_upcoming
        need = (rest * self.share).sum(axis=1)
        room = np.maximum(self.max_nodes - ready_nodes - in_flight, 0)
        order = np.minimum(np.ceil(need - 1e-9), room)
        on_new = _fit(rest, self.share, order, self.rank)
        spare = order - (on_new * self.share).sum(axis=1)
        join_at = t + sc.node_provision_seconds
        self.node_arrivals[:, join_at] += order
        self.spare_arrivals[:, join_at] += spare
        upcoming = upcoming + spare
        in_flight = in_flight + order
        self.arrivals.add(fast_at, fast)
        self.arrivals.add(slow_at, on_upcoming + on_new)
        return created + fast + on_upcoming + on_new, free_ready, upcoming, in_flight

    def _ready(self, rows: slice = slice(None)) -> Ints:
        arrivals = self.arrivals.dense(rows, self.horizon)
        start = (self.initial - self.lost)[rows]
        return np.asarray(start[:, :, None] + np.cumsum(arrivals, axis=2))

    def _capacity(self, ready: Ints | None = None) -> Floats:
        ready = self._ready() if ready is None else ready
        return np.asarray(ready * self.capacity_each[None, :, None], dtype=np.float64)

    def _excess(self, capacity: Floats) -> Floats:
        return np.asarray(self.load[None, :, :] - capacity, dtype=np.float64)

    def _shed(self, excess: Floats) -> Floats:
        return np.asarray(
            np.where(self.queued[None, :, None], 0.0, np.maximum(excess, 0.0)), dtype=np.float64
        )

    def _series(self, spec_at: Ints, nodes_at: Ints) -> Run:
        ready = self._ready()
        capacity = self._capacity(ready)
        load = np.broadcast_to(self.load[None, :, :], capacity.shape)
        excess = self._excess(capacity)
        backlog = _lindley(excess)
        shed = self._shed(excess)
        backlog = np.where(self.queued[None, :, None], backlog, 0.0)
        return Run(
            load=np.asarray(load),
            ready=ready,
            desired=spec_at,
            capacity=capacity,
            shed=shed,
            backlog=backlog,
            nodes=nodes_at,
        )


def _fit(new: Ints, share: Floats, room: Floats, rank: Ints) -> Ints:
    """Pods of each service placed in ``room`` node units, whatever order the services
    are listed in.

    When the room holds every pending pod, all are placed. When it is short, it is
    shared in proportion to demand: every service places the same fraction of its
    pending pods (``room / demand`` of them, whole pods), and the whole pods left over
    go one each to the largest remainders, ties by name (``rank``: each service's place
    in name order), while room is left.
    Why: the Kubernetes scheduler has no priority among equal pods; the node autoscaler's
    new nodes are filled from one pending queue that holds every service's pods
    interleaved, so each service gets a like share, not the first services listed all
    they ask and the last ones nothing. A service that takes no node room (``share``
    0) places all its pods."""
    room = np.maximum(room, 0.0)
    short = np.flatnonzero(new @ share > room + 1e-9)
    if not short.size:
        return new
    # only the alternatives short of room are shared out; the others place every pod
    asked = new[short]
    left = room[short]
    exact = asked * (left / (asked @ share))[:, None]
    whole = np.minimum(np.floor(exact + 1e-9), asked)
    remainder = np.where(share > 0, exact - whole, 0.0)
    left = left - whole @ share
    # largest remainder first, ties by name: one integer key per service, all distinct
    # (remainders to 2^-32, then the name's rank), so a plain sort orders them
    key = rank - np.floor(remainder * 2**32).astype(np.int64) * rank.size
    order = np.argsort(key, axis=1)
    rows = np.arange(short.size)[:, None]
    in_order = np.where(remainder > 1e-9, share, 0.0)[rows, order]
    granted = (np.cumsum(in_order, axis=1) <= left[:, None] + 1e-9) & (in_order > 0)
    extra = np.zeros(asked.shape, dtype=np.float64)
    extra[rows, order] = granted
    placed = new.copy()
    placed[short] = np.where(share > 0, whole + extra, asked)
    return placed


def _lindley(excess: Floats) -> Floats:
    """Queue length per second: B_t = max(0, B_{t-1} + excess_t), vectorised."""
    total = np.cumsum(excess, axis=-1)
    lowest = np.minimum.accumulate(np.minimum(total, 0.0), axis=-1)
    return np.asarray(total - lowest, dtype=np.float64)
