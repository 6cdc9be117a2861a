"""``report.html``: the design as one self-contained page to open.

A pure function of the Design and the documents already rendered from it: the Markdown
documents become HTML (markdown-it, raw HTML off, so the spec's escaped text stays
text), the Mermaid blocks are drawn in the browser by the vendored, pinned Mermaid
inlined in the page (``assets/mermaid.json`` records its version and sha256), and the
charts are inline SVG built from the Design's figures. Nothing is fetched: a
Content-Security-Policy of ``default-src 'none'`` forbids it, so the page works from
``file://`` and offline.

Diagrams keep their natural size (``useMaxWidth: false``) inside a scrolling box: a wide
network diagram scrolls instead of shrinking its text below legibility.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from html import escape
from importlib.resources import files as package_files

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from infra_architect.engine import Design
from infra_architect.render._charts import Bar, Line, bar_chart, line_chart

_ASSETS = "assets"
REPORT = "report.html"

LOAD_COLOUR = "#d62728"
CAPACITY_COLOUR = "#1f77b4"
DESIRED_COLOUR = "#ff7f0e"
READY_COLOUR = "#2ca02c"


@cache
def mermaid_script() -> str:
    """The vendored ``mermaid.min.js``, checked against the sha256 recorded beside it."""
    assets = package_files("infra_architect.render").joinpath(_ASSETS)
    record = json.loads(assets.joinpath("mermaid.json").read_text(encoding="utf-8"))
    data = assets.joinpath("mermaid.min.js").read_bytes()
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        msg = "render/assets/mermaid.min.js does not match the sha256 in mermaid.json"
        raise RuntimeError(msg)
    text = data.decode("utf-8")
    # Inlined in a <script> element: the one sequence that would end it early.
    if "</script" in text.lower():
        msg = "render/assets/mermaid.min.js holds '</script' and cannot be inlined"
        raise RuntimeError(msg)
    return text


def _fence(
    renderer: RendererHTML, tokens: list[Token], index: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[index]
    if token.info.strip() == "mermaid":
        # Mermaid reads the element's text: the escaped source comes back exactly.
        return f'<div class="diagram"><pre class="mermaid">{escape(token.content)}</pre></div>\n'
    return str(renderer.fence(tokens, index, options, env))


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.add_render_rule("fence", _fence)
    return md


def _html(markdown: str) -> str:
    html: str = _markdown().render(markdown)
    return html


def _spike_section(design: Design) -> str:
    study = design.simulation.spike
    if study is None:
        return "<p>Nothing autoscales: no spike was simulated.</p>"
    parts: list[str] = []
    series = study.series
    if series is not None:
        parts.append(
            line_chart(
                f"{series.service}: {study.multiplier:g}x step at {study.start_seconds} s",
                series.seconds,
                [
                    Line(f"load ({series.unit})", series.load, LOAD_COLOUR, width=3),
                    Line(
                        "capacity of ready replicas", series.capacity, CAPACITY_COLOUR, dash="6 3"
                    ),
                ],
                "seconds",
                series.unit,
            )
        )
        parts.append(
            line_chart(
                f"{series.service}: replicas",
                series.seconds,
                [
                    Line("desired (autoscaler)", series.desired, DESIRED_COLOUR, width=3),
                    Line("ready", series.ready, READY_COLOUR, dash="6 3"),
                ],
                "seconds",
                "replicas",
            )
        )
    outcomes = study.tuned
    parts.append(
        bar_chart(
            "Every service through the spike: peak replicas (of max)",
            [
                Bar(o.service, o.peak_replicas, f"(max {o.max_replicas}, from {o.start_replicas})")
                for o in outcomes
            ],
            "replicas",
            READY_COLOUR,
        )
    )
    parts.append(
        bar_chart(
            "Every service through the spike: seconds until capacity covers the load",
            [
                Bar(
                    o.service,
                    o.seconds_to_capacity if o.seconds_to_capacity is not None else 0,
                    "" if o.seconds_to_capacity is not None else "(never within the spike)",
                )
                for o in outcomes
            ],
            "s",
            DESIRED_COLOUR,
        )
    )
    return "\n".join(f'<div class="diagram">{p}</div>' for p in parts)


def _availability_section(design: Design) -> str:
    paths = design.simulation.availability
    if not paths:
        return ""
    bars = [
        Bar(
            p.path,
            p.monte_carlo.downtime_p90_minutes,
            f"p90 (budget {p.monte_carlo.budget_minutes:.1f} min)",
        )
        for p in paths
    ]
    chart = bar_chart(
        "Every request path: monthly downtime, p90 of the Monte Carlo months", bars, "min"
    )
    return f'<div class="diagram">{chart}</div>'


def _cost_section(design: Design) -> str:
    cost = design.cost
    parts = [
        bar_chart(
            "Monthly cost by environment",
            [Bar(e.name, e.total_monthly_usd.value) for e in cost.environments],
            "USD",
        )
    ]
    prod = next((e for e in cost.environments if e.name == "prod"), None)
    if prod is not None:
        lines = sorted(prod.lines, key=lambda item: (-item.monthly_usd.value, item.component))
        parts.append(
            bar_chart(
                "prod: monthly cost by component",
                [Bar(item.component, item.monthly_usd.value) for item in lines],
                "USD",
                LOAD_COLOUR,
            )
        )
    if cost.growth:
        parts.append(
            line_chart(
                "Monthly cost along the growth curve",
                [p.month for p in cost.growth],
                [
                    Line("all environments", [p.total_monthly_usd for p in cost.growth], "#333"),
                    Line("prod", [p.prod_monthly_usd for p in cost.growth], CAPACITY_COLOUR),
                ],
                "month",
                "USD per month",
            )
        )
    return "\n".join(f'<div class="diagram">{p}</div>' for p in parts)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#222;line-height:1.45}
nav{position:sticky;top:0;background:#f6f8fa;border-bottom:1px solid #ddd;padding:8px 24px}
nav a{margin-right:16px}
main{padding:0 24px 48px;max-width:1400px}
section{border-bottom:1px solid #eee;padding-bottom:16px}
h1,h2,h3{scroll-margin-top:48px}
table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:8px;overflow-x:auto}
.diagram{overflow-x:auto;margin:12px 0}
.diagram pre.mermaid{background:none;padding:0}
.status{color:#b00}
"""

_BOOT = """
mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: "default",
  flowchart: {useMaxWidth: false}, xyChart: {useMaxWidth: false}});
mermaid.run({querySelector: "pre.mermaid"}).then(
  function () { document.body.dataset.mermaid = "done"; },
  function (error) {
    document.body.dataset.mermaid = "error";
    document.getElementById("status").textContent = "Mermaid: " + error;
  });
"""

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)


def render_report(design: Design, documents: dict[str, str]) -> str:
    """The page for ``design``; ``documents`` are the Markdown files render_docs wrote."""
    runbooks = [documents[p] for p in sorted(documents) if p.startswith("docs/runbooks/")]
    sections = [
        ("architecture", "Architecture", _html(documents["docs/architecture.md"])),
        ("tradeoffs", "Decisions", _html(documents["docs/tradeoffs.md"])),
        (
            "cost",
            "Cost",
            f"{_cost_section(design)}\n{_html(documents['docs/cost.md'])}",
        ),
        (
            "simulation",
            "Simulation",
            "<h1>Simulation</h1>\n" + _spike_section(design) + _availability_section(design),
        ),
        ("runbooks", "Runbooks", "\n".join(_html(text) for text in runbooks)),
        ("done", "Definition of Done", _html(documents["docs/definition-of-done.md"])),
    ]
    if "docs/migration.md" in documents:  # brownfield only: greenfield pages stay as they were
        sections.append(("migration", "Migration", _html(documents["docs/migration.md"])))
    nav = "".join(f'<a href="#{key}">{escape(title)}</a>' for key, title, _ in sections)
    body = "\n".join(f'<section id="{key}">\n{html}</section>' for key, _, html in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(design.name)} - infra-architect design report</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<nav>{nav}</nav>\n<main>\n"
        '<p id="status" class="status"></p>\n'
        f"{body}\n</main>\n"
        f"<script>{mermaid_script()}</script>\n"
        f"<script>{_BOOT}</script>\n"
        "</body>\n</html>\n"
    )
