"""Benchmark: dumping every YAML document of the 8 examples (manifests, workflows,
kustomizations, read back from tests/golden) through each emitter, in the same run.

    python benchmarks/yaml_emit_bench.py            # 5 interleaved rounds
    python benchmarks/yaml_emit_bench.py --rounds 9

Emitters: ``before`` (PyYAML's pure-Python dumper indenting lists, as render/_yaml.py
did before issue 21), ``pure`` (the pure-Python emitter taught libyaml's choices, what a
machine without the C extension runs), ``C`` (libyaml's dumper) and ``dump`` (what
render/_yaml.dump takes here). Figures: median CPU seconds per round, and each as a
ratio to ``before``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from infra_architect.render import _yaml

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


class _Before(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless=False)

    def ignore_aliases(self, data: object) -> bool:
        return True


_Before.add_representer(str, _yaml._str)


def _before(document: dict[str, Any]) -> str:
    return yaml.dump(
        document,
        Dumper=_Before,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        allow_unicode=True,
    )


def documents() -> list[dict[str, Any]]:
    found = []
    for path in sorted(GOLDEN.glob("*/expected/**/*.y*ml")):
        found += [d for d in yaml.safe_load_all(path.read_text("utf-8")) if isinstance(d, dict)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    docs = documents()
    emitters: dict[str, Callable[[dict[str, Any]], str]] = {
        "before": _before,
        "pure": lambda d: _yaml.dump(d, fast=False),
        "dump": _yaml.dump,
    }
    if yaml.__with_libyaml__:
        emitters["C"] = lambda d: _yaml.dump(d, fast=True)
    times: dict[str, list[float]] = {name: [] for name in emitters}
    for _ in range(args.rounds):
        for name, emit in emitters.items():  # interleaved: each round runs every emitter
            start = time.process_time()
            for document in docs:
                emit(document)
            times[name].append(time.process_time() - start)
    print(f"{len(docs)} documents, {args.rounds} rounds, libyaml: {yaml.__with_libyaml__}")
    before = statistics.median(times["before"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:>7}: {median:.3f} CPU-s  ({median / before:.2f}x before)")


if __name__ == "__main__":
    main()
