"""The price catalog: dated public list prices per region, with commitment terms.

``PriceCatalog`` is the whole file (every item, every region, how to refresh it);
``PriceList`` is one region's on-demand view of it, which is all the cost floor and the
first-order figures in decisions need.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from infra_architect.errors import DesignLookupError

Term = Literal["on_demand", "reserved_1y", "reserved_3y"]
TERMS: tuple[Term, ...] = ("on_demand", "reserved_1y", "reserved_3y")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriceQuery(_Data):
    """How the AWS Price List API finds this item: a service code and attribute filters.

    ``match`` are exact attribute values (TERM_MATCH), ``contains`` substrings (CONTAINS,
    for region-prefixed usage types such as ``USE1-NatGateway-Hours``). ``unit`` is the
    price dimension's unit; ``per`` scales the API's per-unit price to the catalog's
    (1,000 requests, a million requests).
    """

    service: str
    unit: str
    match: dict[str, str] = Field(default_factory=dict)
    contains: dict[str, str] = Field(default_factory=dict)
    per: float = Field(default=1.0, gt=0)


class VolumeTier(_Data):
    """One band of a volume-tiered price: items sharing ``group`` price consecutive bands
    of one monthly quantity, each from ``above`` units up to the next band's start."""

    group: str
    above: float = Field(ge=0)


class PriceItem(_Data):
    unit: str
    what: str
    source: str
    usd: dict[str, float]
    reserved_1y: dict[str, float] | None = None
    reserved_3y: dict[str, float] | None = None
    spot_discount: float | None = Field(default=None, ge=0, lt=1)
    query: PriceQuery | None = None
    tier: VolumeTier | None = None

    def term(self, term: Term) -> dict[str, float] | None:
        return self.usd if term == "on_demand" else getattr(self, term)


HOURS_PER_MONTH = 730
"""The billing month every monthly figure uses: 365 × 24 / 12 = 730 hours, the month AWS's
Pricing Calculator and the Price List's monthly prices assume."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


STALE_AFTER_DAYS = 183
"""About six months: list prices move a few times a year, so a catalog older than this
is likely to miss a change someone would notice on the bill."""


def stale_prices_warning(as_of: str, today: date) -> str | None:
    """The warning for a catalog dated ``as_of`` as seen on ``today``; None while it is at
    most STALE_AFTER_DAYS old. ``today`` is passed in so the check is a pure function."""
    age = (today - date.fromisoformat(as_of)).days
    if age <= STALE_AFTER_DAYS:
        return None
    return (
        f"warning: the price catalog is {age} days old (prices as of {as_of}); "
        "list prices may have changed since\n"
        "  fix: infra-architect prices refresh -o prices.yaml, then "
        "design --prices prices.yaml"
    )


class PriceCatalog(_Data):
    version: int = Field(ge=2)
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    currency: Literal["USD"]
    hours_per_month: Literal[730] = Field(description="HOURS_PER_MONTH, which the engine uses.")
    regions: list[str] = Field(min_length=1)
    floor_region: str
    items: dict[str, PriceItem]

    @model_validator(mode="after")
    def _every_region_priced(self) -> PriceCatalog:
        if self.floor_region not in self.regions:
            raise ValueError(f"floor_region {self.floor_region!r} is not one of the regions")
        for key, item in self.items.items():
            for term in TERMS:
                table = item.term(term)
                if table is not None and sorted(table) != sorted(self.regions):
                    raise ValueError(
                        f"{key}.{term} prices {sorted(table)}, the catalog's regions are "
                        f"{sorted(self.regions)}"
                    )
        for group in sorted({i.tier.group for i in self.items.values() if i.tier}):
            starts = [above for _, above, _ in self.tiers(group)]
            if starts[0] != 0 or len(set(starts)) != len(starts):
                raise ValueError(
                    f"volume tiers of {group!r} must start at 0 with distinct bands, got {starts}"
                )
        return self

    def tiers(self, group: str) -> list[tuple[str, float, float | None]]:
        """(item key, band start, band end or None) of a volume-tiered price, lowest first."""
        bands = sorted(
            (item.tier.above, key)
            for key, item in self.items.items()
            if item.tier is not None and item.tier.group == group
        )
        ends: list[float | None] = [above for above, _ in bands[1:]]
        return [(key, above, end) for (above, key), end in zip(bands, [*ends, None], strict=True)]

    def covers(self, region: str) -> bool:
        return region in self.regions

    def priced_region(self, region: str) -> str:
        """``region`` if the catalog prices it, else the floor region (the lowest prices)."""
        return region if region in self.regions else self.floor_region

    def usd(self, key: str, region: str, term: Term = "on_demand") -> float:
        item = self.items.get(key)
        if item is None:
            raise DesignLookupError("price item", key, where="the price catalog")
        table = item.term(term)
        if table is None:
            raise DesignLookupError(f"{term} price for the item", key, where="the price catalog")
        return table[self.priced_region(region)]

    def has_term(self, key: str, term: Term) -> bool:
        return self.items[key].term(term) is not None

    def in_region(self, region: str) -> PriceList:
        priced = self.priced_region(region)
        return PriceList(
            version=self.version,
            as_of=self.as_of,
            region=priced,
            currency=self.currency,
            hours_per_month=self.hours_per_month,
            prices={
                key: PriceEntry(usd=item.usd[priced], unit=item.unit, source=item.source)
                for key, item in self.items.items()
            },
        )


class PriceEntry(_Data):
    usd: float = Field(ge=0)
    unit: str
    source: str


class PriceList(_Data):
    """One region's on-demand prices."""

    version: int
    as_of: str
    region: str
    currency: Literal["USD"]
    hours_per_month: float = Field(gt=0)
    prices: dict[str, PriceEntry]

    def usd(self, key: str) -> float:
        return self.prices[key].usd
