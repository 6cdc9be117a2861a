"""Render a Design into its documents: Markdown via Jinja (StrictUndefined) and design.json.

Renderers make no decisions; every figure printed is read from the Design. Output is
deterministic: no timestamps, sorted JSON keys, a fixed file order.

Free text from the spec enters the documents here, escaped once (``_documents_view``):
templates print ``design.description`` as it is given to them, already inert Markdown.
design.json keeps the text as written (JSON escapes it).
"""

from __future__ import annotations

import json
import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from infra_architect._figures import slug, table_cell
from infra_architect.engine import Design, capital, number
from infra_architect.render._mermaid import (
    compute_diagram,
    data_diagram,
    delivery_diagram,
    failover_diagram,
    network_diagram,
    spike_charts,
)
from infra_architect.render._text import markdown_inline


def _pct(value: float) -> str:
    return f"{value:.3f}"


def _signed_usd(value: float) -> str:
    """A change in dollars: ``+$1,200`` or ``-$4,800``."""
    rounded = round(value)
    return f"+${number(rounded)}" if rounded >= 0 else f"-${number(-rounded)}"


def _minutes(value: float) -> str:
    """Simulated minutes to two decimals: a step's effect can be a fraction of a minute."""
    return f"{value:,.2f}"


def _usd(value: float) -> str:
    return f"{value:,.0f}"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("infra_architect.render", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701  (Markdown, not HTML)
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = table_cell
    env.filters["num"] = number
    env.filters["pct"] = _pct
    env.filters["usd"] = _usd
    env.filters["mins"] = _minutes
    env.filters["signed_usd"] = _signed_usd
    env.filters["code"] = lambda text: f"`{text}`"
    env.filters["capital"] = capital
    return env


def _render(template: str, **context: object) -> str:
    text = _environment().get_template(template).render(**context)
    # one blank line between blocks, one newline at the end
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def _documents_view(design: Design) -> Design:
    """The Design as the templates see it: the spec's free text escaped for Markdown.

    The description is the one value of the Design no character set holds (names, paths,
    schedules, regions and URLs are held to strict sets in the spec). A spec's text with
    a ``` fence, ``<script>`` or a heading stays text.
    """
    return design.model_copy(update={"description": markdown_inline(design.description)})


def render_docs(design: Design) -> dict[str, str]:
    """Every document of ``design`` by its path relative to the output directory."""
    # Diagrams escape for Mermaid from the Design as given; the templates get the view.
    raw, design = design, _documents_view(design)
    diagrams = {
        "compute": compute_diagram(raw),
        "network": network_diagram(raw),
        "data": data_diagram(raw),
        "delivery": delivery_diagram(raw),
        "failover": failover_diagram(raw),
    }
    files = {
        "docs/architecture.md": _render(
            "architecture.md.j2", design=design, c=design.constraints, diagrams=diagrams
        ),
        "docs/tech-spec.md": _render("tech-spec.md.j2", design=design),
        "docs/tradeoffs.md": _render("tradeoffs.md.j2", design=design),
        "docs/cost.md": _render("cost.md.j2", design=design),
        "docs/definition-of-done.md": _render("definition-of-done.md.j2", design=design),
        "docs/deploy.md": _render("deploy.md.j2", design=design, d=design.day_one),
    }
    if design.migration is not None:
        files["docs/migration.md"] = _render("migration.md.j2", design=design)
    for scenario in design.availability.scenarios:
        files[f"docs/runbooks/{scenario.id}.md"] = _render(
            "runbook.md.j2",
            design=design,
            s=scenario,
            charts=spike_charts(design) if scenario.id == "traffic-spike" else [],
        )
    for index, decision in enumerate(design.decisions, start=1):
        files[f"docs/adr/{index:04d}-{slug(decision.id)}.md"] = _render(
            "adr.md.j2", d=decision, number=index
        )
    files["design.json"] = design_json(raw)
    return dict(sorted(files.items()))


def design_json(design: Design) -> str:
    document = {
        "apiVersion": "infra-architect/v1",
        "kind": "Design",
        "feasible": design.feasible,
        # Greenfield designs carry no migration: leave the key out, not null, so their
        # design.json is what it was before brownfield specs existed.
        "design": design.model_dump(
            mode="json", exclude={"migration"} if design.migration is None else None
        ),
    }
    return (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    )


def design_json_schema() -> dict[str, object]:
    schema = Design.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://infra-architect.dev/schemas/design-v1.schema.json",
        "title": "infra-architect Design (v1)",
        "type": "object",
        "required": ["apiVersion", "kind", "feasible", "design"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "infra-architect/v1"},
            "kind": {"const": "Design"},
            "feasible": {"type": "boolean"},
            "design": {"$ref": "#/$defs/Design"},
        },
        "$defs": {**schema.pop("$defs", {}), "Design": schema},
    }
