"""Availability: closed forms and a Monte Carlo over component failures and repairs.

A system is a tree of blocks: a component (fails at a rate, is repaired after a time),
a series block (down when any child is down), a parallel block (down when every child
is down) and a k-of-n block (up while at least k children are up). The closed forms
give the steady-state availability; the Monte Carlo samples a month of failures and
repairs for every component (exponential times between failures, exponential repairs,
optionally capped by a failover that ends the outage sooner) and measures the
system's downtime, so the *distribution* of monthly downtime and the probability of
meeting the SLO come out, not just the mean.

Everything is NumPy-vectorised over trials: each component's month is a row of
transition times; the system is evaluated once per interval between transitions.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

MINUTES_PER_YEAR = 525_600.0
MONTH_MINUTES = 30 * 1440.0
Z95 = 1.959964
"""Two-sided 95% normal quantile, for the Monte Carlo's confidence interval."""

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(_Model):
    """One failing part: incidents a year, mean repair, and an optional failover cap."""

    name: str
    incidents_per_year: float = Field(ge=0)
    repair_minutes: float = Field(gt=0)
    cap_minutes: float | None = Field(
        default=None, gt=0, description="A failover ends every outage after at most this long."
    )
    source: str = ""

    @property
    def mean_down_minutes(self) -> float:
        """E[min(X, cap)] for X exponential with the repair mean."""
        if self.cap_minutes is None:
            return self.repair_minutes
        return self.repair_minutes * (1 - math.exp(-self.cap_minutes / self.repair_minutes))

    @property
    def mean_up_minutes(self) -> float:
        if self.incidents_per_year == 0:
            return math.inf
        return MINUTES_PER_YEAR / self.incidents_per_year

    @property
    def availability(self) -> float:
        """Steady state of the alternating renewal process: E[up] / (E[up] + E[down])."""
        if self.incidents_per_year == 0:
            return 1.0
        up = self.mean_up_minutes
        return up / (up + self.mean_down_minutes)


class Block(_Model):
    """Series, parallel or k-of-n over children (components or blocks)."""

    kind: Literal["series", "parallel", "k-of-n"]
    name: str
    children: list[Component | Block] = Field(min_length=1)
    k: int = Field(default=1, ge=1, description="k-of-n: children that must be up.")


Node = Component | Block


def series(name: str, *children: Node) -> Block:
    return Block(kind="series", name=name, children=list(children))


def parallel(name: str, *children: Node) -> Block:
    return Block(kind="parallel", name=name, children=list(children))


def k_of_n(name: str, k: int, children: Sequence[Node]) -> Block:
    return Block(kind="k-of-n", name=name, children=list(children), k=k)


def closed_form(node: Node) -> float:
    """Steady-state availability of ``node``. Components are independent, except that
    one named twice is the same component (a zone under the compute and under a
    single-AZ store): the closed form conditions on every such shared component's
    state, exactly."""
    shared = _shared(node)
    total = 0.0
    for states in itertools.product((True, False), repeat=len(shared)):
        weight = math.prod(
            c.availability if up else 1 - c.availability
            for c, up in zip(shared, states, strict=True)
        )
        if weight > 0:
            fixed = {c.name: up for c, up in zip(shared, states, strict=True)}
            total += weight * _independent(node, fixed)
    return total


def _shared(node: Node) -> list[Component]:
    seen: dict[str, Component] = {}
    twice: dict[str, Component] = {}
    for c in components(node):
        if c.name in seen:
            twice[c.name] = c
        seen[c.name] = c
    return [twice[name] for name in sorted(twice)]


def _independent(node: Node, fixed: dict[str, bool]) -> float:
    if isinstance(node, Component):
        if node.name in fixed:
            return 1.0 if fixed[node.name] else 0.0
        return node.availability
    parts = [_independent(c, fixed) for c in node.children]
    if node.kind == "series":
        return math.prod(parts)
    if node.kind == "parallel":
        return 1 - math.prod(1 - a for a in parts)
    return _at_least(node.k, parts)


def _at_least(k: int, availabilities: Sequence[float]) -> float:
    """P(at least k of independent children are up): the Poisson-binomial tail."""
    up = [1.0] + [0.0] * len(availabilities)
    for a in availabilities:
        for count in range(len(up) - 1, 0, -1):
            up[count] = up[count] * (1 - a) + up[count - 1] * a
        up[0] *= 1 - a
    return sum(up[k:])


def components(node: Node) -> list[Component]:
    """Every component occurrence of the tree, depth first, in order."""
    if isinstance(node, Component):
        return [node]
    return [c for child in node.children for c in components(child)]


class MonteCarlo(_Model):
    """The distribution of one month's downtime over ``trials`` sampled months."""

    trials: int
    seed: int
    closed_form: float = Field(description="Steady-state availability (fraction).")
    mean: float = Field(description="Mean availability over the trials (fraction).")
    ci_low: float
    ci_high: float
    downtime_mean_minutes: float
    downtime_p50_minutes: float
    downtime_p90_minutes: float
    downtime_p99_minutes: float
    months_with_downtime: float = Field(description="Share of months with any downtime.")
    budget_minutes: float
    meets_slo: float = Field(description="Share of months within the error budget.")

    @property
    def closed_form_in_ci(self) -> bool:
        return self.ci_low <= self.closed_form <= self.ci_high


_MEMO_LIMIT = 512
_memo: dict[tuple[str, int, int, float, float], MonteCarlo] = {}


def monte_carlo(
    node: Node,
    *,
    trials: int,
    seed: int,
    budget_minutes: float,
    horizon_minutes: float = MONTH_MINUTES,
) -> MonteCarlo:
    """Sample ``trials`` months of ``node`` and summarise its downtime.

    Seeded, so the same path gives the same result: a design simulates the same path
    under several topologies and re-derives it when it prices its assumptions, and the
    repeats are answered from a bounded memo instead of sampled again."""
    key = (node.model_dump_json(), trials, seed, budget_minutes, horizon_minutes)
    known = _memo.get(key)
    if known is not None:
        return known
    result = _sample(node, trials, seed, budget_minutes, horizon_minutes)
    if len(_memo) >= _MEMO_LIMIT:
        _memo.clear()
    _memo[key] = result
    return result


_TIMELINE_BYTES = 32 * 2**20
"""What the timeline memo may hold (a 10,000-month timeline is about half a MiB)."""
_timelines: OrderedDict[Hashable, tuple[_Timeline, Mapping[str, Any]]] = OrderedDict()
_timeline_bytes = [0]


def _sample(
    node: Node, trials: int, seed: int, budget_minutes: float, horizon_minutes: float
) -> MonteCarlo:
    rng = np.random.default_rng(seed)
    unique: dict[str, Component] = {}
    for c in components(node):
        unique.setdefault(c.name, c)
    timelines: dict[str, _Timeline] = {}
    # A component's draws depend only on the generator's state, which depends only on the
    # seed and the components drawn before it; the paths of a design mostly begin alike
    # (region, load balancer, zones, replicas of the same size), so their timelines repeat
    # and are taken from a bounded memo, with the generator's state after them.
    drawn: Hashable = (seed, trials, horizon_minutes)
    for name, c in unique.items():
        drawn = (drawn, c.incidents_per_year, c.repair_minutes, c.cap_minutes)
        known = _timelines.get(drawn)
        if known is not None:
            _timelines.move_to_end(drawn)
            timelines[name] = known[0]
            rng.bit_generator.state = known[1]
            continue
        timeline = _timeline(rng, c, trials, horizon_minutes)
        timelines[name] = timeline
        _remember(drawn, timeline, rng.bit_generator.state)
    downtime = _downtime(node, timelines, trials, horizon_minutes)
    availability = 1 - downtime / horizon_minutes
    mean = float(availability.mean())
    half = Z95 * float(availability.std(ddof=1)) / math.sqrt(trials) if trials > 1 else 0.0
    p50, p90, p99 = (float(v) for v in np.percentile(downtime, [50, 90, 99]))
    return MonteCarlo(
        trials=trials,
        seed=seed,
        closed_form=closed_form(node),
        mean=mean,
        ci_low=mean - half,
        ci_high=mean + half,
        downtime_mean_minutes=float(downtime.mean()),
        downtime_p50_minutes=p50,
        downtime_p90_minutes=p90,
        downtime_p99_minutes=p99,
        months_with_downtime=float((downtime > 0).mean()),
        budget_minutes=budget_minutes,
        meets_slo=float((downtime <= budget_minutes + 1e-9).mean()),
    )


class _Timeline:
    """One component's month per trial, as the events its state changes make inside the
    horizon (what every path that holds the component reads: derived once, not at each
    occurrence). Read-only: the memo shares it between paths."""

    def __init__(self, transitions: Floats, starts_down: Bools, horizon: float) -> None:
        rows, cols = np.nonzero(transitions < horizon)
        self.events = _Events(
            trial=rows.astype(np.int64),
            time=transitions[rows, cols],
            down_after=starts_down[rows] ^ (cols % 2 == 0),
            initial=starts_down,
        )
        for array in (self.events.trial, self.events.time, self.events.down_after, starts_down):
            array.flags.writeable = False
        self.nbytes = sum(
            a.nbytes for a in (self.events.trial, self.events.time, self.events.down_after)
        ) + int(starts_down.nbytes)


def _remember(drawn: Hashable, timeline: _Timeline, state: Mapping[str, Any]) -> None:
    _timelines[drawn] = (timeline, state)
    _timeline_bytes[0] += timeline.nbytes
    while _timeline_bytes[0] > _TIMELINE_BYTES and len(_timelines) > 1:
        _, (old, _) = _timelines.popitem(last=False)
        _timeline_bytes[0] -= old.nbytes


def _timeline(
    rng: np.random.Generator, component: Component, trials: int, horizon: float
) -> _Timeline:
    if component.incidents_per_year == 0:
        return _Timeline(np.full((trials, 0), horizon), np.zeros(trials, dtype=bool), horizon)
    up_mean = component.mean_up_minutes
    cycle = up_mean + component.mean_down_minutes
    expected = horizon / cycle
    cycles = math.ceil(expected + 6 * math.sqrt(expected) + 3)
    starts_down = rng.random(trials) < 1 - component.availability
    down_rows = np.flatnonzero(starts_down)
    while True:
        up = rng.exponential(up_mean, (trials, cycles))
        down = rng.exponential(component.repair_minutes, (trials, cycles))
        if component.cap_minutes is not None:
            down = np.minimum(down, component.cap_minutes)
        # Laid out interval-major, (2 x cycles, trials): the running sum then adds whole
        # rows (the same additions, in the same order, as along each trial) instead of
        # walking 10,000 short rows. Months that start up alternate up, down, ...; months
        # that start in an outage (stationary start) alternate down, up, ... (the residual
        # of an exponential repair is again exponential).
        intervals = np.empty((2 * cycles, trials))
        intervals[0::2] = up.T
        intervals[1::2] = down.T
        intervals[0::2, down_rows] = down[down_rows].T
        intervals[1::2, down_rows] = up[down_rows].T
        transitions = np.cumsum(intervals, axis=0).T  # (trials, transitions)
        if bool((transitions[:, -1] >= horizon).all()):
            break
        cycles *= 2
    # each trial's transitions ascend: the columns any trial reaches inside the horizon
    inside = int(np.count_nonzero(transitions.min(axis=0) < horizon))
    # the columns inside: the memo then holds what it counts, not the whole draw
    return _Timeline(transitions[:, :inside], starts_down, horizon)


@dataclass(frozen=True)
class _Events:
    """A part's state changes: per event its trial, time and state after it, sorted by
    (trial, time); and its state at the start of each trial."""

    trial: Ints
    time: Floats
    down_after: Bools
    initial: Bools


def _downtime(
    node: Node,
    timelines: dict[str, _Timeline],
    trials: int,
    horizon: float,
) -> Floats:
    """Downtime per trial. Failures are sparse, so nothing is evaluated on a grid: each
    block's state changes are derived from its children's (a running count of children
    down, compared with the block's threshold) and only the root's are summed."""
    events = _events(node, timelines, horizon)
    following = np.append(events.time[1:], horizon)
    last = np.append(events.trial[1:] != events.trial[:-1], True)[: events.trial.size]
    following[last] = horizon
    down = np.bincount(
        events.trial, weights=(following - events.time) * events.down_after, minlength=trials
    )
    first = np.full(trials, horizon)
    if events.trial.size:
        starts = np.append(True, events.trial[1:] != events.trial[:-1])
        first[events.trial[starts]] = events.time[starts]
    return np.asarray(down + events.initial * first, dtype=np.float64)


def _events(node: Node, timelines: dict[str, _Timeline], horizon: float) -> _Events:
    if isinstance(node, Component):
        return timelines[node.name].events
    children = [_events(c, timelines, horizon) for c in node.children]
    n = len(children)
    threshold = {"series": 1, "parallel": n, "k-of-n": n - node.k + 1}[node.kind]
    initial_count: Ints = np.asarray(
        np.sum([c.initial for c in children], axis=0, dtype=np.int64), dtype=np.int64
    )
    trial = np.concatenate([c.trial for c in children])
    time = np.concatenate([c.time for c in children])
    delta = np.concatenate([np.where(c.down_after, 1, -1) for c in children])
    order = np.lexsort((time, trial))
    trial, time, delta = trial[order], time[order], delta[order]
    running = np.cumsum(delta)
    first = np.searchsorted(trial, trial, side="left")
    before = np.where(first > 0, running[np.maximum(first - 1, 0)], 0)
    count = initial_count[trial] + running - before
    down_after = count >= threshold
    initial: Bools = np.asarray(initial_count >= threshold, dtype=np.bool_)
    previous = np.where(first == np.arange(trial.size), initial[trial], np.roll(down_after, 1))
    changed = down_after != previous
    return _Events(
        trial=trial[changed], time=time[changed], down_after=down_after[changed], initial=initial
    )
