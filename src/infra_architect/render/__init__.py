"""Renderers: turn a Design into files. They make no decisions."""

from infra_architect.render._docs import design_json, design_json_schema, render_docs
from infra_architect.render._kubernetes import render_kubernetes
from infra_architect.render._pipelines import render_pipelines
from infra_architect.render._terraform import UnsupportedDesignError, render_terraform

__all__ = [
    "UnsupportedDesignError",
    "design_json",
    "design_json_schema",
    "render_docs",
    "render_kubernetes",
    "render_pipelines",
    "render_terraform",
]
