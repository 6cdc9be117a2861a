"""The spike plot: load, capacity and replicas of every service over time, as PNG and
SVG (matplotlib).

Kept apart from the simulations so nothing imports matplotlib unless it draws; the
figure is built from a :class:`PlotData` (what the test checks) and saved without
timestamps or random ids, so the same run gives the same files.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from infra_architect._io import atomic_write_bytes
from infra_architect.simulate._spike import Run


class PlotData(BaseModel):
    """The series drawn, one per line, one value per second."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str
    unit: str
    title: str
    seconds: list[int]
    load: list[float]
    capacity: list[float]
    shed: list[float]
    ready: list[int]
    desired: list[int]


def plot_data(run: Run, index: int, service: str, unit: str, title: str) -> PlotData:
    """Batch member 0, service ``index``, every second of the run."""
    horizon = run.load.shape[2]
    return PlotData(
        service=service,
        unit=unit,
        title=title,
        seconds=list(range(horizon)),
        load=[float(v) for v in run.load[0, index]],
        capacity=[float(v) for v in run.capacity[0, index]],
        shed=[float(v) for v in run.shed[0, index]],
        ready=[int(v) for v in run.ready[0, index]],
        desired=[int(v) for v in run.desired[0, index]],
    )


def draw(panels: Sequence[PlotData], title: str) -> object:
    """A matplotlib Figure, one row per service: load vs capacity (shed shaded) on the
    left, replicas on the right. Every service the spike reaches, not only the busiest:
    a callee that saturates is where the shed load often is."""
    import matplotlib as mpl  # noqa: PLC0415  (only when drawing)

    mpl.use("Agg")
    from matplotlib.figure import Figure  # noqa: PLC0415

    rows = len(panels)
    figure = Figure(figsize=(13, 1.2 + 2.6 * rows), dpi=100, layout="constrained")
    axes = figure.subplots(rows, 2, sharex=True, squeeze=False)
    for (left, right), data in zip(axes, panels, strict=True):
        t = np.array(data.seconds)
        load = np.array(data.load)
        capacity = np.array(data.capacity)
        left.plot(
            t,
            load,
            label=f"load ({data.unit})",
            color="#d62728",
            linewidth=2,
            gid=f"load-{data.service}",
        )
        left.plot(
            t,
            capacity,
            label="capacity of ready replicas",
            color="#1f77b4",
            linestyle="--",
            gid=f"capacity-{data.service}",
        )
        left.fill_between(
            t,
            capacity,
            load,
            where=load > capacity,
            color="#d62728",
            alpha=0.2,
            label=f"shed: {sum(data.shed):,.0f}",
            gid=f"shed-{data.service}",
        )
        left.set_ylabel(data.unit)
        left.set_title(data.title, fontsize=10)
        left.legend(loc="lower right", fontsize=8)
        left.grid(alpha=0.3)
        right.step(
            t,
            data.desired,
            where="post",
            label="desired (autoscaler)",
            color="#ff7f0e",
            gid=f"desired-{data.service}",
        )
        right.step(
            t,
            data.ready,
            where="post",
            label="ready",
            color="#2ca02c",
            linestyle="--",
            gid=f"ready-{data.service}",
        )
        right.set_ylabel("replicas")
        right.set_title(f"{data.service}: replicas", fontsize=10)
        right.legend(loc="lower right", fontsize=8)
        right.grid(alpha=0.3)
    for column in axes[-1]:
        column.set_xlabel("seconds")
    figure.suptitle(title)
    return figure


def save(panels: Sequence[PlotData], title: str, out: Path) -> list[Path]:
    """Write ``spike.png`` and ``spike.svg`` into ``out`` (atomically)."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = draw(panels, title)
    assert isinstance(figure, Figure)  # noqa: S101
    written: list[Path] = []
    for kind, metadata in (
        ("png", {"Software": None}),
        ("svg", {"Date": None, "Creator": None}),
    ):
        buffer = io.BytesIO()
        import matplotlib as mpl  # noqa: PLC0415

        with mpl.rc_context({"svg.hashsalt": "infra-architect"}):
            figure.savefig(buffer, format=kind, metadata=metadata)
        path = out / f"spike.{kind}"
        atomic_write_bytes(path, buffer.getvalue())
        written.append(path)
    return written
