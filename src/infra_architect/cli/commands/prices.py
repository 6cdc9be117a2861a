"""``infra-architect prices show|refresh``: the price catalog and its refresh from AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from infra_architect._io import atomic_write_text
from infra_architect.catalog import load_catalog
from infra_architect.cli._common import stderr, stdout, warn_if_prices_stale
from infra_architect.cost import RefreshResult, dump_price_catalog, refresh_catalog

EXIT_NOT_REFRESHED = 1
"""refresh: no price came from the API (offline, no credentials, or nothing matched)."""

app = typer.Typer(
    name="prices",
    help="The price catalog: show it, refresh it from the AWS Price List API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.command("show")
def prices_show() -> None:
    """The shipped catalog: version, date, regions and item count."""
    prices = load_catalog().price_catalog
    stdout.print(
        f"price catalog version {prices.version}, prices as of {prices.as_of}, "
        f"{len(prices.items)} items in {', '.join(prices.regions)}",
        markup=False,
    )
    warn_if_prices_stale(prices.as_of)


@app.command("refresh")
def prices_refresh(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the refreshed catalog (YAML)."),
    ] = Path("prices.yaml"),
) -> None:
    """Rewrite the catalog's figures from the AWS Price List API (needs boto3 and AWS
    credentials; the API is free). Without credentials it says it is offline and shows
    the catalog's date. Use the result with `design --prices FILE`."""
    prices = load_catalog().price_catalog
    shipped = f"the shipped catalog is version {prices.version}, prices as of {prices.as_of}"
    try:
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415  (only this command talks to AWS)
        from botocore.exceptions import (  # type: ignore[import-untyped]  # noqa: PLC0415
            BotoCoreError,
            ClientError,
        )
    except ImportError:
        stderr.print(
            f"not refreshed: boto3 is not installed; {shipped}\n  fix: pip install boto3",
            markup=False,
        )
        raise typer.Exit(EXIT_NOT_REFRESHED) from None
    session = boto3.Session()
    if session.get_credentials() is None:
        stderr.print(
            f"not refreshed: no AWS credentials found; {shipped}\n"
            "  fix: configure credentials (aws configure, or AWS_PROFILE); the Price List "
            "API is free",
            markup=False,
        )
        raise typer.Exit(EXIT_NOT_REFRESHED)
    client = session.client("pricing", region_name="us-east-1")
    try:
        result = refresh_catalog(prices, client, datetime.now(UTC).date().isoformat())
    except (BotoCoreError, ClientError) as exc:
        stderr.print(
            f"not refreshed: the Price List API did not answer ({exc}); {shipped}", markup=False
        )
        raise typer.Exit(EXIT_NOT_REFRESHED) from None
    write_refreshed(result, output, shipped)


def write_refreshed(result: RefreshResult, output: Path, shipped: str) -> None:
    """Write the refreshed catalog, unless the API gave no price at all: a catalog that is
    the old one under a new date would claim a freshness it does not have."""
    if not result.changes and not result.unchanged:
        listed = "".join(f"\n  kept: {k}" for k in result.kept[:5])
        more = len(result.kept) - 5
        listed += f"\n  … and {more} more" if more > 0 else ""
        stderr.print(
            f"not refreshed: the Price List API matched no price ({len(result.kept)} kept); "
            f"{output} not written; {shipped}{listed}",
            markup=False,
        )
        raise typer.Exit(EXIT_NOT_REFRESHED)
    atomic_write_text(output, dump_price_catalog(result.catalog))
    stderr.print(
        f"wrote {output}: version {result.catalog.version}, {len(result.changes)} prices "
        f"changed, {result.unchanged} unchanged, {len(result.kept)} kept (listed below)"
    )
    for change in result.changes:
        stdout.print(
            f"{change.item} {change.region} {change.term}: {change.old:g} -> {change.new:g}",
            markup=False,
        )
    for kept in result.kept:
        stdout.print(f"kept: {kept}", markup=False)
