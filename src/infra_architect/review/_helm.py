"""Helm charts rendered with ``helm template`` when helm is installed, so their objects
are reviewed as a cluster would get them; said so, chart by chart, when it is not.

A chart is a directory with a ``Chart.yaml``; a chart inside another's ``charts/`` is a
dependency its parent renders. Rendering uses the chart's own ``values.yaml`` only, no
dependency update, no repository and no cluster: helm runs with an environment that
points nowhere (no HOME, kubeconfig, plugins, repository config or cache, PATH), like
kubectl for kustomize. A chart holding a symlink out of the tree is not rendered (helm
would follow it). Rendered objects are located at the template they come from (helm's
``# Source:`` comment), one graph per chart. Test hooks (``helm.sh/hook: test``) are left
out (``--skip-tests``): they run only on ``helm test``, are not part of what a release
deploys, and charts commonly name them with random characters (``randAlphaNum``), which
would make the review's output differ from run to run.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from infra_architect.iac import K8sObject, load_manifests
from infra_architect.review._walk import Skipped, Walk, parent

Render = Callable[[Path, float], tuple[str | None, str]]
"""(chart directory, seconds) -> its rendered YAML, or None and why not."""

RENDER_SECONDS = 60.0
"""One chart's bound (less when the review's --timeout has less left)."""
HELM_ABSENT = "Helm chart not rendered: helm not installed (install helm to review it)"
RELEASE = "review"
_SOURCE = re.compile(r"^# Source: [^/\n]+/(.+?)\s*$", re.MULTILINE)
_DOCUMENT = re.compile(r"^---[ \t]*$", re.MULTILINE)


def helm_environment() -> dict[str, str]:
    """Nothing helm could be pointed somewhere with: no home, kubeconfig, plugins,
    repositories, registry config, cache or PATH (to find a post-renderer)."""
    nowhere = "/nonexistent"
    return {
        "PATH": "",
        "HOME": nowhere,
        "KUBECONFIG": os.devnull,
        "LANG": "C",
        "LC_ALL": "C",
        "XDG_CONFIG_HOME": nowhere,
        "XDG_CACHE_HOME": nowhere,
        "XDG_DATA_HOME": nowhere,
        "HELM_CACHE_HOME": nowhere,
        "HELM_CONFIG_HOME": nowhere,
        "HELM_DATA_HOME": nowhere,
        "HELM_PLUGINS": nowhere,
        "HELM_REPOSITORY_CONFIG": f"{nowhere}/repositories.yaml",
        "HELM_REPOSITORY_CACHE": nowhere,
        "HELM_REGISTRY_CONFIG": f"{nowhere}/registry.json",
    }


def helm_render(helm: str) -> Render:
    """A renderer running ``helm template`` from ``helm``'s path."""

    def render(chart: Path, seconds: float) -> tuple[str | None, str]:
        allowed = min(RENDER_SECONDS, seconds)
        try:
            proc = subprocess.run(
                [helm, "template", RELEASE, str(chart.absolute()), "--skip-tests"],
                cwd=chart,
                env=helm_environment(),
                capture_output=True,
                text=True,
                timeout=allowed,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"helm template took over {allowed:g} s"
        except OSError as exc:
            return None, f"helm could not run ({exc.strerror})"
        if proc.returncode != 0:
            lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
            return None, lines[-1] if lines else f"helm exited {proc.returncode}"
        return proc.stdout, ""

    return render


@dataclass(frozen=True)
class ChartGraph:
    """One rendered chart's objects, each at the template it came from."""

    chart: str
    objects: list[K8sObject]


def charts(walked: Walk) -> list[str]:
    """The chart directories of the tree (a dependency under a chart's ``charts/``
    is its parent's to render)."""
    found = sorted(
        parent(f.path) for f in walked.files if f.path.rpartition("/")[2] == "Chart.yaml"
    )
    return [c for c in found if not any(inside(c, _join(other, "charts")) for other in found)]


def chart_objects(
    walked: Walk,
    base: Path,
    render: Render | None,
    seconds_left: Callable[[], float],
) -> tuple[list[ChartGraph], list[Skipped]]:
    """One graph per rendered chart, and a Skipped (could not read: the review is
    incomplete) for every chart not rendered, with why."""
    graphs: list[ChartGraph] = []
    skips: list[Skipped] = []
    outside = [s.path for s in walked.skipped if "symlink leads outside" in s.reason]
    for chart in charts(walked):
        why = _not_rendered(chart, render, outside, seconds_left())
        if why is None and render is not None:
            rendered, error = render(base / chart, seconds_left())
            why = f"helm template failed: {error}" if rendered is None else None
            if rendered is not None:
                try:
                    graphs.append(ChartGraph(chart, rendered_objects(chart, rendered)))
                except (yaml.YAMLError, RecursionError):
                    why = "helm template's output is not YAML"
        if why is not None:
            skips.append(Skipped(path=chart, reason=why))
    return graphs, skips


def _not_rendered(
    chart: str, render: Render | None, outside: Sequence[str], seconds: float
) -> str | None:
    if render is None:
        return HELM_ABSENT
    if any(inside(path, chart) for path in outside):
        return "Helm chart not rendered: a symlink in it leads outside the tree"
    if seconds <= 0:
        return "Helm chart not rendered: the --timeout was spent"
    return None


def rendered_objects(chart: str, rendered: str) -> list[K8sObject]:
    """The objects of ``helm template``'s output, each at its template's path in the
    tree (``# Source: <chart>/templates/x.yaml`` → ``<chart dir>/templates/x.yaml``;
    a dependency's as ``<chart dir>/charts/<name>/templates/x.yaml``), line 1."""
    objects: list[K8sObject] = []
    for document in _DOCUMENT.split(rendered):
        source = _SOURCE.search(document)
        file = _join(chart, source.group(1) if source else "Chart.yaml")
        # a rendered line is not the template's: the object is at its template's top
        objects += [K8sObject(o.file, 1, o.doc) for o in load_manifests(document, file)]
    return objects


def inside(path: str, directory: str) -> bool:
    """Whether a walked path is ``directory`` or under it ("." holds everything)."""
    return directory in (".", path) or path.startswith(f"{directory}/")


def _join(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}"
