"""`import` on the project's own generated trees recovers a spec whose design is the
original's: the same services and types, call graph, stores, queues and compute platform.

The tree is generated from each bundled example, stripped of design.json, docs/ and
.infra-architect/ (the tool's own records), imported, and the draft's questions are
answered from the original spec. What import cannot recover, and why:

- traffic, availability (SLO, RTO/RPO), delivery.deploys_per_day and team: requirements,
  not code; they are the interview's questions and are answered here from the original.
  team.kubernetes_experience is not asked by the interview but decides the compute
  platform, so it is answered with the rest of ``team``.
- runtime, cpu_ms_per_request, response_bytes, data_access, traffic_share and calls'
  per_request: planning figures and ratios the manifests do not hold (the generated code
  holds their *results*: replica counts, CPU and memory sizes).
- uses: only where a reference names the store (an env value, a secret key, an
  autoscaler's queue, a security-group rule); a NetworkPolicy egress to a data subnet's
  port does not say which store of that engine, and an endpoint in a ConfigMap every
  workload reads does not say who uses it (UNRECOVERABLE_USES names each).
- stores' storage_gb, row_bytes, retention_days, access_pattern and messages_per_second:
  sizes and rates; the Terraform reader recovers the sizes it can.
- metadata.description/owner, compliance, budget, cloud.domains/accounts: not in the code.

- a service's type where UNRECOVERABLE_TYPES names it: Terraform says a load balancer
  forwards to it and whether that balancer is internet-facing, not whether what answers
  is a web front end or an API. It reads web behind an internet-facing balancer, api
  behind an internal one, and api when the balancer forwards it only ``/api`` paths.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from infra_architect.catalog import load_catalog
from infra_architect.engine import Design, design_system
from infra_architect.importer import draft_spec, import_repository
from infra_architect.spec import load_requirements, parse_document
from tests.conftest import EXAMPLES, generate
from tests.importer._helpers import answer, designed, draft, questions, validated, write_tree

KUBERNETES_EXAMPLES = {"ecommerce", "online-boutique"}

_PUBLIC_API = "an API alone behind an internet-facing load balancer reads as web"
_INTERNAL_WEB = "a web app behind an internal load balancer reads as api"
UNRECOVERABLE_TYPES: dict[str, dict[str, tuple[str, str]]] = {
    # example -> service -> (the type recovered, why it is not the spec's)
    "internal-50-users": {"app": ("api", _INTERNAL_WEB)},
    "internal-tool": {"planner": ("api", _INTERNAL_WEB)},
    "payment-gateway": {"gateway": ("web", _PUBLIC_API)},
    "streaming-ingest": {"ingest": ("web", _PUBLIC_API)},
}


def _original(spec: Path) -> tuple[dict[str, object], Design]:
    catalog = load_catalog()
    text = YAML(typ="safe", pure=True).load(spec.read_text(encoding="utf-8"))
    return text, design_system(load_requirements(spec, catalog.regions), catalog)


def _round_trip(spec: Path, tmp_path: Path) -> tuple[Design, Design]:
    original, original_design = _original(spec)
    root = write_tree(generate(spec), tmp_path / spec.stem)
    tree = draft(root, spec.stem)
    answer(
        tree,
        {
            ("traffic",): original["traffic"],
            ("availability",): original["availability"],
            ("delivery", "deploys_per_day"): original["delivery"]["deploys_per_day"],  # type: ignore[index]
            ("team",): original["team"],
        },
    )
    return original_design, designed(validated(tree, f"{spec.stem}.yaml"))


def _services(design: Design) -> dict[str, str]:
    return {s.name: s.type.value for s in design.compute.services}


def _calls(design: Design) -> set[tuple[str, str]]:
    return {(s.name, c) for s in design.compute.services for c in s.calls}


_SHARED_ENV = (
    "its endpoint is only in infrastructure.env, the ConfigMap every workload reads: it "
    "does not say which workload uses the store"
)
UNRECOVERABLE_USES: dict[str, dict[tuple[str, str], str]] = {
    # example -> (service, store or queue) -> why the code does not say it
    "ecommerce": {
        ("cart", "catalog-cache"): _SHARED_ENV,
        ("cart", "sessions"): _SHARED_ENV,
        ("catalog", "catalog-cache"): _SHARED_ENV,
        ("checkout", "order-events"): _SHARED_ENV + " (only the consumer's autoscaler names it)",
        ("search", "search-index"): _SHARED_ENV,
        ("sitemap", "assets"): _SHARED_ENV,
        ("storefront", "sessions"): _SHARED_ENV,
    },
    "online-boutique": {("cartservice", "redis-cart"): _SHARED_ENV},
}


def _uses(design: Design) -> set[tuple[str, str]]:
    return {(s.name, u) for s in design.compute.services for u in s.uses}


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_uses_are_recovered_but_for_the_named_ones(spec: Path, tmp_path: Path) -> None:
    """Every use the code names is read back (an env var or secret naming the store, a
    security-group rule, an autoscaler's queue); none is invented."""
    original, recovered = _round_trip(spec, tmp_path)
    assert _uses(original) - _uses(recovered) == set(UNRECOVERABLE_USES.get(spec.stem, {}))
    assert _uses(recovered) <= _uses(original)


def _unrecoverable(spec: Path) -> set[str]:
    return set(UNRECOVERABLE_TYPES.get(spec.stem, {}))


def _params() -> list[object]:
    return [pytest.param(spec, id=spec.stem) for spec in EXAMPLES]


@pytest.mark.parametrize("spec", _params())
def test_services_calls_and_platform_are_recovered(spec: Path, tmp_path: Path) -> None:
    original, recovered = _round_trip(spec, tmp_path)
    expected = _services(original) | {
        name: read for name, (read, _why) in UNRECOVERABLE_TYPES.get(spec.stem, {}).items()
    }
    assert _services(recovered) == expected
    # a listed type is one import really gets wrong, not a stale entry
    assert all(
        _services(original)[n] != t for n, t in expected.items() if n in _unrecoverable(spec)
    )
    assert _calls(recovered) == _calls(original)
    assert recovered.compute.platform == original.compute.platform


@pytest.mark.parametrize("spec", _params())
def test_stores_and_queues_are_recovered(spec: Path, tmp_path: Path) -> None:
    original, recovered = _round_trip(spec, tmp_path)
    assert {(s.name, s.engine) for s in recovered.data.stores} == {
        (s.name, s.engine) for s in original.data.stores
    }
    assert {(q.name, q.engine) for q in recovered.data.queues} == {
        (q.name, q.engine) for q in original.data.queues
    }


@pytest.mark.parametrize("example", sorted(KUBERNETES_EXAMPLES))
def test_the_draft_asks_only_what_the_code_cannot_say(example: str, tmp_path: Path) -> None:
    spec = next(s for s in EXAMPLES if s.stem == example)
    root = write_tree(generate(spec), tmp_path / example)
    text = draft_spec(import_repository(root).findings, name=example, source=example)
    tree = parse_document(text, "draft.yaml").tree
    assert questions(tree) == [
        "traffic",
        "availability.slo",
        "delivery.deploys_per_day",
        "team.size",
        "team.ops_experience",
    ]
    assert "# from infra/k8s/" in text  # every inferred service carries its evidence
    assert tree["existing"]["compute"] == ("eks" if example == "ecommerce" else "eks-karpenter")
    floors = {s["name"]: s.get("replicas") for s in tree["existing"]["services"]}
    assert all(isinstance(f, int) and f >= 1 for n, f in floors.items() if n != "sitemap")


@pytest.mark.parametrize("example", sorted(KUBERNETES_EXAMPLES))
def test_replica_floors_are_prods(example: str, tmp_path: Path) -> None:
    """The prod overlay's build wins over staging's: its HPA floors are what runs."""
    spec = next(s for s in EXAMPLES if s.stem == example)
    _, original = _original(spec)
    tree = draft(write_tree(generate(spec), tmp_path / example), example)
    floors = {
        s["name"]: (s.get("replicas"), s.get("max_replicas")) for s in tree["existing"]["services"]
    }
    assert floors == {
        s.name: (s.min_replicas, s.max_replicas) if s.type.value != "cron" else (None, None)
        for s in original.compute.services
    }


def test_patches_read_through_their_overlay_are_not_called_unimported(tmp_path: Path) -> None:
    """A kustomize patch is read as its overlay builds it: nothing is lost, so the draft
    does not list it under "Seen but not imported" (it did: 10 lines for ecommerce)."""
    spec = next(p for p in EXAMPLES if p.stem == "ecommerce")
    root = write_tree(generate(spec), tmp_path / "ecommerce")
    findings = import_repository(root).findings
    patch = "infra/k8s/overlays/prod/horizontalpodautoscalers.yaml"
    assert any(line.startswith(f"{patch}: ") for line in findings.read_elsewhere)
    assert not any(patch in note for note in findings.notes)
    text = draft_spec(findings, name="ecommerce", source=str(root))
    unimported = text.split("# Seen but not imported:", 1)[1].split("\n\n", 1)[0]
    assert patch not in unimported
    assert f"{len(findings.read_elsewhere)} file(s): kustomize patches" in text
