"""report.html of every bundled example, opened in headless Chromium at 1,280 px.

A reader's view, measured: every Mermaid diagram rendered to an SVG (no error diagram,
no page error), every diagram and chart text at least 11 px on screen (its font size
times the scale its SVG is drawn at), the spike chart with a legend, and no request
leaving file://. One browser opens every page (tests/mermaid/report.mjs, puppeteer over
Debian's Chromium); `.ci/run` installs both, and outside CI the test skips, saying why,
only when they are truly absent.

``INFRA_ARCHITECT_REPORT_SCREENSHOT=docs/report.png`` also writes the screenshot the
README shows (ecommerce, at the network diagram).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, generate
from tests.integration.test_mermaid import CHECKER, CHROMIUM, _missing

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WIDTH = 1280
LEGIBLE_PX = 11.0


def _open(
    pages: list[dict[str, str]], screenshot: dict[str, str] | None
) -> list[dict[str, object]]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the browser: {reason}")
        pytest.skip(reason)
    result = subprocess.run(
        ["node", str(CHECKER / "report.mjs")],
        input=json.dumps({"pages": pages, "width": WIDTH, "screenshot": screenshot}),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    assert result.returncode == 0, result.stderr
    opened: list[dict[str, object]] = json.loads(result.stdout)
    return opened


def _problems(page: dict[str, object]) -> list[str]:
    problems = []
    if page["state"] != "done" or page["status"]:
        problems.append(f"Mermaid did not finish: {page['state']!r} {page['status']!r}")
    if page["errors"]:
        problems.append(f"error diagrams: {page['errors']}")
    if page["svgs"] != page["pre"] or not page["pre"]:
        problems.append(f"{page['svgs']} of {page['pre']} diagrams rendered to an <svg>")
    small = [s for s in page["smallest"] if s["px"] < LEGIBLE_PX]  # type: ignore[attr-defined]
    if small:
        problems.append(f"text under {LEGIBLE_PX} px at {WIDTH} px: {small}")
    if not any("load" in legend for legend in page["legends"]):  # type: ignore[attr-defined]
        problems.append(f"no spike chart legend naming the load: {page['legends']}")
    if page["requests"]:
        problems.append(f"requests outside file://: {page['requests']}")
    if page["console"]:
        problems.append(f"page errors: {page['console']}")
    return problems


def test_every_example_report_renders_legibly_offline(tmp_path: Path) -> None:
    pages = []
    for spec in EXAMPLES:
        path = tmp_path / f"{spec.stem}.html"
        path.write_text(generate(spec)["report.html"], encoding="utf-8")
        pages.append({"id": spec.stem, "path": str(path)})
    shot = os.environ.get("INFRA_ARCHITECT_REPORT_SCREENSHOT")
    opened = _open(pages, {"id": "ecommerce", "path": str(Path(shot).resolve())} if shot else None)
    assert [p["id"] for p in opened] == [p["id"] for p in pages]
    failures = {str(p["id"]): _problems(p) for p in opened}
    assert not any(failures.values()), json.dumps(failures, indent=2)
    # every example's five architecture diagrams, at least, were drawn and measured
    assert all(int(p["pre"]) >= 5 and int(p["texts"]) > 50 for p in opened)  # type: ignore[call-overload]


def test_the_check_sees_a_broken_diagram_and_shrunk_text(tmp_path: Path) -> None:
    """The check can fail: a diagram with a syntax error, and a report whose diagrams are
    scaled to the page width (the old behaviour), are both reported."""
    spec = next(p for p in EXAMPLES if p.stem == "online-boutique")
    report = generate(spec)["report.html"]
    broken = report.replace("flowchart LR", "flowchart LR\n  a[unclosed --> b", 1)
    shrunk = report.replace("useMaxWidth: false", "useMaxWidth: true").replace(
        ".diagram{overflow-x:auto;", ".diagram{max-width:500px;overflow-x:auto;"
    )
    pages = []
    for name, text in (("broken", broken), ("shrunk", shrunk)):
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
        pages.append({"id": name, "path": str(tmp_path / f"{name}.html")})
    opened = {str(p["id"]): _problems(p) for p in _open(pages, None)}
    assert any("error" in problem or "rendered" in problem for problem in opened["broken"])
    assert any("px at" in problem for problem in opened["shrunk"]), opened["shrunk"]
