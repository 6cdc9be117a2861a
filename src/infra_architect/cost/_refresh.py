"""``prices refresh``: the catalog's figures from the AWS Price List API.

Each catalog item with a ``query`` is looked up per region with ``GetProducts`` (exact
attribute matches, substring matches for region-prefixed usage types). The on-demand
price is the dimension in the query's unit starting at zero (the first tier); 1- and
3-year prices are standard, no-upfront reservations, or partial upfront with the fee
spread over the term's hours where no-upfront is not sold. An item whose query finds no
product, or products with different prices, keeps its figure and is reported: a price
is never guessed. The client is passed in, so tests drive it with recorded responses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from infra_architect._io import UnreadableFileError, read_input
from infra_architect.catalog import TERMS, PriceCatalog, PriceItem, PriceQuery, Term
from infra_architect.errors import InfraArchitectError

HOURS_PER_YEAR = 8760
_TERM_YEARS = {"reserved_1y": ("1yr", 1), "reserved_3y": ("3yr", 3)}


class PricingClient(Protocol):
    def get_products(self, **kwargs: Any) -> dict[str, Any]: ...  # noqa: ANN401


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriceChange(_Out):
    item: str
    region: str
    term: str
    old: float
    new: float


class RefreshResult(_Out):
    catalog: PriceCatalog
    changes: list[PriceChange]
    unchanged: int
    kept: list[str]


def filters(query: PriceQuery, region: str) -> list[dict[str, str]]:
    out = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
    out += [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in sorted(query.match.items())]
    out += [{"Type": "CONTAINS", "Field": k, "Value": v} for k, v in sorted(query.contains.items())]
    return out


def _products(client: PricingClient, query: PriceQuery, region: str) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "ServiceCode": query.service,
            "Filters": filters(query, region),
            "FormatVersion": "aws_v1",
            "MaxResults": 100,
        }
        if token:
            kwargs["NextToken"] = token
        page = client.get_products(**kwargs)
        for raw in page.get("PriceList", []):
            yield json.loads(raw) if isinstance(raw, str) else raw
        token = page.get("NextToken")
        if not token:
            return


def _on_demand(product: dict[str, Any], query: PriceQuery) -> float | None:
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        for dim in term.get("priceDimensions", {}).values():
            if (
                dim.get("unit", "").lower() == query.unit.lower()
                and dim.get("beginRange", "0") == "0"
            ):
                usd = float(dim["pricePerUnit"]["USD"])
                if usd > 0:
                    return usd * query.per
    return None


def _reserved(product: dict[str, Any], term: Term) -> float | None:
    length, years = _TERM_YEARS[term]
    offers: dict[str, float] = {}
    for offer in product.get("terms", {}).get("Reserved", {}).values():
        attrs = offer.get("termAttributes", {})
        if attrs.get("LeaseContractLength") != length:
            continue
        if attrs.get("OfferingClass", "standard") != "standard":
            continue
        hourly = upfront = 0.0
        for dim in offer.get("priceDimensions", {}).values():
            usd = float(dim["pricePerUnit"]["USD"])
            if dim.get("unit") == "Quantity":
                upfront += usd
            elif dim.get("unit", "").lower() in ("hrs", "hours"):
                hourly += usd
        offers[attrs.get("PurchaseOption", "")] = hourly + upfront / (HOURS_PER_YEAR * years)
    for option in ("No Upfront", "Partial Upfront"):
        if option in offers:
            return offers[option]
    return None


def _price(
    client: PricingClient, query: PriceQuery, region: str, term: Term
) -> tuple[float | None, str]:
    found = set()
    for product in _products(client, query, region):
        value = _on_demand(product, query) if term == "on_demand" else _reserved(product, term)
        if value is not None:
            found.add(round(value, 10))
    if not found:
        return None, "no product matched"
    if len(found) > 1:
        return None, f"{len(found)} different prices matched"
    return found.pop(), ""


def refresh_catalog(catalog: PriceCatalog, client: PricingClient, today: str) -> RefreshResult:
    items: dict[str, PriceItem] = {}
    changes: list[PriceChange] = []
    kept: list[str] = []
    unchanged = 0
    for key, item in catalog.items.items():
        if item.query is None:
            kept.append(f"{key}: no Price List query (kept as published on the pricing page)")
            items[key] = item
            continue
        update: dict[str, dict[str, float]] = {}
        for term in TERMS:
            table = item.term(term)
            if table is None:
                continue
            new_table = dict(table)
            for region in catalog.regions:
                value, why = _price(client, item.query, region, term)
                if value is None:
                    kept.append(f"{key} {term} {region}: {why}; kept {table[region]:g}")
                    continue
                value = round(value, 10)
                if value == table[region]:
                    unchanged += 1
                else:
                    changes.append(
                        PriceChange(
                            item=key, region=region, term=term, old=table[region], new=value
                        )
                    )
                    new_table[region] = value
            update["usd" if term == "on_demand" else term] = new_table
        items[key] = item.model_copy(update=update)
    return RefreshResult(
        catalog=catalog.model_copy(
            update={"items": items, "version": catalog.version + 1, "as_of": today}
        ),
        changes=changes,
        unchanged=unchanged,
        kept=kept,
    )


def dump_price_catalog(catalog: PriceCatalog) -> str:
    """The catalog as YAML in the shipped file's shape (regions' prices on one line)."""
    import yaml  # noqa: PLC0415

    class _Dumper(yaml.SafeDumper):
        pass

    def mapping(dumper: yaml.SafeDumper, data: dict[str, object]) -> yaml.Node:
        flat = all(not isinstance(v, dict | list) for v in data.values()) and "unit" not in data
        return dumper.represent_mapping(
            "tag:yaml.org,2002:map", data.items(), flow_style=flat or None
        )

    _Dumper.add_representer(dict, mapping)
    document = catalog.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    head = (
        "# The price catalog, refreshed from the AWS Price List API by "
        "`infra-architect prices refresh`.\n"
    )
    return head + yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, width=200, allow_unicode=True
    )


PRICE_CATALOG_BYTES = 16 * 1024 * 1024
"""The shipped catalog is tens of KiB; a file a thousand times larger is not one."""


def read_price_catalog(path: Path) -> PriceCatalog:
    """A catalog written by ``prices refresh``; a clear error when it is not one."""
    import yaml  # noqa: PLC0415

    try:
        document = yaml.safe_load(read_input(path, PRICE_CATALOG_BYTES).decode("utf-8"))
        return PriceCatalog.model_validate(document)
    except UnreadableFileError as exc:
        raise InfraArchitectError(
            f"{path}: {exc.reason}\n  fix: pass the file `prices refresh` wrote"
        ) from None
    except UnicodeDecodeError as exc:
        raise InfraArchitectError(
            f"{path}: not UTF-8 text (byte {exc.start:,})\n  fix: pass the file `prices refresh` "
            "wrote"
        ) from None
    except yaml.YAMLError as exc:
        raise InfraArchitectError(
            f"{path}: not YAML ({exc})\n  fix: pass the file `prices refresh` wrote"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InfraArchitectError(
            f"{path}: {where}: {first['msg']}\n  fix: regenerate it with `infra-architect "
            "prices refresh`"
        ) from None
