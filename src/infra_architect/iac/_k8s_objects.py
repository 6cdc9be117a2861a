"""Kubernetes objects as the rules see them: each document with the file and line it
starts on, and the pod template inside every kind that runs pods."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

WORKLOAD_KINDS = ("Deployment", "Rollout", "StatefulSet", "DaemonSet", "ReplicaSet")
POD_TEMPLATE_KINDS = (*WORKLOAD_KINDS, "Job", "CronJob", "Pod")


@dataclass(frozen=True)
class K8sObject:
    file: str
    line: int
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.doc.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str((self.doc.get("metadata") or {}).get("namespace", ""))

    @property
    def address(self) -> str:
        return f"{self.kind}/{self.name}"

    def pod_spec(self) -> dict[str, Any] | None:
        spec = self.doc.get("spec") or {}
        if self.kind == "Pod":
            return spec if isinstance(spec, dict) else None
        if self.kind == "CronJob":
            spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
        if self.kind in POD_TEMPLATE_KINDS:
            template = (spec.get("template") or {}).get("spec")
            return template if isinstance(template, dict) else None
        return None

    def pod_labels(self) -> dict[str, str]:
        spec = self.doc.get("spec") or {}
        if self.kind == "Pod":
            return dict((self.doc.get("metadata") or {}).get("labels") or {})
        if self.kind == "CronJob":
            spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
        return dict(((spec.get("template") or {}).get("metadata") or {}).get("labels") or {})


@dataclass
class KubernetesGraph:
    objects: list[K8sObject] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> Iterator[K8sObject]:
        return (o for o in self.objects if o.kind in kinds)


def load_manifests(text: str, file: str) -> list[K8sObject]:
    """Every mapping document of a (multi-document) YAML text, with its first line."""
    out: list[K8sObject] = []
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if not isinstance(node, yaml.MappingNode):
                continue
            doc = loader.construct_document(node)
            if isinstance(doc, dict) and "kind" in doc:
                out.append(K8sObject(file=file, line=node.start_mark.line + 1, doc=doc))
    finally:
        loader.dispose()
    return out


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in spec.get("containers") or [] if isinstance(c, dict)] + [
        c for c in spec.get("initContainers") or [] if isinstance(c, dict)
    ]


def selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) picks these labels."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels.get(key) in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True
