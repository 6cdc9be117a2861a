"""add_service edits a spec tree: every reference checked, comments kept."""

from __future__ import annotations

import pytest

from infra_architect.errors import InfraArchitectError
from infra_architect.spec import parse_document
from infra_architect.spec._answers import dump_document
from infra_architect.spec._onboard import NewService, add_service


def test_adds_the_service_and_the_call_edge(valid_text: str) -> None:
    document = parse_document("# keep me\n" + valid_text, "spec.yaml")
    add_service(
        document.tree,
        NewService(name="search", type="api", uses=["db"], called_by=["web"]),
        "spec.yaml",
    )
    text = dump_document(document.tree)
    assert text.startswith("# keep me")
    services = document.tree["system"]["services"]
    assert services[-1]["name"] == "search"
    assert list(services[0]["calls"]) == ["api", "search"]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (NewService(name="api", type="api"), "already exists"),
        (NewService(name="x", type="api", uses=["nope"]), "--uses 'nope'"),
        (NewService(name="x", type="api", calls=["nope"]), "--calls 'nope'"),
        (NewService(name="x", type="worker", called_by=["web"]), "only web and api"),
        (NewService(name="x", type="cron"), "--schedule is required"),
    ],
    ids=["duplicate", "unknown-store", "unknown-callee", "worker-called", "cron-no-schedule"],
)
def test_refuses_bad_references_and_leaves_the_spec_alone(
    valid_text: str, new: NewService, message: str
) -> None:
    document = parse_document(valid_text, "spec.yaml")
    before = dump_document(document.tree)
    with pytest.raises(InfraArchitectError, match=message):
        add_service(document.tree, new, "spec.yaml")
    assert dump_document(document.tree) == before
