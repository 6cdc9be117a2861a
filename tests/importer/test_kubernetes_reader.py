"""The Kubernetes reader on small manifests, one way of saying a fact per case."""

from __future__ import annotations

from infra_architect.iac import load_manifests
from infra_architect.importer import Findings, read_kubernetes
from infra_architect.review import OverlayGraph


def _read(text: str, overlay: str | None = None, stores: tuple[str, ...] = ()) -> Findings:
    graph = OverlayGraph(overlay=overlay, objects=load_manifests(text, "k8s.yaml"))
    return read_kubernetes([graph], stores=stores)


def _workload(name: str, kind: str = "Deployment", extra: str = "", env: str = "") -> str:
    return f"""\
apiVersion: apps/v1
kind: {kind}
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/{name}:1.0
{extra}{env}---
"""


def _service(name: str, port: str = "http", kind: str = "ClusterIP") -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  type: {kind}
  selector: {{app: {name}}}
  ports: [{{name: {port}, port: 80, targetPort: 8080}}]
---
"""


def test_types_from_exposure() -> None:
    text = (
        _workload("site")
        + _service("site")
        + "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\n"
        "spec:\n  rules:\n    - http:\n        paths:\n          - backend: "
        "{service: {name: site, port: {number: 80}}}\n---\n"
        + _workload("orders")
        + _service("orders")
        + _workload("mailer")
        + _service("mailer", port="metrics")  # a metrics-only Service serves nobody
        + "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\n"
        "spec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n"
        "        spec: {containers: [{name: main, image: nightly}]}\n---\n"
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n"
        "spec: {template: {spec: {containers: [{name: m, image: migrate}]}}}\n"
    )
    found = _read(text)
    assert {s.name: s.type for s in found.services} == {
        "site": "web",
        "orders": "api",
        "mailer": "worker",
        "nightly": "cron",
    }
    assert next(s for s in found.services if s.name == "site").public
    assert next(s for s in found.services if s.name == "nightly").schedule == "0 3 * * *"
    assert any("Job migrate runs once" in n for n in found.notes)


def test_an_internal_load_balancer_is_web_but_not_public() -> None:
    text = _workload("admin") + _service("admin", kind="LoadBalancer").replace(
        "metadata: {name: admin}",
        "metadata: {name: admin, annotations: "
        "{service.beta.kubernetes.io/aws-load-balancer-scheme: internal}}",
    )
    (admin,) = _read(text).services
    assert (admin.type, admin.public) == ("web", False)


def test_calls_from_cluster_dns_names_and_network_policies() -> None:
    env = "          env:\n            - {name: CART_URL, value: 'http://cart.shop.svc.cluster.local/api'}\n"
    policy = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ledger}\n"
        "spec:\n  podSelector: {matchLabels: {app: ledger}}\n"
        "  ingress:\n    - from: [{podSelector: {matchLabels: {app: web}}}]\n"
        "    - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: cart}}}]\n"
    )
    text = (
        _workload("web", env=env)
        + _service("cart")
        + _workload("cart")
        + _workload("ledger")
        + _service("ledger")
        + policy
    )
    calls = {(s.name, c.target) for s in _read(text).services for c in s.calls}
    # cart → ledger is admitted from another namespace's selector: not this system's call
    assert calls == {("web", "cart"), ("web", "ledger")}


def test_in_cluster_stores_by_image_and_uses() -> None:
    db = _workload("orders-db", kind="StatefulSet").replace(
        "registry.example.com/orders-db:1.0", "docker.io/library/postgres:16-alpine"
    )
    mongo = _workload("catalog").replace("registry.example.com/catalog:1.0", "mongo:7")
    exporter = _workload("db-metrics").replace(
        "registry.example.com/db-metrics:1.0", "quay.io/prometheuscommunity/postgres-exporter"
    )
    env = (
        "          env:\n            - {name: DATABASE_HOST, value: 'orders-db:5432'}\n"
        "            - {name: EVENTS_QUEUE_URL, value: from-terraform}\n"
    )
    found = _read(
        db + _service("orders-db") + mongo + exporter + _workload("api", env=env),
        stores=("events",),
    )
    assert [(s.name, s.engine) for s in found.datastores] == [("orders-db", "postgres")]
    # mongo is a store the spec cannot hold (noted); the exporter is a tool beside one
    assert [s.name for s in found.services] == ["db-metrics", "api"]
    api = found.services[1]
    assert sorted(u.target for u in api.uses) == ["events", "orders-db"]
    assert any("runs mongo, a store the spec has no engine for" in n for n in found.notes)


def test_grpc_memory_health_and_hpa_floor() -> None:
    extra = (
        "          ports: [{name: grpc, containerPort: 9000}]\n"
        "          resources: {requests: {memory: 1Gi, cpu: 250m}}\n"
        "          readinessProbe: {grpc: {port: 9000}}\n"
    )
    hpa = (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: rates}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rates}\n"
        "  minReplicas: 3\n  maxReplicas: 12\n"
    )
    (rates,) = _read(
        _workload("rates", extra=extra) + _service("rates", port="grpc") + hpa
    ).services
    assert (rates.protocol, rates.port, rates.memory_mb, rates.cpu) == ("grpc", 9000, 1024, 0.25)
    assert (rates.replicas, rates.max_replicas) == (3, 12)


def test_the_prod_overlay_wins_over_staging() -> None:
    def graph(overlay: str, replicas: int) -> OverlayGraph:
        text = _workload("app", extra=f"  replicas: {replicas}\n").replace(
            "spec:\n  selector", f"spec:\n  replicas: {replicas}\n  selector"
        )
        return OverlayGraph(overlay=overlay, objects=load_manifests(text, f"{overlay}/k.yaml"))

    found = read_kubernetes([graph("k8s/overlays/staging", 1), graph("k8s/overlays/prod", 4)])
    assert [(s.name, s.replicas) for s in found.services] == [("app", 4)]


def test_alarms_name_their_target() -> None:
    rule = (
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\n"
        "spec:\n  groups:\n    - name: g\n      rules:\n"
        "        - {alert: HighErrors, expr: 'rate(errors{service=\"billing\"}[5m]) > 1'}\n"
        "        - {record: x, expr: up}\n"
    )
    found = _read(_workload("billing") + rule)
    assert [(a.name, a.target) for a in found.alarms] == [("HighErrors", "billing")]
