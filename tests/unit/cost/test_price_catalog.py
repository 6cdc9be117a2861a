"""The shipped price catalog against the shape of AWS's prices: a slipped digit in one row
(version 2 had every t3 row at 1/8 of its list price) fails here, not in a user's bill."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pytest

from infra_architect.catalog import Catalog, PriceCatalog

INSTANCE_UNITS = {"instance-hour", "node-hour", "broker-hour"}
_SHAPE = re.compile(r"\((?P<vcpu>\d+(?:\.\d+)?) vCPU, (?P<gib>\d+(?:\.\d+)?) GiB\)")
# An instance type as the services name it: an optional service prefix (db., cache.,
# kafka., mq.), the family (t3, m6g, r6i, ...), the size, an optional .search suffix.
_TYPE = re.compile(
    r"\b(?:db\.|cache\.|kafka\.|mq\.)?(?P<family>[a-z]+\d+[a-z]*)\."
    r"(?P<size>nano|micro|small|medium|\d*xlarge|large)\b"
)
# AWS's normalisation factors: a size's capacity relative to a small
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/apply_ri.html). Within a family
# the on-demand price follows them.
NORMALISATION = {"nano": 0.25, "micro": 0.5, "small": 1, "medium": 2, "large": 4, "xlarge": 8}
# USD an hour per vCPU and per GiB, by kind of family, over every service that rents
# instances (EC2, RDS, Aurora, ElastiCache, MemoryDB, OpenSearch, MSK, Amazon MQ) and
# the four regions (Europe ~10-20 % above us-east-1). Burstable classes are priced by
# memory (their vCPUs run at a fraction of a core); the others by both. Each band spans
# the cheapest row (EC2) to the dearest managed service with room either side, and an
# order-of-magnitude slip leaves it: m6i.large is 0.048 / vCPU and 0.012 / GiB.
BANDS = {
    "burstable": {"vcpu": (0.002, 0.05), "gib": (0.005, 0.06)},
    "general": {"vcpu": (0.03, 0.2), "gib": (0.008, 0.05)},
    "compute": {"vcpu": (0.03, 0.2), "gib": (0.015, 0.1)},
    "memory": {"vcpu": (0.04, 0.25), "gib": (0.005, 0.03)},
}
KIND = {"t": "burstable", "m": "general", "c": "compute", "r": "memory"}


@dataclass(frozen=True)
class Row:
    key: str
    family: str
    size: str
    vcpu: float
    gib: float

    @property
    def kind(self) -> str:
        return KIND[self.family[0]]

    @property
    def service(self) -> str:
        return self.key.split("_", 1)[0]


def instance_rows(prices: PriceCatalog) -> list[Row]:
    rows = []
    for key, item in sorted(prices.items.items()):
        if item.unit not in INSTANCE_UNITS:
            continue
        shape, kind = _SHAPE.search(item.what), _TYPE.search(item.what)
        assert shape, f"{key}: say '(N vCPU, M GiB)' in what"
        assert kind, f"{key}: name the instance type in what"
        rows.append(
            Row(
                key,
                kind["family"],
                kind["size"],
                float(shape["vcpu"]),
                float(shape["gib"]),
            )
        )
    return rows


def _normalisation(size: str) -> float:
    if size in NORMALISATION:
        return NORMALISATION[size]
    return 8 * int(size.removesuffix("xlarge"))  # 2xlarge = 16, 4xlarge = 32


def _band_violations(prices: PriceCatalog) -> list[str]:
    out = []
    for row in instance_rows(prices):
        for region in prices.regions:
            usd = prices.usd(row.key, region)
            per = {"vcpu": usd / row.vcpu, "gib": usd / row.gib}
            bands = BANDS[row.kind]
            for what in ("gib",) if row.kind == "burstable" else ("vcpu", "gib"):
                low, high = bands[what]
                if not low <= per[what] <= high:
                    out.append(
                        f"{row.key} in {region}: ${per[what]:.4f}/{what}-hour outside "
                        f"{row.kind}'s {low}-{high}"
                    )
    return out


def _scaling_violations(prices: PriceCatalog) -> list[str]:
    """Sizes of one family in one service and region cost in proportion to their
    normalisation factor, within 15 %."""
    families: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in instance_rows(prices):
        families[row.service, row.family].append(row)
    out = []
    for (service, family), rows in sorted(families.items()):
        for region in prices.regions:
            unit = {r.key: prices.usd(r.key, region) / _normalisation(r.size) for r in rows}
            low, high = min(unit.values()), max(unit.values())
            if high > low * 1.15:
                out.append(f"{service} {family} in {region}: per-size prices {unit}")
    return out


def test_every_instance_row_names_its_shape(catalog: Catalog) -> None:
    rows = instance_rows(catalog.price_catalog)
    assert {r.key for r in rows} >= {"ec2_t3_micro_hour", "rds_db_t4g_micro_hour"}


def test_instance_prices_per_vcpu_and_gib_are_in_their_family_band(catalog: Catalog) -> None:
    assert _band_violations(catalog.price_catalog) == []


def test_sizes_in_a_family_scale_linearly(catalog: Catalog) -> None:
    assert _scaling_violations(catalog.price_catalog) == []


def _scaled(prices: PriceCatalog, key: str, factor: float) -> PriceCatalog:
    item = prices.items[key]
    slipped = item.model_copy(
        update={"usd": {region: usd * factor for region, usd in item.usd.items()}}
    )
    return prices.model_copy(update={"items": {**prices.items, key: slipped}})


@pytest.mark.parametrize(
    ("key", "factor"),
    [
        ("ec2_t3_micro_hour", 1 / 8),  # the slip issue 17 found
        ("ec2_m6i_large_hour", 10),
        ("rds_db_r6g_xlarge_hour", 0.1),
        ("elasticache_cache_t4g_small_hour", 8),
        ("mq_m5_large_hour", 1 / 8),
    ],
)
def test_a_slipped_digit_fails_the_checks(catalog: Catalog, key: str, factor: float) -> None:
    slipped = _scaled(catalog.price_catalog, key, factor)
    assert _band_violations(slipped) or _scaling_violations(slipped)


def test_t3_matches_the_public_price_list(catalog: Catalog) -> None:
    """The EC2 on-demand page: t3.micro $0.0104 an hour in us-east-1, doubling per size."""
    prices = catalog.price_catalog
    assert prices.usd("ec2_t3_micro_hour", "us-east-1") == 0.0104
    assert prices.usd("ec2_t3_xlarge_hour", "us-east-1") == 0.1664
    assert prices.usd("ec2_t3_medium_hour", "eu-central-1") == 0.048


def test_data_transfer_out_tiers_are_the_published_bands(catalog: Catalog) -> None:
    tiers = catalog.price_catalog.tiers("data_transfer_out")
    bands = [(above, end) for _, above, end in tiers]
    assert bands == [(0, 10_240), (10_240, 51_200), (51_200, 153_600), (153_600, None)]
    usd = [catalog.price_catalog.usd(key, "us-east-1") for key, _, _ in tiers]
    assert usd == [0.09, 0.085, 0.07, 0.05]


def test_tiers_must_start_at_zero(catalog: Catalog) -> None:
    prices = catalog.price_catalog
    items = dict(prices.items)
    del items["data_transfer_out_gb"]
    with pytest.raises(ValueError, match="must start at 0"):
        PriceCatalog.model_validate({**prices.model_dump(), "items": items})


def test_streaming_classes_name_priced_rows(catalog: Catalog) -> None:
    """Every broker and node class the engine may choose (streaming.yaml) is priced, and
    its price row names that class."""
    items = catalog.price_catalog.items
    streaming = catalog.streaming
    classes = [
        *((c.class_, c.price_key) for c in streaming.kafka.broker_classes),
        *((c.class_, c.price_key) for c in streaming.rabbitmq.instance_classes),
        *((c.class_, c.price_key) for c in streaming.memorydb.node_classes),
    ]
    for name, key in classes:
        assert key in items, (name, key)
        assert name in items[key].what, (name, key)
