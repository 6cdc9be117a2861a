"""Renderers: turn a Design into files. They make no decisions."""

from infra_architect.render._docs import design_json, design_json_schema, render_docs

__all__ = ["design_json", "design_json_schema", "render_docs"]
