"""`import_repository`: walk a tree as `review` does, run every reader, merge.

Nothing is executed but what review runs itself (``kubectl kustomize`` on local overlays,
``helm template`` on local charts, each when installed). infra-architect's own records
(design.json, .infra-architect/, docs/) are left out: import recovers what the *code*
says, as for any foreign repository. Every file, chart or overlay not read is carried
into the result: "could not read" never becomes "nothing found".
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from infra_architect.importer._bill import read_bill
from infra_architect.importer._findings import Findings, FoundLink, FoundService, Unread
from infra_architect.importer._kubernetes import read_kubernetes
from infra_architect.importer._terraform import read_terraform
from infra_architect.review import (
    Limits,
    Walk,
    helm_render,
    kubectl_build,
    kubernetes_graphs,
    walk,
)

T = TypeVar("T")

OWN_RECORDS = ("design.json", ".infra-architect/", "docs/")
"""What `design` writes about itself: never evidence of what runs."""


@dataclass(frozen=True)
class ImportResult:
    root: Path
    findings: Findings


def import_repository(
    root: Path,
    *,
    cost_export: Path | None = None,
    limits: Limits | None = None,
    use_tools: bool = True,
) -> ImportResult:
    """What runs today according to the code under ``root``. ``use_tools``: build
    kustomize overlays and render charts with kubectl/helm when they are installed."""
    base = root.resolve()
    limits = limits or Limits()
    start = time.monotonic()
    walked = _own_records_left_out(walk(base, limits))
    kubectl = shutil.which("kubectl") if use_tools else None
    helm = shutil.which("helm") if use_tools else None
    graphs, skipped = kubernetes_graphs(
        walked,
        base,
        build=kubectl_build(kubectl) if kubectl else None,
        render=helm_render(helm) if helm else None,
        seconds_left=lambda: limits.seconds - (time.monotonic() - start),
    )
    terraform = read_terraform(base, walked)
    bill = read_bill(base, walked, cost_export)
    # queues too: a workload's env naming a queue Terraform made is a use, as for a store
    kubernetes = read_kubernetes(
        graphs, stores=[s.name for s in terraform.datastores] + [q.name for q in terraform.queues]
    )
    unread = Findings(
        unread=tuple(
            Unread(path=s.path, reason=s.reason)
            for s in sorted(set(skipped), key=lambda s: (s.path, s.reason))
            if not s.by_design
        ),
        read_elsewhere=tuple(
            f"{s.path}: {s.reason}"
            for s in sorted(set(skipped), key=lambda s: (s.path, s.reason))
            if s.by_design
        ),
        notes=(f"the walk stopped early: {walked.stopped}",) if walked.stopped else (),
    )
    return ImportResult(root=base, findings=merged([kubernetes, terraform, bill, unread]))


def _own_records_left_out(walked: Walk) -> Walk:
    def own(path: str) -> bool:
        return any(path == r or path.startswith(r) for r in OWN_RECORDS)

    return walked.model_copy(update={"files": [f for f in walked.files if not own(f.path)]})


def merged(parts: Iterable[Findings]) -> Findings:
    """One Findings: lists joined, a name seen twice kept once (the first reader's facts,
    filled in by the later ones; a service keeps every call, use and evidence); the first
    region, AZ count and bill found."""
    out = Findings()
    for part in parts:
        out = Findings(
            services=_join_services(out.services, part.services),
            datastores=_first_by_name(out.datastores + part.datastores),
            queues=_first_by_name(out.queues + part.queues),
            alarms=out.alarms + part.alarms,
            region=out.region or part.region,
            availability_zones=out.availability_zones or part.availability_zones,
            monthly_usd=out.monthly_usd or part.monthly_usd,
            unread=out.unread + part.unread,
            notes=out.notes + part.notes,
            read_elsewhere=out.read_elsewhere + part.read_elsewhere,
        )
    return out


def _first_by_name(items: tuple[T, ...]) -> tuple[T, ...]:
    seen: set[str] = set()
    kept: list[T] = []
    for item in items:
        name = str(getattr(item, "name", ""))
        if name not in seen:
            seen.add(name)
            kept.append(item)
    return tuple(kept)


def _first_by_target(links: tuple[FoundLink, ...]) -> tuple[FoundLink, ...]:
    """One link per target (an env var and a secret naming the same store are one use),
    the first evidence kept."""
    seen: set[str] = set()
    kept: list[FoundLink] = []
    for link in links:
        if link.target not in seen:
            seen.add(link.target)
            kept.append(link)
    return tuple(kept)


def _join_services(
    first: tuple[FoundService, ...], second: tuple[FoundService, ...]
) -> tuple[FoundService, ...]:
    by_name = {s.name: s for s in first}
    order = [s.name for s in first]
    for service in second:
        if service.name not in by_name:
            by_name[service.name] = replace(
                service,
                calls=_first_by_target(service.calls),
                uses=_first_by_target(service.uses),
            )
            order.append(service.name)
            continue
        kept = by_name[service.name]
        filled = {
            field: getattr(service, field)
            for field in (
                "port",
                "protocol",
                "schedule",
                "memory_mb",
                "cpu",
                "health_check_path",
                "replicas",
                "max_replicas",
                "replicas_evidence",
                "platform",
                "exposure",
            )
            if getattr(kept, field) is None
        }
        by_name[service.name] = replace(
            kept,
            **filled,
            public=kept.public or service.public,
            calls=_first_by_target(kept.calls + service.calls),
            uses=_first_by_target(kept.uses + service.uses),
            more_evidence=(*kept.more_evidence, service.evidence, *service.more_evidence),
        )
    return tuple(by_name[name] for name in order)
