"""``prices refresh`` against recorded Price List API responses (botocore's Stubber checks
every request against the real service model)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from infra_architect.catalog import PriceCatalog, load_catalog
from infra_architect.cost._refresh import filters, refresh_catalog

RECORDED = json.loads((Path(__file__).parent / "recorded" / "get_products.json").read_text())
REGIONS = ["us-east-1", "eu-west-1"]


def _catalog() -> PriceCatalog:
    shipped = load_catalog().price_catalog
    items = {
        "ec2_m6i_large_hour": shipped.items["ec2_m6i_large_hour"],
        "nat_gateway_hour": shipped.items["nat_gateway_hour"],
    }
    trimmed = {
        key: item.model_copy(
            update={
                term: {r: table[r] for r in REGIONS}
                for term in ("usd", "reserved_1y", "reserved_3y")
                if (table := getattr(item, term)) is not None
            }
        )
        for key, item in items.items()
    }
    return shipped.model_copy(update={"regions": REGIONS, "items": trimmed})


def _stubbed(catalog: PriceCatalog) -> tuple[object, Stubber]:
    client = boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106  (never sent: the stubber answers)
    )
    stub = Stubber(client)
    for key, name in (("ec2_m6i_large_hour", "ec2"), ("nat_gateway_hour", "nat")):
        item = catalog.items[key]
        assert item.query is not None
        terms = [t for t in ("usd", "reserved_1y", "reserved_3y") if getattr(item, t) is not None]
        for _ in terms:
            for region in REGIONS:
                pages = RECORDED[f"{name}|{region}"]
                for index, page in enumerate(pages):
                    params = {
                        "ServiceCode": item.query.service,
                        "Filters": filters(item.query, region),
                        "FormatVersion": "aws_v1",
                        "MaxResults": 100,
                    }
                    if index:
                        params["NextToken"] = pages[index - 1]["NextToken"]
                    stub.add_response("get_products", page, params)
    stub.activate()
    return client, stub


def test_refresh_updates_prices_from_the_recorded_api_responses() -> None:
    catalog = _catalog()
    client, stub = _stubbed(catalog)
    result = refresh_catalog(catalog, client, "2025-11-21")  # type: ignore[arg-type]
    stub.assert_no_pending_responses()
    fresh = result.catalog
    assert fresh.version == catalog.version + 1
    assert fresh.as_of == "2025-11-21"
    changed = {(c.item, c.region, c.term): c.new for c in result.changes}
    assert changed == {
        ("ec2_m6i_large_hour", "us-east-1", "on_demand"): 0.0998,
        # standard, no upfront (the convertible offer is ignored)
        ("ec2_m6i_large_hour", "us-east-1", "reserved_1y"): 0.059,
        ("ec2_m6i_large_hour", "us-east-1", "reserved_3y"): 0.04,
        # eu-west-1 sells 3 years partial upfront only: 0.02/h + 600 spread over 26,280 h
        ("ec2_m6i_large_hour", "eu-west-1", "reserved_3y"): pytest.approx(0.02 + 600 / 26_280),
    }
    assert fresh.usd("ec2_m6i_large_hour", "us-east-1") == 0.0998
    assert fresh.usd("ec2_m6i_large_hour", "us-east-1", "reserved_1y") == 0.059
    assert fresh.usd("ec2_m6i_large_hour", "eu-west-1") == 0.107  # unchanged
    # NAT: two pages, one price, unchanged; eu-west-1 found nothing and keeps its figure
    assert fresh.usd("nat_gateway_hour", "us-east-1") == 0.045
    assert fresh.usd("nat_gateway_hour", "eu-west-1") == catalog.usd(
        "nat_gateway_hour", "eu-west-1"
    )
    assert result.kept == ["nat_gateway_hour on_demand eu-west-1: no product matched; kept 0.048"]
    assert result.unchanged == 3  # ec2 on-demand and 1-year in eu-west-1, NAT in us-east-1


def test_ambiguous_matches_are_kept_not_guessed() -> None:
    catalog = _catalog()
    item = catalog.items["nat_gateway_hour"]
    assert item.query is not None
    two = json.loads(json.dumps(RECORDED["nat|us-east-1"]))
    second = json.loads(two[1]["PriceList"][0])
    dims = second["terms"]["OnDemand"]
    for term in dims.values():
        for dim in term["priceDimensions"].values():
            dim["pricePerUnit"]["USD"] = "0.0600000000"
    two[1]["PriceList"] = [json.dumps(second)]
    client = boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="t",
        aws_secret_access_key="t",  # noqa: S106
    )
    with Stubber(client) as stub:
        for page in two:
            stub.add_response("get_products", page)
        from infra_architect.cost._refresh import _price  # noqa: PLC0415

        value, why = _price(client, item.query, "us-east-1", "on_demand")  # type: ignore[arg-type]
    assert value is None
    assert why == "2 different prices matched"


def test_written_catalog_reads_back_equal_and_feeds_design(tmp_path: Path) -> None:
    from infra_architect.cost._refresh import dump_price_catalog, read_price_catalog  # noqa: PLC0415
    from infra_architect.engine import design_system  # noqa: PLC0415
    from infra_architect.spec import load_requirements  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415

    shipped = load_catalog()
    path = tmp_path / "prices.yaml"
    path.write_text(dump_price_catalog(shipped.price_catalog), encoding="utf-8")
    assert read_price_catalog(path) == shipped.price_catalog
    # a refreshed node price flows into the design's bill
    req = load_requirements(
        ROOT / "src" / "infra_architect" / "examples" / "ecommerce.yaml", shipped.regions
    )
    design = design_system(req, shipped)
    pool = design.compute.node_pool
    assert pool is not None
    key = "ec2_" + pool.instance_type.replace(".", "_") + "_hour"
    item = shipped.price_catalog.items[key]
    dearer = shipped.price_catalog.model_copy(
        update={
            "items": {
                **shipped.price_catalog.items,
                key: item.model_copy(update={"usd": {r: v * 2 for r, v in item.usd.items()}}),
            }
        }
    )
    before = design.cost.environment("prod")
    after = design_system(req, shipped.model_copy(update={"price_catalog": dearer})).cost
    nodes = f"EKS nodes ({pool.instance_type}), baseline"
    old = next(x for x in before.lines if x.component == nodes).monthly_usd.value
    new = next(x for x in after.environment("prod").lines if x.component == nodes).monthly_usd.value
    assert new == pytest.approx(2 * old)


def test_cli_refresh_offline_and_bad_catalog(tmp_path: Path) -> None:
    import os  # noqa: PLC0415
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    exe = (
        shutil.which("infra-architect", path=str(Path(sys.executable).parent)) or "infra-architect"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    offline = subprocess.run(
        [exe, "prices", "refresh", "-o", str(tmp_path / "p.yaml")],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert offline.returncode == 1  # nothing refreshed is a failure a script must see
    assert "not refreshed: no AWS credentials found" in offline.stderr
    assert "prices as of 2025-06-01" in offline.stderr
    assert not (tmp_path / "p.yaml").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 3\nas_of: yesterday\n", encoding="utf-8")
    failed = subprocess.run(
        [exe, "design", "--prices", str(bad), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert failed.returncode == 2
    assert f"{bad}: as_of:" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_refresh_that_matched_no_price_fails_and_writes_nothing(tmp_path: Path) -> None:
    import typer  # noqa: PLC0415

    from infra_architect.cli.commands.prices import write_refreshed  # noqa: PLC0415

    catalog = _catalog()
    client = boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="t",
        aws_secret_access_key="t",  # noqa: S106
    )
    with Stubber(client) as stub:
        for _ in range(12):  # every query answers with no product
            stub.add_response("get_products", {"PriceList": [], "FormatVersion": "aws_v1"})
        result = refresh_catalog(catalog, client, "2025-11-21")  # type: ignore[arg-type]
    assert not result.changes
    assert result.unchanged == 0
    output = tmp_path / "p.yaml"
    with pytest.raises(typer.Exit) as exited:
        write_refreshed(result, output, "shipped")
    assert exited.value.exit_code == 1
    assert not output.exists()
