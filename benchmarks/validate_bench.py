"""Benchmark: `validate` on an EKS example, its wall time against the slowest single tool
subprocess it runs, in the same round.

    python benchmarks/validate_bench.py                       # online-boutique, 3 rounds
    python benchmarks/validate_bench.py --example ecommerce --rounds 5

Each round validates the generated tree twice, interleaved: with one worker (the tools
one after another) and with the default pool (one worker per CPU). Every tool
subprocess of the one-worker run is timed, wall and CPU (its own and its children's:
terraform's provider plugins, checkov's forked scans); the slowest by wall is the peer
(with no other job of ours beside it, so contention does not inflate it). The figure
is wall(default pool) / wall(slowest single tool subprocess), medians over the rounds.
The one-worker wall and the CPU floor (all the CPU the run's subprocesses and this
process spent, over the CPUs) are printed beside it: on a machine with few cores the
floor, not the overlap, bounds the ratio. The two reports must be equal (same results,
same order). Tools come from the environment (INFRA_ARCHITECT_PLUGIN_DIR,
INFRA_ARCHITECT_CHECKOV; moto for the plans).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra_architect._output import write_tree
from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements
from infra_architect.validate import Toolchain, validate_tree

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class Call:
    wall: float
    cpu: float
    label: str


def _label(args: list[str], given: Any) -> str:
    name = Path(args[0]).name
    if args[1:2] == ["-c"]:  # the shared checkov process: its scans come on stdin
        return f"checkov (one process, {str(given).count(chr(10))} scans)"
    return " ".join([name, *[a for a in args[1:4] if not a.startswith("/")]])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_tools(calls: list[Call]) -> Any:
    real = subprocess.run

    def run(args: list[str], *rest: Any, **options: Any) -> Any:
        start, cpu = time.perf_counter(), _children_cpu()
        try:
            return real(args, *rest, **options)
        finally:
            # one worker: no other subprocess ends meanwhile, so the CPU is this call's
            elapsed, used = time.perf_counter() - start, _children_cpu() - cpu
            calls.append(Call(elapsed, used, _label(args, options.get("input"))))

    return run


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime + _children_cpu()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--example", default="online-boutique")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    catalog = load_catalog()
    design = design_system(
        load_requirements(EXAMPLES / f"{args.example}.yaml", catalog.regions), catalog
    )
    tools = Toolchain.discover()
    sequential, parallel, peers, floors = [], [], [], []
    per_tool: dict[str, list[Call]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as out:
        tree = Path(out)
        write_tree(tree, render_all(design), force=False)
        for _ in range(args.rounds):
            calls: list[Call] = []
            subprocess.run, real = _timed_tools(calls), subprocess.run  # type: ignore[assignment]
            try:
                start = time.perf_counter()
                one = validate_tree(tree, tools, workers=1)
                sequential.append(time.perf_counter() - start)
            finally:
                subprocess.run = real  # type: ignore[assignment]
            peers.append(max(calls, key=lambda c: c.wall))
            for call in calls:
                per_tool[call.label].append(call)
            start, cpu = time.perf_counter(), _cpu()
            pool = validate_tree(tree, tools)
            parallel.append(time.perf_counter() - start)
            floors.append((_cpu() - cpu) / (os.cpu_count() or 1))
            assert pool == one, "the parallel report differs from the sequential one"
    rounds = args.rounds
    print(f"{args.example}: {len(one.results)} results, {len(calls)} tool runs, {rounds} rounds")
    print("tool subprocesses (one-worker run, medians; calls per round):")
    for label, samples in sorted(per_tool.items(), key=lambda kv: -sum(c.wall for c in kv[1])):
        wall = statistics.median(c.wall for c in samples)
        cpu = statistics.median(c.cpu for c in samples)
        print(f"  {wall:5.1f} s wall {cpu:5.1f} s CPU  x{len(samples) // rounds}  {label}")
    peer = statistics.median(p.wall for p in peers)
    print(f"slowest single tool: {peer:.1f} s ({peers[-1].label})")
    floor = statistics.median(floors)
    print(f"CPU floor (all CPU / {os.cpu_count()} CPUs): {floor:.1f} s ({floor / peer:.2f}x)")
    for name, samples in (("one worker", sequential), ("parallel", parallel)):
        median = statistics.median(samples)
        print(f"{name:>10}: {median:.1f} s wall ({median / peer:.2f}x the slowest tool)")


if __name__ == "__main__":
    main()
