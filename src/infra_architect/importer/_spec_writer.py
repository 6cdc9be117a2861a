"""Findings → a draft ``infra-architect/v1`` spec, each inferred field with its evidence.

What the code cannot say is left out so the interview asks it: traffic, the SLO, the
team, deploys per day (``spec.find_missing``'s questions). RTO/RPO and growth are
optional in every spec (the design assumes them and says so), so they are not added to
the interview for everyone: the draft's header lists them as open questions for a
system someone already runs. A value the spec would reject is never written: it is
mapped (a name to a DNS label) or reported in the header.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from infra_architect.importer._findings import (
    Evidence,
    Findings,
    FoundAlarm,
    FoundLink,
    FoundQueue,
    FoundService,
    FoundStore,
)
from infra_architect.spec import (
    API_VERSION,
    KIND,
    DatastoreEngine,
    QueueEngine,
    dump_document,
    find_missing,
)

OPEN_QUESTIONS = (
    (
        "availability.rto_minutes / rpo_minutes: how long may a disaster take to recover, "
        "and how much data may it lose? (unset: derived from the SLO, and said so)"
    ),
    "traffic.growth: where is traffic heading, and by when? (unset: today's traffic)",
)
_DNS_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_MAX_EVIDENCE = 3


def draft_spec(findings: Findings, *, name: str, source: str) -> str:
    """The draft as YAML text, comments included."""
    return dump_document(draft_tree(findings, name=name, source=source))


def draft_tree(findings: Findings, *, name: str, source: str) -> CommentedMap:
    problems: list[str] = []
    tree = CommentedMap()
    tree["apiVersion"] = API_VERSION
    tree["kind"] = KIND
    label = _label(name)
    if label is None:
        problems.append(f"{name!r} is no DNS label: metadata.name set to 'imported'")
        label = "imported"
    tree["metadata"] = CommentedMap(name=label)
    stores = [s for s in findings.datastores if _known_store(s, problems)]
    queues = [q for q in findings.queues if _known_queue(q.engine, q.name, problems)]
    targets = {s.name for s in findings.services} | {s.name for s in stores}
    targets |= {q.name for q in queues}
    system = CommentedMap()
    system["services"] = CommentedSeq(
        _service(s, {x.name for x in findings.services}, targets) for s in findings.services
    )
    if stores:
        system["datastores"] = CommentedSeq(_store(s) for s in stores)
    if queues:
        system["queues"] = CommentedSeq(
            _commented(CommentedMap(name=q.name, engine=q.engine), "name", [q.evidence])
            for q in queues
        )
    tree["system"] = system
    if findings.region or findings.availability_zones:
        cloud = CommentedMap()
        if findings.region:
            cloud["region"] = findings.region[0]
            _commented(cloud, "region", [findings.region[1]])
        if findings.availability_zones:
            cloud["availability_zones"] = findings.availability_zones[0]
            _commented(cloud, "availability_zones", [findings.availability_zones[1]])
        tree["cloud"] = cloud
    tree["existing"] = _existing(findings, stores, queues, source, targets)
    tree.yaml_set_start_comment(_header(findings, problems, tree, source))
    return tree


def _label(name: str) -> str | None:
    label = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63].rstrip("-")
    return label if _DNS_LABEL.match(label) else None


def _known_store(store: FoundStore, problems: list[str]) -> bool:
    if store.engine in {e.value for e in DatastoreEngine}:
        return True
    problems.append(
        f"{store.evidence}: store {store.name} runs {store.engine}, an engine the spec does "
        "not know: left out"
    )
    return False


def _known_queue(engine: str, name: str, problems: list[str]) -> bool:
    if engine in {e.value for e in QueueEngine}:
        return True
    problems.append(f"queue {name} runs {engine}, an engine the spec does not know: left out")
    return False


def _commented(node: CommentedMap, key: str, evidence: Iterable[Evidence]) -> CommentedMap:
    where = list(dict.fromkeys(str(e) for e in evidence))
    if where:
        more = f" (+{len(where) - _MAX_EVIDENCE} more)" if len(where) > _MAX_EVIDENCE else ""
        node.yaml_add_eol_comment("from " + ", ".join(where[:_MAX_EVIDENCE]) + more, key)
    return node


def _service(service: FoundService, services: set[str], targets: set[str]) -> CommentedMap:
    node = CommentedMap(name=service.name, type=service.type)
    _commented(node, "name", [service.evidence, *service.more_evidence])
    if service.exposure is not None:  # what makes it web (and public), beside the workload
        _commented(node, "type", [service.exposure])
    if service.public:
        node["public"] = True
    if service.port is not None:
        node["port"] = service.port
    if service.protocol == "grpc":
        node["protocol"] = "grpc"
    if service.schedule is not None:
        node["schedule"] = service.schedule
    calls = _links(service.calls, services - {service.name})
    if calls:
        node["calls"] = CommentedSeq(calls)
        _commented(node, "calls", [link.evidence for link in service.calls])
    uses = _links(service.uses, targets - services)
    if uses:
        node["uses"] = CommentedSeq(uses)
        _commented(node, "uses", [link.evidence for link in service.uses])
    if service.cpu is not None:
        node["cpu"] = service.cpu
    if service.memory_mb is not None:
        node["memory_mb"] = service.memory_mb
    if service.health_check_path is not None and service.protocol != "grpc":
        node["health_check_path"] = service.health_check_path
    return node


def _links(links: Iterable[FoundLink], allowed: set[str]) -> list[str]:
    return list(dict.fromkeys(link.target for link in links if link.target in allowed))


def _store(store: FoundStore) -> CommentedMap:
    node = CommentedMap(name=store.name, engine=store.engine)
    _commented(node, "name", [store.evidence])
    if store.storage_gb is not None:
        # the code holds provisioned space (RDS sizes it for IOPS too), not the data
        # stored, which storage_gb means: say what is allocated, leave the figure to you
        node.yaml_add_eol_comment(
            f"{store.storage_gb:g} GB allocated today; storage_gb (the data stored) is yours "
            "to state",
            "engine",
        )
    if store.role is not None and store.engine == "redis":
        node["role"] = store.role
    return node


def _existing(
    findings: Findings,
    stores: list[FoundStore],
    queues: list[FoundQueue],
    source: str,
    targets: set[str],
) -> CommentedMap:
    existing = CommentedMap(source=source)
    platforms = Counter(s.platform for s in findings.services if s.platform)
    if platforms:
        existing["compute"] = sorted(platforms.items(), key=lambda p: (-p[1], p[0]))[0][0]
    if findings.region:
        existing["region"] = findings.region[0]
    if findings.availability_zones:
        existing["availability_zones"] = findings.availability_zones[0]
    existing["services"] = CommentedSeq(_existing_service(s) for s in findings.services)
    if stores:
        existing["datastores"] = CommentedSeq(_existing_store(s) for s in stores)
    if queues:
        existing["queues"] = CommentedSeq(_existing_queue(q) for q in queues)
    if findings.alarms:
        # the spec holds at most 1,000 alarms: more are a fleet's, not one system's
        existing["alarms"] = CommentedSeq(
            _existing_alarm(a, targets) for a in findings.alarms[:1000]
        )
    if findings.monthly_usd:
        existing["monthly_usd"] = round(findings.monthly_usd[0], 2)
        existing["monthly_usd_source"] = findings.monthly_usd[1][:300]
    return existing


def _existing_service(service: FoundService) -> CommentedMap:
    node = CommentedMap(name=service.name)
    if service.replicas is not None:
        node["replicas"] = service.replicas
    if service.max_replicas is not None:
        node["max_replicas"] = service.max_replicas
    where = [service.replicas_evidence, service.evidence, *service.more_evidence]
    node["evidence"] = CommentedSeq(dict.fromkeys(str(e) for e in where if e is not None))
    return node


def _existing_queue(queue: FoundQueue) -> CommentedMap:
    node = CommentedMap(name=queue.name, engine=queue.engine)
    if queue.dead_letter is not None:
        node["dead_letter"] = queue.dead_letter
    node["evidence"] = [str(queue.evidence)]
    return node


def _existing_alarm(alarm: FoundAlarm, targets: set[str]) -> CommentedMap:
    node = CommentedMap(name=alarm.name)
    if alarm.target in targets:
        node["target"] = alarm.target
    if alarm.metric:
        node["metric"] = alarm.metric
    node["evidence"] = [str(alarm.evidence)]
    return node


def _existing_store(store: FoundStore) -> CommentedMap:
    node = CommentedMap(name=store.name, engine=store.engine)
    for key in ("instance_class", "storage_gb", "multi_az", "replicas", "backup_retention_days"):
        value = getattr(store, key)
        if value is not None:
            node[key] = value
    node["evidence"] = [str(store.evidence)]
    return node


def _header(findings: Findings, problems: list[str], tree: CommentedMap, source: str) -> str:
    lines = [
        f"Draft requirements recovered by `infra-architect import {source}`.",
        "Every inferred field says where it was read (# from file:line). What the code",
        "cannot say is left for you: write the answers to the questions below into this",
        "file, or run `infra-architect design` on it in a terminal: it asks them and saves",
        "the answers here, comments kept.",
        "",
        "Questions to answer:",
        *(f"  - {q.key}: {q.prompt}" for q in find_missing(tree)),
        "Open questions (optional; the design assumes them and says so):",
        *(f"  - {q}" for q in OPEN_QUESTIONS),
    ]
    if findings.unread:
        lines += ["", "Could not read (what they hold is missing from this draft):"]
        lines += [f"  - {u.path}: {u.reason}" for u in findings.unread]
    if problems or findings.notes:
        lines += ["", "Seen but not imported:"]
        lines += [f"  - {n}" for n in [*problems, *findings.notes]]
    if findings.read_elsewhere:
        count = len(findings.read_elsewhere)
        lines += [
            "",
            "Read through another file, nothing lost (`-f json` lists them):",
            f"  - {count} file(s): kustomize patches as their overlays build them, and the like",
        ]
    return "\n".join(_safe(line) for line in lines)


def _safe(line: str) -> str:
    """A comment line holds no control characters (a file name could carry one)."""
    return "".join(ch if ch.isprintable() else "?" for ch in line)
