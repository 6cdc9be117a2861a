"""Renderers: turn a Design into files. They make no decisions."""

from infra_architect.engine._design_model import Design
from infra_architect.render._docs import design_json, design_json_schema, render_docs
from infra_architect.render._kubernetes import render_kubernetes
from infra_architect.render._pipelines import render_pipelines
from infra_architect.render._terraform import render_terraform
from infra_architect.render._tf_common import UnsupportedDesignError


def render_all(design: Design) -> tuple[dict[str, str], UnsupportedDesignError | None]:
    """Every file of a design: documents, Kubernetes, pipelines and Terraform. When the
    Terraform cannot be generated, the rest still is and the reason comes back."""
    files = render_docs(design)
    files.update(render_kubernetes(design))
    files.update(render_pipelines(design))
    try:
        files.update(render_terraform(design))
    except UnsupportedDesignError as exc:
        return files, exc
    return files, None


__all__ = [
    "UnsupportedDesignError",
    "design_json",
    "design_json_schema",
    "render_all",
    "render_docs",
    "render_kubernetes",
    "render_pipelines",
    "render_terraform",
]
