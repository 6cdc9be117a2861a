"""`merged`: one service per name, one link per target."""

from __future__ import annotations

from infra_architect.importer import Evidence, Findings, FoundLink, FoundService, merged


def _service(*uses: FoundLink, evidence: str = "k8s.yaml") -> FoundService:
    return FoundService(name="checkout", type="api", evidence=Evidence(evidence), uses=uses)


def test_a_store_named_twice_is_one_use_with_its_first_evidence() -> None:
    env = FoundLink("orders-db", Evidence("deploy.yaml", 10))
    secret = FoundLink("orders-db", Evidence("secrets.yaml", 4))
    tf = FoundLink("orders-db", Evidence("main.tf", 7))
    once = merged([Findings(services=(_service(env, secret),))])
    assert once.services[0].uses == (env,)
    both = merged([once, Findings(services=(_service(tf, evidence="main.tf"),))])
    assert both.services[0].uses == (env,)
    assert both.services[0].more_evidence == (Evidence("main.tf"),)
