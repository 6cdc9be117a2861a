"""The two examples issue 18 adds: a four-nines card-payment gateway with RPO 0 and Kafka,
and a streaming ingest. Both design feasible (warnings allowed) with the recovery their
RPO and RTO ask for, and choose only what the generator builds; `tests/integration`
runs terraform validate, checkov and our rules on their trees like every example's."""

from __future__ import annotations

from functools import cache

from infra_architect.catalog import load_catalog
from infra_architect.engine import Severity, design_system
from infra_architect.engine._design_model import Design
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from tests.conftest import ROOT


@cache
def _design(name: str) -> Design:
    catalog = load_catalog()
    return design_system(
        load_requirements(ROOT / "examples" / f"{name}.yaml", catalog.regions), catalog
    )


def test_the_payment_gateway_is_feasible_and_rpo_zero_is_a_scoped_warning() -> None:
    design = _design("payment-gateway")
    assert design.feasible, [c.title for c in design.conflicts if c.severity is Severity.ERROR]
    warnings = {c.id for c in design.conflicts if c.severity is Severity.WARNING}
    assert "rpo-zero-scoped" in warnings
    recovery = design.constraints.recovery
    # RPO 0 within the region is the synchronous standby's; across regions a replica
    # (about a second); RTO 15 min needs running compute in the recovery region
    assert recovery.data_replication == "async-replica"
    assert recovery.standby_compute in ("warm-standby", "hot-standby")
    assert {q.engine for q in design.data.queues} == {"kafka"}


def test_the_streaming_ingest_is_feasible_with_a_replica_and_no_standby_compute() -> None:
    design = _design("streaming-ingest")
    assert design.feasible, [c.title for c in design.conflicts if c.severity is Severity.ERROR]
    recovery = design.constraints.recovery
    # RPO 5 min asks for a cross-region replica; no RTO is stated, so nothing runs there
    assert (recovery.data_replication, recovery.standby_compute) == ("async-replica", "none")
    (queue,) = design.data.queues
    assert queue.sizing is not None
    consumers = [s for s in design.compute.services if queue.name in s.uses]
    assert queue.sizing.partitions >= max(s.max_replicas for s in consumers)


def test_both_get_terraform_for_every_environment() -> None:
    for name in ("payment-gateway", "streaming-ingest"):
        design = _design(name)
        files = render_all(design)
        for env in ("staging", "prod"):
            assert f"infra/terraform/environments/{env}/main.tf" in files, (name, env)
        assert "infra/terraform/modules/msk/main.tf" in files, name
