"""Lines of the design's bill issue 17 found missing or fixed: every queue engine, the
audit module, data transfer out in its volume tiers, and usage the spec now states
(response bytes per service, log bytes and sampling)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from infra_architect.catalog import Catalog
from infra_architect.cost import EnvironmentCost, LineItem
from infra_architect.engine import Design, design_system
from infra_architect.spec import load_requirements

SECONDS = 730 * 3600

SPEC = """\
apiVersion: infra-architect/v1
kind: Requirements
metadata: {name: demo}
system:
  services:
    - {name: web, type: web, public: true, calls: [api]}
    - {name: api, type: api, uses: [db, events]}
    - {name: worker, type: worker, uses: [events]}
  datastores:
    - {name: db, engine: postgres}
  queues:
    - {name: events, engine: sqs, messages_per_second: 20}
traffic: {requests_per_second: 100}
availability: {slo: 99.9}
delivery: {deploys_per_day: 2}
team: {size: 6, ops_experience: medium}
"""


def _design(catalog: Catalog, tmp_path: Path, **changes: object) -> Design:
    doc = yaml.safe_load(SPEC)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        node[leaf] = value
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(doc))
    return design_system(load_requirements(spec, catalog.regions), catalog)


def _lines(env: EnvironmentCost, contains: str) -> list[LineItem]:
    return [line for line in env.lines if contains in line.component]


def _usd(env: EnvironmentCost, contains: str) -> float:
    return sum(line.monthly_usd.value for line in _lines(env, contains))


# --- queues ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "components"),
    [
        ("sqs", ["events (SQS requests)"]),
        ("sns", ["events (SNS publishes)", "events (SQS requests of its 1 subscriber queue(s))"]),
        (
            "kinesis",
            [
                "events (Kinesis on-demand stream)",
                "events (Kinesis data written)",
                "events (Kinesis data read)",
            ],
        ),
        # a team of 6 with medium operations experience runs MSK Serverless (no brokers)
        (
            "kafka",
            [
                "events (MSK Serverless cluster)",
                "events (MSK Serverless partitions)",
                "events (MSK Serverless data in)",
                "events (MSK Serverless data out)",
                "events (MSK Serverless storage)",
            ],
        ),
        ("rabbitmq", ["events (Amazon MQ brokers, mq.m5.large)", "events (Amazon MQ storage)"]),
    ],
)
def test_every_queue_engine_has_bill_lines(
    catalog: Catalog, tmp_path: Path, engine: str, components: list[str]
) -> None:
    design = _design(catalog, tmp_path, system__queues__0__engine=engine)
    prod = design.cost.environment("prod")
    messaging = [line.component for line in prod.lines if line.category == "messaging"]
    assert messaging == components
    assert all(line.monthly_usd.value > 0 for line in _lines(prod, "events ("))
    # staging sizes its own (smallest) shape: its lines need not mirror prod's
    staging = [line.category for line in _lines(design.cost.environment("staging"), "events (")]
    assert staging
    assert set(staging) == {"messaging"}


def test_sns_publishes_once_and_each_subscriber_queue_receives_and_deletes(
    catalog: Catalog, tmp_path: Path
) -> None:
    design = _design(catalog, tmp_path, system__queues__0__engine="sns")
    prod = design.cost.environment("prod")
    messages = 20 * SECONDS
    assert _usd(prod, "(SNS publishes)") == pytest.approx(messages / 1e6 * 0.50)
    # one consumer (worker): receive + delete; SNS's delivery into the queue is free
    assert _usd(prod, "subscriber queue") == pytest.approx(messages * 2 / 1e6 * 0.40)


def test_kinesis_bills_the_stream_and_1_kb_records(catalog: Catalog, tmp_path: Path) -> None:
    design = _design(catalog, tmp_path, system__queues__0__engine="kinesis")
    prod = design.cost.environment("prod")
    written = 20 * SECONDS * 1024 / 1e9  # 1,000-byte messages billed as 1 KB records
    assert _usd(prod, "on-demand stream") == pytest.approx(730 * 0.04)
    assert _usd(prod, "data written") == pytest.approx(written * 0.08)
    assert _usd(prod, "data read") == pytest.approx(written * 0.04)


def test_msk_brokers_cover_the_replication_factor_over_the_azs(
    catalog: Catalog, tmp_path: Path
) -> None:
    # a team that runs a provisioned cluster (20 people, high operations experience)
    design = _design(
        catalog,
        tmp_path,
        system__queues__0__engine="kafka",
        team__size=20,
        team__ops_experience="high",
    )
    azs = design.constraints.topology.availability_zones.whole
    prod = design.cost.environment("prod")
    brokers = _lines(prod, "MSK brokers")[0]
    expected = {2: 4, 3: 3}[azs]  # replication factor 3, whole brokers per AZ
    assert brokers.quantity.value == expected * 730
    assert brokers.commitment == "steady"
    # 20 msg/s x 1 kB x 7 days on 3 replicas, 1.5x headroom, whole GB on each broker
    stored = 20 * 1000 * 168 * 3600 / 1e9 * 3 * 1.5
    per_broker = math.ceil(stored / expected)
    assert _lines(prod, "MSK broker storage")[0].quantity.value == pytest.approx(
        per_broker * expected
    )
    # staging: one small broker in each of its AZs (MSK spans 2 at least)
    staging_azs = next(e for e in design.environments if e.name == "staging").availability_zones
    staging = _lines(design.cost.environment("staging"), "MSK brokers")[0]
    assert staging.component.endswith("kafka.t3.small)")
    assert staging.quantity.value == min(max(staging_azs, 2), 3) * 730


def test_amazon_mq_is_a_3_node_cluster_in_prod_and_one_broker_in_staging(
    catalog: Catalog, tmp_path: Path
) -> None:
    design = _design(catalog, tmp_path, system__queues__0__engine="rabbitmq")
    prod = _lines(design.cost.environment("prod"), "Amazon MQ brokers")[0]
    staging = _lines(design.cost.environment("staging"), "Amazon MQ brokers")[0]
    assert (prod.quantity.value, staging.quantity.value) == (3 * 730, 730)
    assert prod.monthly_usd.value == pytest.approx(3 * 730 * 0.288)


# --- data transfer out in tiers ------------------------------------------------------


@pytest.mark.parametrize(
    ("rps", "expected"),
    [
        # web answers with 18,000 bytes; GB a month = rps x 18,000 x 2,628,000 / 1e9
        (1.0, {"Data transfer out to the internet": 0.0}),  # 47 GB: inside the free 100
        (100.0, {"Data transfer out to the internet": (4730.4 - 100) * 0.09}),
        (
            400.0,  # 18,921.6 GB: into the 10-50 TB tier
            {
                "Data transfer out to the internet": (10_240 - 100) * 0.09,
                "Data transfer out to the internet, 10-50 TB": (18_921.6 - 10_240) * 0.085,
            },
        ),
        (
            4000.0,  # 189,216 GB: every tier
            {
                "Data transfer out to the internet": (10_240 - 100) * 0.09,
                "Data transfer out to the internet, 10-50 TB": 40_960 * 0.085,
                "Data transfer out to the internet, 50-150 TB": 102_400 * 0.07,
                "Data transfer out to the internet, above 150 TB": (189_216 - 153_600) * 0.05,
            },
        ),
    ],
)
def test_data_transfer_out_is_priced_in_its_tiers(
    catalog: Catalog, tmp_path: Path, rps: float, expected: dict[str, float]
) -> None:
    design = _design(catalog, tmp_path, traffic__requests_per_second=rps)
    prod = design.cost.environment("prod")
    got = {
        line.component: line.monthly_usd.value
        for line in prod.lines
        if line.component.startswith("Data transfer out")
    }
    assert got == pytest.approx(expected)


def test_response_bytes_default_by_type_and_the_spec_overrides(
    catalog: Catalog, tmp_path: Path
) -> None:
    """An ingest API that acks in a few bytes sends next to nothing to the internet."""
    web = _design(catalog, tmp_path, traffic__requests_per_second=100.0)
    ingest = _design(
        catalog,
        tmp_path,
        traffic__requests_per_second=100.0,
        system__services__0__response_bytes=200,
    )
    assert _usd(web.cost.environment("prod"), "Data transfer out") > 400
    # 100 x 200 x 2,628,000 / 1e9 = 52.6 GB: inside the free 100
    assert _usd(ingest.cost.environment("prod"), "Data transfer out") == 0.0
    assumptions = " ".join(web.cost.assumptions)
    assert "18,000 bytes a response from web (the web default" in assumptions
    assert "4,000 bytes a response from api (the api default" in assumptions
    assert "from web" not in " ".join(ingest.cost.assumptions)


def test_a_call_carries_the_request_and_the_callees_response(
    catalog: Catalog, tmp_path: Path
) -> None:
    small = _design(catalog, tmp_path, system__services__1__response_bytes=1000)
    default = _design(catalog, tmp_path)
    # web calls api 100 times a second: (1,000 + 4,000) vs (1,000 + 1,000) bytes a call
    ratio = _usd(default.cost.environment("prod"), "Cross-AZ") / _usd(
        small.cost.environment("prod"), "Cross-AZ"
    )
    assert ratio == pytest.approx(5000 / 2000)


# --- logs -----------------------------------------------------------------------------


def test_log_bytes_and_sampling_come_from_the_spec(catalog: Catalog, tmp_path: Path) -> None:
    default = _design(catalog, tmp_path)
    sampled = _design(
        catalog,
        tmp_path,
        observability={"log_bytes_per_request": 2000, "log_sample_rate": 0.1},
    )
    before = _lines(default.cost.environment("prod"), "CloudWatch Logs ingestion")[0]
    after = _lines(sampled.cost.environment("prod"), "CloudWatch Logs ingestion")[0]
    assert before.quantity.value == pytest.approx(100 * 1000 * SECONDS / 1e9)
    assert after.quantity.value == pytest.approx(before.quantity.value * 2 * 0.1)
    assert "10% of requests' logs kept (sampled)" in after.note
    assert any("observability.log_sample_rate" in a for a in default.cost.assumptions)
    assert not any("observability." in a for a in sampled.cost.assumptions)


# --- the audit module -----------------------------------------------------------------

AUDIT = [
    "Audit key (KMS)",
    "CloudTrail log files (S3)",
    "CloudTrail to CloudWatch Logs (ingestion)",
    "CloudTrail in CloudWatch Logs (storage)",
    "GuardDuty: CloudTrail events analysed",
    "GuardDuty: VPC flow and DNS logs analysed",
    "Security Hub security checks",
    "AWS Config configuration items",
]


def test_no_audit_lines_without_a_control_that_uses_the_module(
    catalog: Catalog, tmp_path: Path
) -> None:
    design = _design(catalog, tmp_path)
    assert design.security.audit is None
    for env in design.cost.environments:
        assert not [line for line in env.lines if line.component in AUDIT]


def test_pci_prices_the_audit_module_in_every_environment(catalog: Catalog, tmp_path: Path) -> None:
    design = _design(catalog, tmp_path, compliance=["pci-dss"])
    audit = design.security.audit
    assert audit is not None
    assert audit.trail
    assert audit.guardduty
    assert audit.config_recorder
    usage = catalog.design.usage
    for env in design.cost.environments:
        got = {line.component: line for line in env.lines if line.component in AUDIT}
        assert list(got) == AUDIT, env.name
        # FSBP and PCI DSS standards: 2 x 18,000 checks at $0.001
        assert got["Security Hub security checks"].monthly_usd.value == pytest.approx(
            len(audit.security_hub_standards) * usage.security_hub_checks_per_standard * 0.001
        )
        assert got["GuardDuty: CloudTrail events analysed"].monthly_usd.value == pytest.approx(
            usage.management_events_per_month / 1e6 * 4.0
        )
        assert got["AWS Config configuration items"].monthly_usd.value == pytest.approx(
            usage.config_items_per_month * 0.003
        )
    prod = design.cost.environment("prod")
    flow = 100 * usage.guardduty_log_bytes_per_request * SECONDS / 1e9
    assert _usd(prod, "GuardDuty: VPC flow") == pytest.approx(flow * 1.0)
    # the trail's log group keeps its metric filters: the Infrequent Access lever is the
    # services' logs' alone (one per environment, on the services' ingestion line)
    ia = [lv for lv in design.cost.levers if lv.id.startswith("logs-ia-")]
    assert sorted(lv.id for lv in ia) == ["logs-ia-prod", "logs-ia-staging"]
    assert {lv.component for lv in ia} == {"CloudWatch Logs ingestion"}


def test_gdpr_alone_prices_the_trail_without_guardduty_or_security_hub(
    catalog: Catalog, tmp_path: Path
) -> None:
    design = _design(catalog, tmp_path, compliance=["gdpr"])
    audit = design.security.audit
    assert audit is not None
    assert audit.trail
    assert not audit.guardduty
    assert not audit.config_recorder
    prod = design.cost.environment("prod")
    got = [line.component for line in prod.lines if line.component in AUDIT]
    assert got == AUDIT[:4]
