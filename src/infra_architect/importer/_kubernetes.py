"""Kubernetes objects → services, in-cluster stores, calls, uses, replica floors, alarms.

Reads the objects `review` reads (built overlays, rendered charts, raw manifests) and
says only what they say: a workload's type from how it is exposed (an Ingress, a
LoadBalancer/NodePort Service or a Gateway route: web; a Service port: api; none:
worker; a CronJob: cron), calls from NetworkPolicy ingress rules and from host names in
env and ConfigMap values, uses from references to stores, floors from the HPA (else
``replicas``), alarms from PrometheusRule alerts. What it sees but cannot map is a note.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from infra_architect.iac import K8sObject
from infra_architect.importer._findings import (
    Evidence,
    Findings,
    FoundAlarm,
    FoundLink,
    FoundService,
    FoundStore,
)
from infra_architect.review import OverlayGraph

SERVICE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout", "CronJob")
ENVIRONMENTS = frozenset(
    {"prod", "production", "staging", "stage", "dev", "development", "test", "qa", "preview"}
)
PROD = frozenset({"prod", "production"})
STORE_IMAGES = (
    ("redis", "redis"),
    ("valkey", "redis"),
    ("postgres", "postgres"),
    ("postgis", "postgres"),
    ("mysql", "mysql"),
    ("mariadb", "mysql"),
    ("opensearch", "opensearch"),
    ("elasticsearch", "opensearch"),
)
UNMAPPED_STORE_IMAGES = ("mongo", "cassandra", "couchdb", "neo4j", "memcached", "etcd")
LOAD_GENERATORS = ("loadgenerator", "load-generator", "locust", "k6", "vegeta", "jmeter")
_TOOLS = frozenset({"exporter", "operator", "proxy", "backup", "express", "commander", "ui"})
KARPENTER_KINDS = frozenset({"NodePool", "EC2NodeClass", "Provisioner"})
METRICS_PORT_NAMES = ("metrics", "prometheus", "http-metrics", "monitoring")
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([A-Za-z0-9.-]+)(?::(\d+))?(?:[/?].*)?$")
_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)([KMGTE]i?|[kmgte]?)$")
_MEMORY_FACTORS = {
    "": 1 / 2**20,
    "k": 1e3 / 2**20,
    "K": 1e3 / 2**20,
    "M": 1e6 / 2**20,
    "G": 1e9 / 2**20,
    "T": 1e12 / 2**20,
    "Ki": 1 / 1024,
    "Mi": 1,
    "Gi": 1024,
    "Ti": 1024**2,
}


@dataclass(frozen=True)
class _Workload:
    obj: K8sObject
    pod: Mapping[str, Any]
    labels: Mapping[str, str]

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.obj.file, self.obj.line)

    @property
    def containers(self) -> list[Mapping[str, Any]]:
        found = self.pod.get("containers")
        return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def read_kubernetes(graphs: Iterable[OverlayGraph], stores: Collection[str] = ()) -> Findings:
    """What the objects of ``graphs`` say runs today. ``stores``: names of stores found
    elsewhere (Terraform), so env and secret references to them become uses."""
    objects = chosen_objects(list(graphs))
    notes: list[str] = []
    workloads: list[_Workload] = []
    found_stores: list[FoundStore] = []
    store_labels: dict[str, Mapping[str, str]] = {}
    for obj in objects:
        if obj.kind == "Job" and not _owned(obj):
            notes.append(
                f"{obj.file}:{obj.line}: Job {obj.name} runs once to completion: not a service "
                "(declare it as a cron service if it runs on a schedule)"
            )
            continue
        if obj.kind not in SERVICE_KINDS:
            continue
        pod = obj.pod_spec()
        if pod is None:
            continue
        template = _template_metadata(obj)
        workload = _Workload(obj, pod, _str_map(template.get("labels")))
        image = " ".join(str(c.get("image", "")) for c in workload.containers).lower()
        if any(g in obj.name.lower() or g in image for g in LOAD_GENERATORS):
            notes.append(
                f"{obj.file}:{obj.line}: {obj.name} generates load (synthetic traffic for "
                "demos and tests): not part of the system, left out"
            )
            continue
        store = _store(workload, notes)
        if store is not None:
            found_stores.append(store)
            store_labels[store.name] = workload.labels
            continue
        if _unmapped_store(workload):  # a store, just not one the spec can hold
            continue
        workloads.append(workload)
    k8s_services = [o for o in objects if o.kind == "Service"]
    store_hosts = {s.name for s in found_stores} | set(stores)
    for service in k8s_services:  # a Service in front of a store names it too
        selector = _str_map((service.doc.get("spec") or {}).get("selector"))
        if any(_matches(selector, labels) for labels in store_labels.values()):
            store_hosts.add(service.name)
    host_owner = _host_owners(k8s_services, workloads, store_labels)
    names = {w.obj.name: _dns_label(w.obj.name) for w in workloads}
    platform = "eks-karpenter" if any(o.kind in KARPENTER_KINDS for o in objects) else "eks"
    services: list[FoundService] = []
    for workload in workloads:
        name = names[workload.obj.name]
        if name is None:
            notes.append(
                f"{workload.evidence}: {workload.obj.kind} {workload.obj.name!r} is no DNS "
                "label (lowercase letters, digits, '-'): rename it in the spec to import it"
            )
            continue
        services.append(
            _service(workload, name, objects, k8s_services, workloads, host_owner, platform)
        )
    known = {s.name for s in services}
    services = [
        replace(
            s,
            calls=tuple(c for c in s.calls if c.target in known and c.target != s.name),
            uses=_uses(s, objects, workloads, store_hosts, host_owner),
        )
        for s in services
    ]
    notes += _unresolved_hosts(workloads, objects, host_owner, known | store_hosts)
    return Findings(
        services=tuple(services),
        datastores=tuple(found_stores),
        alarms=tuple(_alarms(objects, known | {s.name for s in found_stores})),
        notes=tuple(notes),
    )


# --- which objects ---------------------------------------------------------------------


def chosen_objects(graphs: list[OverlayGraph]) -> list[K8sObject]:
    """The objects of prod: a prod overlay's build wins over staging's and over the base
    it builds (the replica floors that matter are prod's); without one, every graph. The
    first object of a kind and name is kept (graphs in path order, prod first)."""
    has_prod = any(_environment(g.overlay) in PROD for g in graphs)

    def rank(graph: OverlayGraph) -> tuple[int, str]:
        env = _environment(graph.overlay)
        return (0 if env in PROD else 1 if env is None else 2, graph.overlay or "~")

    chosen: list[K8sObject] = []
    seen: set[tuple[str, str]] = set()
    for graph in sorted(graphs, key=rank):
        env = _environment(graph.overlay)
        if has_prod and env is not None and env not in PROD:
            continue
        for obj in graph.objects:
            key = (obj.kind, obj.name)
            if key not in seen:
                seen.add(key)
                chosen.append(obj)
    return chosen


def _environment(path: str | None) -> str | None:
    parts = (path or "").lower().split("/")
    return next((p for p in parts if p in ENVIRONMENTS), None)


def _owned(obj: K8sObject) -> bool:
    owners = (obj.doc.get("metadata") or {}).get("ownerReferences")
    return bool(owners)


def _template_metadata(obj: K8sObject) -> Mapping[str, Any]:
    spec = obj.doc.get("spec") or {}
    if obj.kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    metadata = (spec.get("template") or {}).get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _selects(selector: Mapping[str, str], workload: _Workload) -> bool:
    return _matches(selector, workload.labels)


def _matches(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _dns_label(name: str) -> str | None:
    label = name.lower().replace(".", "-").replace("_", "-")
    return label if re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", label) else None


# --- stores ------------------------------------------------------------------------------


def _store(workload: _Workload, notes: list[str]) -> FoundStore | None:
    images = [_image_name(str(c.get("image", ""))) for c in workload.containers]
    for repo, engine in STORE_IMAGES:
        if images and _runs(images[0], repo):
            name = _dns_label(workload.obj.name)
            if name is None:
                notes.append(f"{workload.evidence}: store {workload.obj.name!r} is no DNS label")
                return None
            replicas = (workload.obj.doc.get("spec") or {}).get("replicas")
            return FoundStore(
                name=name,
                engine=engine,
                evidence=workload.evidence,
                replicas=replicas - 1 if isinstance(replicas, int) and replicas > 1 else None,
            )
    if _unmapped_store(workload):
        notes.append(
            f"{workload.evidence}: {workload.obj.name} runs {images[0]}, a store the spec has "
            "no engine for: not imported (add it by hand as the nearest engine, or leave it)"
        )
    return None


def _unmapped_store(workload: _Workload) -> bool:
    images = [_image_name(str(c.get("image", ""))) for c in workload.containers]
    return bool(images) and any(_runs(images[0], u) for u in UNMAPPED_STORE_IMAGES)


def _runs(image: str, engine: str) -> bool:
    """The image is the engine itself (``redis``, ``bitnami/postgresql``), not a tool
    beside it (``redis-exporter``, ``postgres-operator``, ``mongo-express``)."""
    parts = re.split(r"[-_.]", image)
    return parts[0].startswith(engine) and not set(parts[1:]) & _TOOLS


def _image_name(image: str) -> str:
    """``docker.io/library/redis:7-alpine@sha256:..`` → ``redis``."""
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


# --- one service -------------------------------------------------------------------------


def _service(  # noqa: PLR0917  (one workload and the objects around it)
    workload: _Workload,
    name: str,
    objects: list[K8sObject],
    k8s_services: list[K8sObject],
    workloads: list[_Workload],
    host_owner: Mapping[str, str],
    platform: str,
) -> FoundService:
    fronting = [
        s
        for s in k8s_services
        if _selects(_str_map((s.doc.get("spec") or {}).get("selector")), workload)
    ]
    serving_ports = [p for s in fronting for p in _ports(s) if not _is_metrics(p)]
    exposed, exposure = _exposed(fronting, objects)
    container = workload.containers[0] if workload.containers else {}
    port_entry = next(
        (p for p in container.get("ports") or [] if isinstance(p, dict) and not _is_metrics(p)),
        None,
    )
    kind: str
    if workload.obj.kind == "CronJob":
        kind = "cron"
    elif exposed is not None:
        kind = "web"
    elif serving_ports:
        kind = "api"
    else:
        kind = "worker"
    serves = kind in {"web", "api"}
    port = _port_number(port_entry, serving_ports) if serves else None
    floor, ceiling, floor_evidence = _replicas(workload, objects)
    schedule = (workload.obj.doc.get("spec") or {}).get("schedule") if kind == "cron" else None
    return FoundService(
        name=name,
        type=kind,
        evidence=workload.evidence,
        public=exposed is not None and exposed,
        port=port,
        protocol=_protocol(container, port_entry, serving_ports) if serves else None,
        schedule=str(schedule) if schedule else None,
        memory_mb=_memory_mb(container),
        cpu=_cpu(container),
        health_check_path=_health_path(container) if serves else None,
        replicas=None if kind == "cron" else floor,
        max_replicas=None if kind == "cron" else ceiling,
        exposure=exposure,
        replicas_evidence=None if kind == "cron" else floor_evidence,
        calls=tuple(_calls(workload, objects, workloads, host_owner)),
        platform=platform,
    )


def _ports(service: K8sObject) -> list[Mapping[str, Any]]:
    ports = (service.doc.get("spec") or {}).get("ports")
    return [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []


def _is_metrics(port: Mapping[str, Any]) -> bool:
    name = str(port.get("name", "")).lower()
    target = str(port.get("targetPort", "")).lower()
    return name in METRICS_PORT_NAMES or target in METRICS_PORT_NAMES


def _exposed(
    fronting: list[K8sObject], objects: list[K8sObject]
) -> tuple[bool | None, Evidence | None]:
    """True: reachable from the internet; False: exposed outside the cluster, internally
    (an internal load balancer); None: not exposed. With the first object that exposes
    it (a public one before an internal one), the evidence of the service's type."""
    names = {s.name for s in fronting}
    exposing: list[tuple[bool, K8sObject]] = [
        (not _internal(service), service)
        for service in fronting
        if (service.doc.get("spec") or {}).get("type") in {"LoadBalancer", "NodePort"}
    ]
    for obj in objects:
        if obj.kind == "Ingress" and names & set(_ingress_backends(obj.doc.get("spec") or {})):
            exposing.append((not _internal(obj), obj))
        elif obj.kind in {"HTTPRoute", "GRPCRoute"} and names & set(_route_backends(obj)):
            exposing.append((True, obj))
    if not exposing:
        return None, None
    public, first = next(((p, o) for p, o in exposing if p), exposing[0])
    return public, Evidence(first.file, first.line)


def _internal(obj: K8sObject) -> bool:
    annotations = _str_map((obj.doc.get("metadata") or {}).get("annotations"))
    return any(
        (k.endswith("/scheme") and v == "internal")
        or (k.endswith("aws-load-balancer-internal") and v.lower() == "true")
        or (k.endswith("aws-load-balancer-scheme") and v == "internal")
        for k, v in annotations.items()
    )


def _ingress_backends(spec: Mapping[str, Any]) -> Iterator[str]:
    default = ((spec.get("defaultBackend") or {}).get("service") or {}).get("name")
    if default:
        yield str(default)
    for rule in spec.get("rules") or []:
        for path in ((rule or {}).get("http") or {}).get("paths") or []:
            name = (((path or {}).get("backend") or {}).get("service") or {}).get("name")
            if name:
                yield str(name)


def _route_backends(route: K8sObject) -> Iterator[str]:
    for rule in (route.doc.get("spec") or {}).get("rules") or []:
        for ref in (rule or {}).get("backendRefs") or []:
            if isinstance(ref, dict) and ref.get("name"):
                yield str(ref["name"])


def _port_number(entry: Mapping[str, Any] | None, serving: list[Mapping[str, Any]]) -> int | None:
    value = entry.get("containerPort") if entry else None
    if value is None and serving:
        target = serving[0].get("targetPort", serving[0].get("port"))
        value = target if isinstance(target, int) else serving[0].get("port")
    return value if isinstance(value, int) and 1 <= value <= 65535 else None


def _protocol(
    container: Mapping[str, Any],
    entry: Mapping[str, Any] | None,
    serving: list[Mapping[str, Any]],
) -> str:
    names = [str((entry or {}).get("name", ""))] + [str(p.get("name", "")) for p in serving]
    probes = [container.get(k) or {} for k in ("readinessProbe", "livenessProbe")]
    grpc_probe = any("grpc" in p for p in probes if isinstance(p, dict))
    grpc_port = any(n.lower().startswith("grpc") for n in names)
    return "grpc" if grpc_probe or grpc_port else "http"


def _health_path(container: Mapping[str, Any]) -> str | None:
    for key in ("readinessProbe", "livenessProbe", "startupProbe"):
        path = ((container.get(key) or {}).get("httpGet") or {}).get("path")
        if isinstance(path, str) and re.fullmatch(r"/[A-Za-z0-9._~/-]{0,199}", path):
            return path
    return None


def _memory_mb(container: Mapping[str, Any]) -> int | None:
    value = ((container.get("resources") or {}).get("requests") or {}).get("memory")
    match = _MEMORY.match(str(value)) if value is not None else None
    if match is None:
        return None
    mib = round(float(match.group(1)) * _MEMORY_FACTORS[match.group(2)])
    return mib if 64 <= mib <= 122880 else None


def _cpu(container: Mapping[str, Any]) -> float | None:
    value = ((container.get("resources") or {}).get("requests") or {}).get("cpu")
    text = str(value) if value is not None else ""
    try:
        cores = float(text[:-1]) / 1000 if text.endswith("m") else float(text)
    except ValueError:
        return None
    return cores if 0.05 <= cores <= 64 else None


def _replicas(
    workload: _Workload, objects: list[K8sObject]
) -> tuple[int | None, int | None, Evidence | None]:
    for hpa in objects:
        spec = hpa.doc.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        if (
            hpa.kind == "HorizontalPodAutoscaler"
            and target.get("kind") == workload.obj.kind
            and target.get("name") == workload.obj.name
        ):
            low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
            return (
                low if isinstance(low, int) else None,
                high if isinstance(high, int) else None,
                Evidence(hpa.file, hpa.line),
            )
    if workload.obj.kind == "DaemonSet":
        return None, None, None
    replicas = (workload.obj.doc.get("spec") or {}).get("replicas", 1)  # Kubernetes' default
    if not isinstance(replicas, int):
        return None, None, None
    return replicas, replicas, workload.evidence


# --- calls and uses ----------------------------------------------------------------------


def _host_owners(
    k8s_services: list[K8sObject],
    workloads: list[_Workload],
    stores: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """Host name (a Service's name) → the workload or store behind it."""
    owners: dict[str, str] = {}
    for service in k8s_services:
        selector = _str_map((service.doc.get("spec") or {}).get("selector"))
        for workload in workloads:
            label = _dns_label(workload.obj.name)
            if label is not None and _selects(selector, workload):
                owners.setdefault(service.name, label)
        for store, labels in stores.items():
            if _matches(selector, labels):
                owners.setdefault(service.name, store)
    for workload in workloads:  # a bare workload name is its own host in many manifests
        label = _dns_label(workload.obj.name)
        if label is not None:
            owners.setdefault(workload.obj.name, label)
    return owners


def _calls(
    workload: _Workload,
    objects: list[K8sObject],
    workloads: list[_Workload],
    host_owner: Mapping[str, str],
) -> Iterator[FoundLink]:
    yield from _policy_calls(workload, objects, workloads)
    for value, evidence in _config_values(workload, objects):
        host = _host(value)
        if host is not None and host in host_owner:
            yield FoundLink(host_owner[host], evidence)


def _policy_calls(
    caller: _Workload, objects: list[K8sObject], workloads: list[_Workload]
) -> Iterator[FoundLink]:
    """callee ← caller: a NetworkPolicy that admits ``caller``'s pods into a callee's."""
    for policy in objects:
        if policy.kind != "NetworkPolicy":
            continue
        spec = policy.doc.get("spec") or {}
        selected = _str_map((spec.get("podSelector") or {}).get("matchLabels"))
        if not selected:
            continue
        callees = [w for w in workloads if _selects(selected, w) and w is not caller]
        for rule in spec.get("ingress") or []:
            for peer in (rule or {}).get("from") or []:
                if not isinstance(peer, dict) or "namespaceSelector" in peer:
                    continue
                labels = _str_map((peer.get("podSelector") or {}).get("matchLabels"))
                if labels and _selects(labels, caller):
                    for callee in callees:
                        label = _dns_label(callee.obj.name)
                        if label is not None:
                            yield FoundLink(label, Evidence(policy.file, policy.line))


def _config_values(workload: _Workload, objects: list[K8sObject]) -> Iterator[tuple[str, Evidence]]:
    """(value, where) of every env value and of every value of the ConfigMaps the pod
    reads (envFrom, or one key at a time)."""
    configmaps = {o.name: o for o in objects if o.kind == "ConfigMap"}
    for container in workload.containers:
        for env in container.get("env") or []:
            if not isinstance(env, dict):
                continue
            if isinstance(env.get("value"), str):
                yield env["value"], workload.evidence
            ref = ((env.get("valueFrom") or {}).get("configMapKeyRef") or {}).get("name")
            if ref in configmaps:
                key = ((env.get("valueFrom") or {}).get("configMapKeyRef") or {}).get("key")
                value = (configmaps[ref].doc.get("data") or {}).get(key)
                if isinstance(value, str):
                    yield value, Evidence(configmaps[ref].file, configmaps[ref].line)
        for source in container.get("envFrom") or []:
            ref = ((source or {}).get("configMapRef") or {}).get("name")
            if ref in configmaps and _own_config(ref, workload, objects):
                cm = configmaps[ref]
                for value in (cm.doc.get("data") or {}).values():
                    if isinstance(value, str):
                        yield value, Evidence(cm.file, cm.line)


def _own_config(name: str, workload: _Workload, objects: list[K8sObject]) -> bool:
    """A ConfigMap every pod reads (the cluster's shared settings) says nothing about
    one service's calls: only one read by a single workload counts."""
    readers = 0
    for obj in objects:
        pod = obj.pod_spec() if obj.kind in SERVICE_KINDS else None
        for container in (pod or {}).get("containers") or []:
            refs = {
                ((s or {}).get("configMapRef") or {}).get("name")
                for s in container.get("envFrom") or []
            }
            readers += name in refs
    del workload
    return readers <= 1


def _host(value: str) -> str | None:
    """The Service a value points at: ``cart:7070``, ``http://cart.shop.svc.cluster.local``,
    ``cart.shop`` → ``cart``; anything with a public-looking domain → None."""
    match = _HOST.match(value.strip())
    if match is None:
        return None
    host = match.group(1).lower()
    parts = host.split(".")
    cluster = (
        len(parts) == 1 or (len(parts) == 2 and match.group(2) is not None) or "svc" in parts[1:]
    )
    if (
        not cluster
        or not parts[0]
        or (len(parts) == 1 and match.group(2) is None and "://" not in value)
    ):
        return None
    return parts[0]


def _uses(
    service: FoundService,
    objects: list[K8sObject],
    workloads: list[_Workload],
    store_hosts: Collection[str],
    host_owner: Mapping[str, str],
) -> tuple[FoundLink, ...]:
    workload = next(w for w in workloads if _dns_label(w.obj.name) == service.name)
    links: list[FoundLink] = []
    for value, evidence in _config_values(workload, objects):
        host = _host(value)
        if host is not None and host in store_hosts:
            links.append(FoundLink(host_owner.get(host, host), evidence))
    tokens = {name.upper().replace("-", "_"): name for name in store_hosts}
    for key, evidence in _reference_keys(workload, objects):
        for token, name in tokens.items():
            if key == token or key.startswith(f"{token}_"):
                links.append(FoundLink(host_owner.get(name, name), evidence))
    for value, evidence in _scaling_labels(workload, objects):
        # the queue an autoscaler reads is named with the system's prefix
        # (shopfront-prod-order-events): the longest known name it ends with
        named = [n for n in store_hosts if value == n or value.endswith(f"-{n}")]
        if named:
            name = max(named, key=len)
            links.append(FoundLink(host_owner.get(name, name), evidence))
    return tuple(links)


def _scaling_labels(
    workload: _Workload, objects: list[K8sObject]
) -> Iterator[tuple[str, Evidence]]:
    """Label values selecting the external metrics (a queue's depth) an HPA scales the
    workload on."""
    for hpa in objects:
        spec = hpa.doc.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        if hpa.kind != "HorizontalPodAutoscaler" or (target.get("kind"), target.get("name")) != (
            workload.obj.kind,
            workload.obj.name,
        ):
            continue
        for metric in spec.get("metrics") or []:
            external = metric.get("external") if isinstance(metric, dict) else None
            measured = external.get("metric") if isinstance(external, dict) else None
            selector = measured.get("selector") if isinstance(measured, dict) else None
            labels = selector.get("matchLabels") if isinstance(selector, dict) else None
            for value in _str_map(labels).values():
                yield value, Evidence(hpa.file, hpa.line)


def _reference_keys(
    workload: _Workload, objects: list[K8sObject]
) -> Iterator[tuple[str, Evidence]]:
    """Env var names and the keys of the ExternalSecrets that fill the pod's secrets."""
    for container in workload.containers:
        for env in container.get("env") or []:
            if isinstance(env, dict) and isinstance(env.get("name"), str):
                yield env["name"], workload.evidence
    secrets = {
        str(((v or {}).get("secret") or {}).get("secretName"))
        for v in workload.pod.get("volumes") or []
    } | {
        str(((s or {}).get("secretRef") or {}).get("name"))
        for c in workload.containers
        for s in c.get("envFrom") or []
    }
    for obj in objects:
        if obj.kind != "ExternalSecret":
            continue
        spec = obj.doc.get("spec") or {}
        target = str((spec.get("target") or {}).get("name") or obj.name)
        if target in secrets:
            for entry in spec.get("data") or []:
                if isinstance(entry, dict) and isinstance(entry.get("secretKey"), str):
                    yield entry["secretKey"], Evidence(obj.file, obj.line)


def _unresolved_hosts(
    workloads: list[_Workload],
    objects: list[K8sObject],
    host_owner: Mapping[str, str],
    known: Collection[str],
) -> list[str]:
    notes: list[str] = []
    for workload in workloads:
        for value, evidence in _config_values(workload, objects):
            match = _HOST.match(value.strip())
            if match is None or match.group(2) is None or "." in match.group(1):
                continue
            host = match.group(1).lower()
            if host not in host_owner and host not in known and not host.isdigit():
                notes.append(
                    f"{evidence}: {workload.obj.name} names {value!r}, which no workload "
                    "in the repository serves: no call recorded"
                )
    return sorted(set(notes))


# --- alarms ------------------------------------------------------------------------------


def _alarms(objects: list[K8sObject], targets: Collection[str]) -> Iterator[FoundAlarm]:
    for rule_set in objects:
        if rule_set.kind != "PrometheusRule":
            continue
        owner = _str_map((rule_set.doc.get("metadata") or {}).get("labels")).get(
            "app.kubernetes.io/name"
        )
        for group in (rule_set.doc.get("spec") or {}).get("groups") or []:
            for rule in (group or {}).get("rules") or []:
                if not isinstance(rule, dict) or not isinstance(rule.get("alert"), str):
                    continue
                expr = str(rule.get("expr", ""))
                labels = _str_map(rule.get("labels"))
                named = [labels.get("service"), *re.findall(r'service="([a-z0-9-]+)"', expr), owner]
                target = next((t for t in named if t in targets), None)
                yield FoundAlarm(
                    name=rule["alert"][:256],
                    evidence=Evidence(rule_set.file, rule_set.line),
                    target=target,
                    metric=" ".join(expr.split())[:256] or None,
                )
