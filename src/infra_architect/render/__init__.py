"""Renderers: turn a Design into files. They make no decisions."""

from infra_architect.engine import Design, deploy_owned_paths
from infra_architect.render._docs import design_json, design_json_schema, render_docs
from infra_architect.render._kubernetes import render_kubernetes
from infra_architect.render._pipelines import render_pipelines
from infra_architect.render._report import REPORT, mermaid_script, render_report
from infra_architect.render._terraform import render_terraform


def render_all(design: Design) -> dict[str, str]:
    """Every file of a design: documents (and report.html, the page that gathers them),
    Kubernetes, pipelines and Terraform. A design
    the Terraform cannot be generated for is a bug (:class:`UnbuildableDesignError`): the
    engine chooses only what buildable.yaml says a shipped module builds."""
    files = render_docs(design)
    files[REPORT] = render_report(design, files)
    files.update(render_kubernetes(design))
    files.update(render_pipelines(design))
    files.update(render_terraform(design))
    return files


def seeded_paths(files: dict[str, str]) -> frozenset[str]:
    """The files of a tree the deploy owns once they exist: each overlay's Terraform values
    (``infrastructure.env``) and released digests (``release/kustomization.yaml``). The
    writer seeds them and never rewrites them, so re-running ``design`` after a deploy
    changes nothing the deploy set."""
    owned = {
        path
        for overlay in files
        if overlay.startswith("infra/k8s/overlays/") and overlay.endswith("/kustomization.yaml")
        for path in deploy_owned_paths(overlay.split("/")[3])
    }
    return frozenset(owned & set(files))


__all__ = [
    "design_json",
    "design_json_schema",
    "mermaid_script",
    "render_all",
    "render_docs",
    "render_kubernetes",
    "render_pipelines",
    "render_report",
    "render_terraform",
    "seeded_paths",
]
