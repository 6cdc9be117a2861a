"""The spike plot: load, capacity and replicas over time, as PNG and SVG (matplotlib).

Kept apart from the simulations so nothing imports matplotlib unless it draws; the
figure is built from a :class:`PlotData` (what the test checks) and saved without
timestamps or random ids, so the same run gives the same files.
"""

from __future__ import annotations

import io
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


def draw(data: PlotData) -> object:
    """A matplotlib Figure: load vs capacity (shed shaded) above, replicas below."""
    import matplotlib as mpl  # noqa: PLC0415  (only when drawing)

    mpl.use("Agg")
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(10, 6.5), dpi=100)
    top, bottom = figure.subplots(2, 1, sharex=True)
    t = np.array(data.seconds)
    load = np.array(data.load)
    capacity = np.array(data.capacity)
    top.plot(t, load, label=f"load ({data.unit})", color="#d62728", gid="load")
    top.plot(t, capacity, label="capacity of ready replicas", color="#1f77b4", gid="capacity")
    top.fill_between(
        t,
        capacity,
        load,
        where=load > capacity,
        color="#d62728",
        alpha=0.2,
        label=f"shed: {sum(data.shed):,.0f}",
        gid="shed",
    )
    top.set_ylabel(data.unit)
    top.set_title(data.title)
    top.legend(loc="lower right")
    top.grid(alpha=0.3)
    bottom.step(
        t, data.desired, where="post", label="desired (autoscaler)", color="#ff7f0e", gid="desired"
    )
    bottom.step(t, data.ready, where="post", label="ready", color="#2ca02c", gid="ready")
    bottom.set_ylabel("replicas")
    bottom.set_xlabel("seconds")
    bottom.legend(loc="lower right")
    bottom.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def save(data: PlotData, out: Path) -> list[Path]:
    """Write ``spike.png`` and ``spike.svg`` into ``out`` (atomically)."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = draw(data)
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
