"""Today's bill for `import`: a cost export's latest full month, else the code's prices."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from infra_architect.catalog import load_catalog
from infra_architect.cost import price_terraform
from infra_architect.importer._bill import STATIC_SOURCE, read_bill
from infra_architect.review import walk
from tests.conftest import ROOT, generate

COST = Path(__file__).parent / "public" / "cost"


def test_cost_export_gives_the_latest_full_month(tmp_path: Path) -> None:
    export = COST / "cur-three-months.csv"
    found = read_bill(tmp_path, walk(tmp_path), export, today=date(2026, 11, 20))
    # November is still being billed: October is the latest full month
    assert found.monthly_usd == (853.40, f"cost export {export} (2026-10)")
    assert not found.unread


def test_broken_export_is_unread_never_zero(tmp_path: Path) -> None:
    export = COST / "cur-broken.csv"
    found = read_bill(tmp_path, walk(tmp_path), export, today=date(2026, 11, 20))
    assert found.monthly_usd is None
    assert [u.path for u in found.unread] == [str(export)]
    assert "'abc' is not a number" in found.unread[0].reason


def test_export_with_no_full_month_is_unread(tmp_path: Path) -> None:
    export = COST / "cur-three-months.csv"
    found = read_bill(tmp_path, walk(tmp_path), export, today=date(2026, 9, 10))
    assert found.monthly_usd is None
    assert "no full month before 2026-09" in found.unread[0].reason


def test_without_export_the_prod_root_is_priced(tmp_path: Path) -> None:
    for path, text in generate(ROOT / "examples" / "internal-tool.yaml").items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    found = read_bill(tmp_path, walk(tmp_path.resolve()), None)
    assert found.monthly_usd is not None
    usd, source = found.monthly_usd
    # what `cost price infra/terraform/environments/prod` says; staging is not added in
    prod = tmp_path / "infra" / "terraform" / "environments" / "prod"
    priced = price_terraform(prod, load_catalog().price_catalog, "eu-central-1")
    assert usd == round(priced.total_monthly_usd, 2) > 0
    # what it could not price makes the figure a floor, said with the count
    missing = len(priced.unknown) + len(priced.skipped)
    assert missing > 0
    assert source == f"{STATIC_SOURCE}; at least: {missing} resource(s) or module(s) not priced"


def test_a_tree_with_nothing_priced_has_no_bill_not_zero() -> None:
    """terraform-aws-ecs's example: its services' count is not static and its ALB, VPC
    and autoscaling group come from registry modules not fetched: the bill is unknown
    (a note), never $0."""
    repo = Path(__file__).parent / "public" / "terraform-aws-ecs"
    found = read_bill(repo, walk(repo.resolve()), None)
    assert found.monthly_usd is None
    assert found.notes == ("no resource in the code has a static price: today's bill is not known",)
