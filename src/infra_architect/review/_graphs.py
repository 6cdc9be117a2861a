"""The Kubernetes objects of a walked tree, read exactly as `review` reads them: Helm
charts rendered (when a renderer is given), kustomize overlays built (when a builder is
given), the raw manifests no build consumed; for readers other than the rules (import)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from infra_architect.review._helm import Render, chart_objects, inside
from infra_architect.review._kustomize import Build, OverlayGraph, built_objects, filesystem_tree
from infra_architect.review._review import kubernetes_objects
from infra_architect.review._walk import Skipped, Walk, repository_root


def kubernetes_graphs(
    walked: Walk,
    base: Path,
    *,
    build: Build | None,
    render: Render | None,
    seconds_left: Callable[[], float],
) -> tuple[list[OverlayGraph], list[Skipped]]:
    """One graph per rendered chart (``overlay`` is the chart), per built overlay, and one
    of the raw objects left; every file, chart or overlay not read is a Skipped."""
    raw, k8s_skips = kubernetes_objects(walked)
    charted, chart_skips = chart_objects(walked, base, render, seconds_left)
    rendered = [g.chart for g in charted]
    raw = [o for o in raw if not any(inside(o.file, c) for c in rendered)]
    skipped = [s for s in k8s_skips if not any(inside(s.path, c) for c in rendered)]
    graphs = [OverlayGraph(overlay=c.chart, objects=c.objects) for c in charted]
    built, build_skips = built_objects(
        walked,
        base,
        raw,
        build,
        seconds_left=seconds_left,
        tree=filesystem_tree(walked, base, repository_root(base)),
    )
    return graphs + built, [*walked.skipped, *chart_skips, *skipped, *build_skips]
