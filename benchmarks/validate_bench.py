"""Benchmark: `validate` on an EKS example, its wall time against the slowest single tool
it runs, in the same run.

    python benchmarks/validate_bench.py                       # online-boutique
    python benchmarks/validate_bench.py --example ecommerce --rounds 2

Each round validates the generated tree twice: with one worker (the tools one after
another, as before issue 21) and with the default pool (one worker per CPU). Every
tool subprocess of the one-worker run is timed (wall); the slowest is the peer. The two
reports must be equal (same results, same order). Tools come from the environment
(INFRA_ARCHITECT_PLUGIN_DIR, INFRA_ARCHITECT_CHECKOV; moto for the plans).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from infra_architect._output import write_tree
from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from infra_architect.validate import Toolchain, validate_tree

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _timed_tools(calls: list[tuple[float, str]]) -> Any:
    real = subprocess.run

    def run(args: list[str], *rest: Any, **options: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(args, *rest, **options)
        finally:
            label = " ".join([Path(args[0]).name, *args[1:3]])
            calls.append((time.perf_counter() - start, label))

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--example", default="online-boutique")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    catalog = load_catalog()
    design = design_system(
        load_requirements(EXAMPLES / f"{args.example}.yaml", catalog.regions), catalog
    )
    tools = Toolchain.discover()
    with tempfile.TemporaryDirectory() as out:
        tree = Path(out)
        write_tree(tree, render_all(design), force=False)
        sequential, parallel, slowest = [], [], []
        for _ in range(args.rounds):
            calls: list[tuple[float, str]] = []
            subprocess.run, real = _timed_tools(calls), subprocess.run  # type: ignore[assignment]
            try:
                start = time.perf_counter()
                one = validate_tree(tree, tools, workers=1)
                sequential.append(time.perf_counter() - start)
            finally:
                subprocess.run = real  # type: ignore[assignment]
            slowest.append(max(calls))
            start = time.perf_counter()
            pool = validate_tree(tree, tools)
            parallel.append(time.perf_counter() - start)
            assert pool == one, "the parallel report differs from the sequential one"
    print(f"{args.example}: {len(one.results)} results, {len(calls)} tool runs")
    peer = statistics.median(s for s, _ in slowest)
    print(f"slowest single tool: {peer:.1f} s ({max(slowest)[1]})")
    for name, samples in (("one worker", sequential), ("parallel", parallel)):
        median = statistics.median(samples)
        print(f"{name:>10}: {median:.1f} s wall ({median / peer:.2f}x the slowest tool)")


if __name__ == "__main__":
    main()
