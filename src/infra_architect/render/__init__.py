"""Renderers: turn a Design into files. They make no decisions."""

from infra_architect.engine import Design
from infra_architect.render._docs import design_json, design_json_schema, render_docs
from infra_architect.render._kubernetes import render_kubernetes
from infra_architect.render._pipelines import render_pipelines
from infra_architect.render._terraform import render_terraform


def render_all(design: Design) -> dict[str, str]:
    """Every file of a design: documents, Kubernetes, pipelines and Terraform. A design
    the Terraform cannot be generated for is a bug (:class:`UnbuildableDesignError`): the
    engine chooses only what buildable.yaml says a shipped module builds."""
    files = render_docs(design)
    files.update(render_kubernetes(design))
    files.update(render_pipelines(design))
    files.update(render_terraform(design))
    return files


__all__ = [
    "design_json",
    "design_json_schema",
    "render_all",
    "render_docs",
    "render_kubernetes",
    "render_pipelines",
    "render_terraform",
]
