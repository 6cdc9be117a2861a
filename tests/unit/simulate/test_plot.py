"""The spike plot shows what it claims: the lines drawn are the simulated series."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from infra_architect.simulate import Cluster, Settings, outcomes, simulate
from infra_architect.simulate.plot import draw, plot_data, save
from tests.unit.simulate.test_spike import HPA, STEP, _service


def _data() -> tuple[object, object]:
    service = _service(84, 834)
    run = simulate([service], HPA, Cluster(nodes=9, max_nodes=186), STEP)
    found = outcomes(run, [service], STEP, Settings(min_replicas=[84], max_replicas=[834]))[0]
    return plot_data(run, 0, "web", "requests/s", "web: 10x step"), found


def test_the_lines_are_the_simulated_series(tmp_path: Path) -> None:
    data, found = _data()
    figure = draw([data], "10x step")  # type: ignore[list-item]
    assert isinstance(figure, Figure)
    top, bottom = figure.axes
    lines = {line.get_gid(): line for line in [*top.get_lines(), *bottom.get_lines()]}
    np.testing.assert_array_equal(lines["load-web"].get_ydata(), data.load)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(lines["capacity-web"].get_ydata(), data.capacity)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(lines["ready-web"].get_ydata(), data.ready)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(lines["desired-web"].get_ydata(), data.desired)  # type: ignore[attr-defined]
    # what the plot claims: the load steps 10x at 60 s, capacity is ready x 20/s, the
    # shaded gap is the shed load the outcome reports
    load = np.array(data.load)  # type: ignore[attr-defined]
    assert load[59] == 1000
    assert load[60] == 10_000
    np.testing.assert_array_equal(np.array(data.capacity), np.array(data.ready) * 20.0)  # type: ignore[attr-defined]
    gap = np.maximum(load - np.array(data.capacity), 0).sum()  # type: ignore[attr-defined]
    assert gap == sum(data.shed) == found.shed  # type: ignore[attr-defined]
    assert max(data.ready) == 834  # type: ignore[attr-defined]
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert f"shed: {found.shed:,.0f}" in legend  # type: ignore[attr-defined]


def test_png_and_svg_are_written_the_same_every_time(tmp_path: Path) -> None:
    data, _ = _data()
    first = save([data], "10x step", tmp_path / "a")  # type: ignore[list-item]
    second = save([data], "10x step", tmp_path / "b")  # type: ignore[list-item]
    assert [p.name for p in first] == ["spike.png", "spike.svg"]
    assert first[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.parse(first[1]).getroot()  # noqa: S314  (our own file)
    assert root.tag.endswith("svg")
    assert "web: 10x step" in first[1].read_text()
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_cli_plots_every_service_of_the_design(tmp_path: Path) -> None:
    """One panel per simulated service, not only the one the design's series follows."""
    from typer.testing import CliRunner  # noqa: PLC0415

    from infra_architect.cli import app  # noqa: PLC0415
    from tests.conftest import EXAMPLES  # noqa: PLC0415

    spec = next(p for p in EXAMPLES if p.stem == "ecommerce")
    result = CliRunner().invoke(
        app, ["simulate", str(spec), "-o", str(tmp_path), "--trials", "1000", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "spike.svg").read_text()
    services = ["storefront", "catalog", "search", "cart", "checkout", "payments", "fulfilment"]
    for service in services:
        assert f'id="load-{service}"' in svg, service
        assert f'id="ready-{service}"' in svg, service
