"""Kustomize overlays in a reviewed tree, built with ``kubectl kustomize`` when kubectl
is present, so the rules see what a cluster would get (replicas after patches, images
after overrides). Never fetches: an overlay that names a remote resource, or a path
leaving the reviewed tree, is not built (and says why); plugins and Helm stay off."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import yaml

from infra_architect.review._walk import Kind, Skipped, Walk, join, parent
from infra_architect.rules.kubernetes._objects import K8sObject, load_manifests
from infra_architect.validate._kubernetes import build_overlay

_REFERENCE_KEYS = ("resources", "bases", "components")
BUILD_SECONDS = 60

Build = Callable[[Path], tuple[str | None, str]]
"""Directory → (rendered YAML, or None and the error)."""


def kubectl_build(kubectl: str) -> Build:
    def build(directory: Path) -> tuple[str | None, str]:
        try:
            rendered, errors = build_overlay(kubectl, directory, BUILD_SECONDS)
        except subprocess.TimeoutExpired:
            return None, f"kubectl kustomize took over {BUILD_SECONDS} s"
        return rendered, errors[-1] if errors else ""

    return build


def overlays(walked: Walk) -> tuple[list[str], list[Skipped]]:
    """Kustomization directories to build: those no other kustomization includes, whose
    references are all local and inside the tree."""
    files = {f.path: f for f in walked.files}
    kustomizations = {parent(f.path): f for f in walked.files if f.kind is Kind.KUSTOMIZATION}
    included: set[str] = set()
    refused: dict[str, str] = {}
    for directory, found in kustomizations.items():
        try:
            document = yaml.safe_load(found.text)
        except yaml.YAMLError:
            refused[directory] = "kustomization is not YAML"
            continue
        for key in _REFERENCE_KEYS:
            for entry in (document or {}).get(key) or []:
                if not isinstance(entry, str):
                    continue
                if "://" in entry or entry.startswith(("github.com/", "git@")) or "?ref=" in entry:
                    refused[directory] = f"names a remote resource ({entry}): not fetched"
                    continue
                target = join(directory, entry)
                if target is None:
                    refused[directory] = f"{entry} leaves the reviewed tree"
                    continue
                if target in kustomizations:
                    included.add(target)
                elif target not in files:
                    refused.setdefault(directory, f"{entry} was not read (skipped or absent)")
    tops = sorted(d for d in kustomizations if d not in included and d not in refused)
    skips = [
        Skipped(path=f"{d}/{Path(kustomizations[d].path).name}", reason=f"not built: {why}")
        for d, why in sorted(refused.items())
    ]
    return tops, skips


def built_objects(
    walked: Walk, base: Path, raw: list[K8sObject], build: Build | None
) -> tuple[list[K8sObject], list[Skipped]]:
    """Objects as the overlays render them, located at the raw object they come from
    (same kind and name) or at the kustomization; raw objects an overlay covers are
    replaced by its rendering. Without kubectl, the raw objects as they are."""
    tops, skips = overlays(walked)
    if not tops:
        return raw, skips
    if build is None:
        return raw, [
            *skips,
            *(Skipped(path=d, reason="kustomize overlay not built: kubectl not found")
              for d in tops),
        ]  # fmt: skip
    located = {(o.kind, o.name): o for o in raw}
    covered: set[tuple[str, str]] = set()
    out: list[K8sObject] = []
    for directory in tops:
        rendered, error = build(base / directory)
        if rendered is None:
            skips.append(Skipped(path=directory, reason=f"kustomize build failed: {error}"))
            continue
        for obj in load_manifests(rendered, directory):
            source = located.get((obj.kind, obj.name))
            doc = dict(obj.doc)
            doc.setdefault("metadata", {})
            annotations = dict((doc["metadata"] or {}).get("annotations") or {})
            annotations["infra-architect/overlay"] = directory
            doc["metadata"] = {**(doc["metadata"] or {}), "annotations": annotations}
            if source is not None:
                covered.add((obj.kind, obj.name))
                out.append(K8sObject(file=source.file, line=source.line, doc=doc))
            else:
                out.append(K8sObject(file=f"{directory}/kustomization.yaml", line=1, doc=doc))
    out += [o for o in raw if (o.kind, o.name) not in covered]
    return out, skips
