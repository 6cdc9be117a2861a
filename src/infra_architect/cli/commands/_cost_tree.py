"""``cost DIR``: a Terraform tree read as a review reads it, then priced."""

from __future__ import annotations

import difflib
import time
from pathlib import Path

from infra_architect.catalog import load_catalog
from infra_architect.cli._common import fail, warn_if_prices_stale
from infra_architect.cost import TerraformCost, TreeFiles, price_terraform
from infra_architect.iac import Budget
from infra_architect.review import Kind, Limits, classify, walk


def price_directory(directory: Path, tree: Path, region: str, seconds: float) -> TerraformCost:
    """``cost DIR``: the tree walked as a review walks it (the same limits, no link out
    of it), the root module at DIR priced from what was read, the rest listed."""
    start = time.monotonic()
    prices = load_catalog().price_catalog
    _check_region(region, prices.regions)
    base, root = tree.resolve(), directory.resolve()
    if not tree.is_dir() or (root != base and base not in root.parents):
        fail(f"--tree {tree}: must be a directory that holds {directory}")
    walked = walk(base, Limits(seconds=seconds))
    files: dict[Path, list[tuple[Path, str]]] = {}
    for found in walked.files:
        if found.kind is Kind.TERRAFORM:
            path = base / found.path
            files.setdefault(path.parent.resolve(), []).append((path, found.text))
    unread = [
        f"{s.path}: {s.reason}"
        for s in walked.skipped
        if not s.by_design and classify(s.path) in (Kind.TERRAFORM, None)  # not YAML's
    ]
    if walked.stopped is not None:
        unread.append(f"{tree}: the walk stopped early ({walked.stopped})")
    if root not in files:
        named = {u.partition(": ")[0] for u in unread}
        rel = "" if root == base else f"{root.relative_to(base).as_posix()}/"
        unread += [
            f"{rel}{p.name}: not a regular file, or unreadable"
            for p in sorted(directory.glob("*.tf"))
            if f"{rel}{p.name}" not in named
        ]
        listed = "".join(f"\n  {u}" for u in unread)
        fail(
            f"{directory}: none of its .tf files could be read{listed}\n"
            "  fix: pass a directory of regular .tf files inside the tree"
        )
    budget = Budget(deadline=start + seconds)
    warn_if_prices_stale(prices.as_of)
    return price_terraform(root, prices, region, TreeFiles(base, files, unread), budget)


def _check_region(region: str, regions: list[str]) -> None:
    """A region the catalog has no prices for is refused: pricing it at another region's
    list prices would print a confident, wrong figure."""
    if region in regions:
        return
    close = difflib.get_close_matches(region, regions, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    fail(
        f"--region {region}: the price catalog has no prices for it; it has "
        f"{', '.join(regions)}\n  fix: {hint}pass --region with one of those"
    )
