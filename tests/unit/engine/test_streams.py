"""Streams, brokers and MemoryDB: sized from the load, consumers capped at partitions,
billed as sized, with their failure paths (engine/choose/_streams.py)."""

from __future__ import annotations

import pytest

from infra_architect.catalog import Catalog
from infra_architect.engine import Design, design_system
from infra_architect.engine.choose._pins import ImpossiblePinError
from infra_architect.spec import load_requirements
from infra_architect.spec._load import parse_document, validate_document
from tests.conftest import ROOT, VALID

SPEC = ROOT / "tests" / "specs" / "streaming.yaml"


@pytest.fixture(scope="module")
def design(catalog: Catalog) -> Design:
    return design_system(load_requirements(SPEC, catalog.regions), catalog)


def _queue_design(catalog: Catalog, engine: str, extra: str = "") -> Design:
    text = VALID.replace("{name: events, engine: sqs}", f"{{name: events, engine: {engine}}}")
    req = validate_document(parse_document(text + extra, "s.yaml"), catalog.regions)
    return design_system(req, catalog)


def test_partitions_hold_every_consumer_replica_in_every_environment(design: Design) -> None:
    for queue in design.data.queues:
        if queue.engine not in ("kafka", "kinesis"):
            continue
        for env in design.environments:
            size = env.queue(queue.name)
            assert size is not None
            for consumer in queue.consumers:
                assert env.service(consumer).max_replicas <= size.partitions, (
                    env.name,
                    queue.name,
                    consumer,
                )


def test_a_consumer_beyond_the_shards_is_capped_and_says_why(catalog: Catalog) -> None:
    design = _queue_design(catalog, "kinesis")
    queue = design.data.queues[0]
    assert queue.sizing is not None
    worker = design.compute.service("worker")
    wanted = design.constraints.service("worker").max_replicas.whole
    assert worker.max_replicas == min(wanted, queue.sizing.partitions)
    assert (worker.max_replicas_why != "") == (wanted > queue.sizing.partitions)
    assert ("worker" in queue.sizing.capped_consumers) == (wanted > queue.sizing.partitions)


def test_kafka_sizing_is_a_multiple_of_the_azs_and_holds_the_ingress(
    design: Design, catalog: Catalog
) -> None:
    kafka = catalog.streaming.kafka
    events = next(q for q in design.data.queues if q.name == "events")
    s = events.sizing
    assert s is not None
    assert s.mode == "provisioned"  # a 12-person team with medium operations experience
    assert s.brokers % s.zones == 0
    assert s.brokers >= s.replication_factor
    cls = next(c for c in kafka.broker_classes if c.class_ == s.instance_class)
    sustained = s.brokers * cls.storage_mb_per_second * kafka.planned_utilisation
    assert sustained / s.replication_factor >= s.ingress_mb_per_second.value
    assert s.partitions * s.replication_factor <= s.brokers * cls.partitions_per_broker


def test_a_small_team_gets_msk_serverless_and_is_told_why(catalog: Catalog) -> None:
    design = _queue_design(catalog, "kafka")  # VALID's team: 6 people
    sizing = design.data.queues[0].sizing
    assert sizing is not None
    assert sizing.mode == "serverless"
    assert "below the team that runs a provisioned cluster" in sizing.why
    staging = design.environment("staging").queue("events")
    assert staging is not None
    assert staging.mode == "provisioned"


def test_rabbitmq_is_a_cluster_from_the_slo_and_single_below(catalog: Catalog) -> None:
    cluster = _queue_design(catalog, "rabbitmq").data.queues[0].sizing
    assert cluster is not None
    assert (cluster.mode, cluster.brokers) == ("cluster", 3)
    text = VALID.replace("{name: events, engine: sqs}", "{name: events, engine: rabbitmq}")
    text = text.replace("availability: {slo: 99.9}", "availability: {slo: 99.0}")
    req = validate_document(parse_document(text, "s.yaml"), catalog.regions)
    single = design_system(req, catalog).data.queues[0].sizing
    assert single is not None
    assert (single.mode, single.brokers) == ("single-instance", 1)


def test_memorydb_is_sized_from_its_data(design: Design) -> None:
    registry = design.data.store("registry")
    assert registry.kind == "memorydb"
    assert registry.instance_class == "db.r7g.large"  # 4 GB: past db.t4g.medium's 2.3
    assert registry.nodes == registry.shards * (1 + registry.read_replicas)


@pytest.mark.parametrize(
    ("component", "keys"),
    [
        ("events", {"msk_kafka_m5_large_hour", "msk_storage_gb_month"}),
        (
            "audit",
            {
                "kinesis_on_demand_stream_hour",
                "kinesis_on_demand_ingest_gb",
                "kinesis_on_demand_retrieval_gb",
            },
        ),
        ("commands", {"mq_m5_large_hour", "mq_storage_gb_month"}),
        ("registry", {"memorydb_db_r7g_large_hour", "memorydb_data_written_gb"}),
    ],
)
def test_each_engine_is_billed_as_sized(design: Design, component: str, keys: set[str]) -> None:
    prod = next(e for e in design.cost.environments if e.name == "prod")
    billed = {line.price_key for line in prod.lines if line.workload == component}
    assert keys <= billed
    brokers = next((q.sizing for q in design.data.queues if q.name == component), None)
    if brokers is not None and brokers.brokers:
        line = next(
            line
            for line in prod.lines
            if line.workload == component and line.price_key.endswith("_hour")
        )
        assert line.quantity.value == brokers.brokers * 730


def test_staging_memorydb_is_priced_as_memorydb_not_rds(design: Design) -> None:
    staging = next(e for e in design.cost.environments if e.name == "staging")
    keys = {line.price_key for line in staging.lines if line.workload == "registry"}
    assert not any(k.startswith("rds_db_") for k in keys)


def test_every_stream_and_memorydb_has_failure_paths(design: Design) -> None:
    ids = {s.id for s in design.availability.scenarios}
    assert {"events-broker-loss", "events-az-loss", "events-consumer-lag"} <= ids
    assert {"audit-stream-degraded", "audit-consumer-lag"} <= ids
    assert {"commands-broker-loss", "commands-consumer-lag", "registry-node-loss"} <= ids


def test_a_pin_the_generator_cannot_build_is_refused(catalog: Catalog) -> None:
    text = VALID.replace("team: {size: 6,", "decisions: {compute: lambda}\nteam: {size: 6,")
    req = validate_document(parse_document(text, "s.yaml"), catalog.regions)
    with pytest.raises(ImpossiblePinError, match="builds no Terraform for lambda"):
        design_system(req, catalog)
