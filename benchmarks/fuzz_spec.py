"""Long fuzz run of the spec pipeline (issue 16): mutated specs through load,
``constraints`` and ``design`` (render included), counting what the CLI would exit with.

    python benchmarks/fuzz_spec.py                        # 3,000 inputs, seed 16
    python benchmarks/fuzz_spec.py --inputs 500 --seed 7  # another sample
    python benchmarks/fuzz_spec.py --save /tmp/crashes    # keep every internal error's spec

Each input is a mutant of a bundled example or the tests' VALID spec, made by the same
mutators the CI property test uses (``tests/fuzz_mutators.py``), from
``random.Random(f"{seed}:{index}")``, so any input can be rebuilt from its index. Every
input runs as ``constraints`` and as ``design``. Printed: inputs tried, exit codes of
each command, disagreements (``constraints`` exit 0, ``design`` exit 1 or 2) by reason,
internal errors (exit 70, must be 0; a warning counts, as in the test suite) and timing.
Exit status 1 if any internal error, or any disagreement ``constraints`` did not
announce (a conflict it reported, or a check it said only ``design`` makes).
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz_mutators import EXIT_INTERNAL, OUTCOMES, mutate, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=3000, help="mutants to try")
    parser.add_argument("--seed", type=int, default=16, help="seed of the run")
    parser.add_argument("--save", type=Path, help="write each internal error's spec here")
    args = parser.parse_args()
    # as the test suite runs (filterwarnings = error): a warning is a defect too
    warnings.simplefilter("error")

    constraints_exits: collections.Counter[int] = collections.Counter()
    design_exits: collections.Counter[int] = collections.Counter()
    disagreements: collections.Counter[str] = collections.Counter()
    unexplained: list[tuple[int, str, str]] = []
    internal: list[tuple[int, str, str]] = []
    slowest = (0.0, -1)
    start = time.perf_counter()
    for index in range(args.inputs):
        mutant = mutate(random.Random(f"{args.seed}:{index}"))  # noqa: S311  (reproducible, not secret)
        began = time.perf_counter()
        outcome = run(mutant.text, design=True)
        took = time.perf_counter() - began
        slowest = max(slowest, (took, index))
        constraints_exits[outcome.constraints_exit] += 1
        design_exits[outcome.design_exit or 0] += 1
        if outcome.disagrees:
            disagreements[_reason(outcome.error)] += 1
        if outcome.unexplained:
            unexplained.append((index, mutant.describe(), outcome.error))
        if outcome.internal:
            internal.append((index, mutant.describe(), outcome.error))
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{args.seed}-{index}.yaml").write_text(mutant.text)
        if (index + 1) % 250 == 0:
            print(f"  {index + 1:,} inputs, {time.perf_counter() - start:.0f} s", flush=True)
    elapsed = time.perf_counter() - start

    print(
        f"\nseed {args.seed}: {args.inputs:,} inputs in {elapsed:.1f} s "
        f"({elapsed / args.inputs * 1000:.0f} ms each; slowest {slowest[0]:.2f} s, "
        f"input {slowest[1]})"
    )
    for title, counts in (("constraints", constraints_exits), ("design", design_exits)):
        shown = ", ".join(
            f"exit {code} ({OUTCOMES[code]}) {counts[code]:,}" for code in sorted(counts)
        )
        print(f"  {title:<12} {shown}")
    print(f"  constraints exit 0 but design exit 1/2: {sum(disagreements.values()):,}")
    for reason, count in disagreements.most_common():
        print(f"    {count:>5}  {reason}")
    print(f"  of which constraints did not say why: {len(unexplained)}")
    for index, described, error in unexplained[:10]:
        print(f"    input {index}: {error[:160]}\n      {described}")
    print(f"  internal errors (exit {EXIT_INTERNAL}): {len(internal)}")
    for index, described, error in internal[:20]:
        print(f"    input {index}: {error}\n      {described}")
    return 1 if internal or unexplained else 0


def _reason(error: str) -> str:
    """A disagreement's kind, without the figures of the one case."""
    if error.startswith("pin:"):
        field = error.removeprefix("pin: ").partition("=")[0]
        return f"pinned decision cannot hold: {field}"
    if error.startswith("unsupported:"):
        what = error.removeprefix("unsupported: ").removeprefix("no Terraform module yet for: ")
        return f"no Terraform module: {what.partition(' (')[0][:60]}"
    return error[:100]


if __name__ == "__main__":
    sys.exit(main())
