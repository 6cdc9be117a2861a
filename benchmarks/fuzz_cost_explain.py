"""Long fuzz run of ``cost explain`` (issue 16), and its memory on a 1 GB export.

    python benchmarks/fuzz_cost_explain.py                  # 20,000 inputs, 200 by CLI, 1 GiB
    python benchmarks/fuzz_cost_explain.py --inputs 2000 --cli 0 --stream-mib 0
    python benchmarks/fuzz_cost_explain.py --file-mib 1024  # and a real 1 GiB file by the CLI

Fuzz: the CI property test's generator (``tests/unit/cost/test_explain_fuzz.py``: CUR,
CUR 2.0, Cost Explorer and random headers; valid and nasty cells; byte insertions,
deletions, truncation, BOM, gzip, CR line ends), run much longer. Every input goes
through the streaming core and the comparison, and is checked like the test checks it
(finite figures, strict JSON, a table with nothing raw from the file, or one located
message). Outcomes are counted as the exit codes the CLI would give (0, 2; 70 for any
other exception: must be 0); a sample also runs through the real CLI.

Memory: a child process sums a generated CUR stream of the given size (never written to
disk) and reports its peak RSS; the same for an 8 MiB stream. Memory must not grow with
the size. Exit status 1 on any internal error, property violation or growth > 16 MiB.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, seed, settings
from tests.unit.cost.test_explain_fuzz import _kind, check, exports

from infra_architect.cost import aggregate, explain

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 2, 70
HEADER = (
    b"identity/LineItemId,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
    b"lineItem/UnblendedCost,lineItem/CurrencyCode,lineItem/ResourceId\n"
)


def fuzz(inputs: int, run_seed: int, cli: int, save: Path | None) -> bool:
    exits: collections.Counter[int] = collections.Counter()
    refusals: collections.Counter[str] = collections.Counter()
    failures: list[tuple[str, bytes, str | None, str | None]] = []
    sample: list[tuple[bytes, str | None, str | None]] = []
    started = time.perf_counter()

    @seed(run_seed)
    @settings(
        max_examples=inputs,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # count every input; a failure is recorded, not shrunk
        suppress_health_check=list(HealthCheck),
    )
    @given(exports())
    def one(case: tuple[bytes, str | None, str | None]) -> None:
        try:
            result = check(*case)
        except Exception:  # noqa: BLE001  (what the fuzz run is looking for)
            exits[EXIT_INTERNAL] += 1
            failures.append((traceback.format_exc(limit=3), *case))
            return
        if isinstance(result, str):
            exits[EXIT_BAD_INPUT] += 1
            refusals[_kind(result)] += 1
        else:
            exits[EXIT_OK] += 1
        if len(sample) < cli:
            sample.append(case)

    one()
    seconds = time.perf_counter() - started
    tried = sum(exits.values())
    print(f"fuzz: {tried:,} inputs in {seconds:.1f} s ({tried / seconds:,.0f}/s), seed {run_seed}")
    for code in sorted(exits):
        print(f"  exit {code}: {exits[code]:,}")
    print(f"  internal errors or property violations: {len(failures)}")
    print("  refusals by kind (top 12):")
    for kind, count in refusals.most_common(12):
        print(f"    {count:6,}  {kind.removeprefix('refused: ')}")
    for index, (trace, data, before, after) in enumerate(failures[:5]):
        print(f"--- failure {index}: before={before} after={after} data={data[:200]!r}\n{trace}")
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        for index, (_, data, _, _) in enumerate(failures):
            (save / f"failure-{index}.csv").write_bytes(data)
    return not failures and _through_the_cli(sample)


def _through_the_cli(sample: list[tuple[bytes, str | None, str | None]]) -> bool:
    if not sample:
        return True
    exe = shutil.which("infra-architect", path=str(Path(sys.executable).parent))
    assert exe is not None
    exits: collections.Counter[int] = collections.Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        export = Path(work) / "fuzz.csv"
        for data, before, after in sample:
            export.write_bytes(data)
            options = [*(["--before", before] if before is not None else [])]
            options += ["--after", after] if after is not None else []
            done = subprocess.run(
                [exe, "cost", "explain", str(export), "-f", "json", *options],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            exits[done.returncode] += 1
            if done.returncode == EXIT_OK:
                json.loads(done.stdout, parse_constant=_refuse)
            if done.returncode == EXIT_INTERNAL or "Traceback" in done.stderr:
                print(f"CLI internal error on {data[:200]!r}:\n{done.stderr}")
    seconds = time.perf_counter() - started
    print(
        f"cli: {len(sample)} of those inputs through `infra-architect cost explain` "
        f"in {seconds:.0f} s"
    )
    for code in sorted(exits):
        print(f"  exit {code}: {exits[code]}")
    return set(exits) <= {EXIT_OK, EXIT_BAD_INPUT}


def _refuse(constant: str) -> object:
    raise ValueError(f"not JSON: {constant}")


# --- memory ---------------------------------------------------------------------------------


class GeneratedCur:
    """A CUR of ``size`` bytes made on the fly: 1 MiB blocks of rows, three months."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0
        self._blocks = [_block(month) for month in ("2025-04", "2025-05", "2025-06")]
        self._pending = HEADER
        self._next = 0

    def read(self, count: int = -1) -> bytes:
        while len(self._pending) < max(count, 1) and self.sent + len(self._pending) < self.size:
            self._pending += self._blocks[self._next * 3 // max(1, self.size >> 20) % 3]
            self._next += 1
        count = len(self._pending) if count < 0 else count
        out, self._pending = self._pending[:count], self._pending[count:]
        self.sent += len(out)
        return out


def _block(month: str) -> bytes:
    rows = []
    size = 0
    n = 0
    while size < 1 << 20:
        row = (
            f"li{n},{month}-{1 + n % 28:02d}T00:00:00Z,AmazonEC2,USE1-BoxUsage:m6i.{n % 40}xlarge,"
            f"{(n % 997) / 7:.10f},USD,arn:aws:ec2:us-east-1:111122223333:instance/i-{n:017x}\n"
        )
        rows.append(row)
        size += len(row)
        n += 1
    return "".join(rows).encode()


def stream_child(mib: int) -> None:
    """Run in a child: sum a generated stream, print the figures as JSON."""
    stream = GeneratedCur(mib << 20)
    started = time.perf_counter()
    totals = aggregate(stream, f"generated-{mib}MiB.csv")  # type: ignore[arg-type]
    result = explain(totals)
    print(
        json.dumps(
            {
                "mib": stream.sent / (1 << 20),
                "rows": totals.rows_read,
                "seconds": time.perf_counter() - started,
                "peak_rss_mib": _peak_rss_mib(),
                "change_usd": result.change_usd,
            }
        )
    )


def _peak_rss_mib() -> float:
    """This process's own peak RSS: VmHWM counts from its exec, while ru_maxrss would
    include the parent's at the fork (the fuzz run's memory)."""
    status = Path("/proc/self/status")
    if status.exists():
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mib: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--stream-child", str(mib)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def memory(mib: int, file_mib: int) -> bool:
    ok = True
    if mib:
        small, large = _child(8), _child(mib)
        for figures in (small, large):
            print(
                f"stream {figures['mib']:7,.0f} MiB: {figures['rows']:>11,.0f} rows in "
                f"{figures['seconds']:6.1f} s ({figures['mib'] / figures['seconds']:5.1f} MiB/s), "
                f"peak RSS {figures['peak_rss_mib']:6.1f} MiB"
            )
        growth = large["peak_rss_mib"] - small["peak_rss_mib"]
        print(f"peak RSS growth from 8 MiB to {mib:,} MiB: {growth:+.1f} MiB")
        ok = growth < 16
    if file_mib:
        ok = _file_through_the_cli(file_mib) and ok
    return ok


def _file_through_the_cli(mib: int) -> bool:
    with tempfile.TemporaryDirectory() as work:
        export = Path(work) / "cur.csv"
        stream = GeneratedCur(mib << 20)
        with export.open("wb") as out:
            while chunk := stream.read(1 << 20):
                out.write(chunk)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--cli-child", "cost", "explain", str(export), "-f", "json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
    peak = float(done.stderr.rsplit("peak_rss_mib=", 1)[-1])
    print(
        f"cli on a {mib:,} MiB file: exit {done.returncode} in {seconds:.1f} s, "
        f"peak RSS {peak:.1f} MiB"
    )
    return done.returncode == 0


def cli_child(arguments: list[str]) -> None:
    """Run in a child: the real CLI, its own peak RSS written last to stderr."""
    atexit.register(lambda: print(f"peak_rss_mib={_peak_rss_mib()}", file=sys.stderr))
    from infra_architect.cli import main  # noqa: PLC0415  (only this child needs the CLI)

    sys.argv = ["infra-architect", *arguments]
    main()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20_000, help="fuzz inputs to try")
    parser.add_argument("--seed", type=int, default=16, help="seed of the run")
    parser.add_argument("--cli", type=int, default=200, help="of those, run through the CLI")
    parser.add_argument("--save", type=Path, help="write each failing input here")
    parser.add_argument("--stream-mib", type=int, default=1024, help="generated stream size")
    parser.add_argument("--file-mib", type=int, default=0, help="a real file through the CLI")
    parser.add_argument("--stream-child", type=int, help=argparse.SUPPRESS)
    if sys.argv[1:2] == ["--cli-child"]:
        cli_child(sys.argv[2:])
        return 0
    args = parser.parse_args()
    if args.stream_child is not None:
        stream_child(args.stream_child)
        return 0
    ok = fuzz(args.inputs, args.seed, args.cli, args.save) if args.inputs else True
    ok = memory(args.stream_mib, args.file_mib) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
