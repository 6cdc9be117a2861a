"""Benchmark: CPU and peak memory of ``design_system`` + ``render_all`` as a system grows
from 5 to 500 services, and the growth per doubling from 50 services up.

    python benchmarks/design_scaling_bench.py                    # 5 10 50 100 200 500
    python benchmarks/design_scaling_bench.py --sizes 5 50 200

Each size runs in a fresh child process, so one size's memory never inflates the next:
the child generates a synthetic spec of N services, loads it through the spec loader (it
must be a valid ``infra-architect/v1`` spec), then designs and renders it. The figures
are the child's own (``resource.getrusage(RUSAGE_SELF)`` read after ``render_all``):
user + system CPU seconds of design + render only (import and load excluded) and of the
whole process (interpreter start, imports, loading the spec: what a user waits for), and
its peak resident set (``ru_maxrss``, the whole process's high-water mark). Growth per
doubling is ``(cost(N2) / cost(N1)) ** (1 / log2(N2 / N1))`` between neighbouring sizes
from 50 up: 2.0 is linear growth, above it superlinear.

The synthetic organisation: a public entry service in 25 calling into two tiers of APIs
(each request-serving service calls up to two services of the next tier, so the graph is
acyclic and three tiers deep whatever its size), workers fed by SQS queues, a cron job
in ten, and one datastore per five services (Postgres, Redis, DynamoDB, S3) and one
queue per ten, each bounded by the spec's limits.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

SIZES = (5, 10, 50, 100, 200, 500)
RUNTIMES = ("go", "java", "node", "python", "dotnet", "rust")
STORE_ENGINES = (
    {"engine": "postgres", "storage_gb": 50},
    {"engine": "redis", "role": "cache", "storage_gb": 4},
    {"engine": "dynamodb", "storage_gb": 20},
    {"engine": "postgres", "storage_gb": 200},
    {"engine": "s3", "storage_gb": 500},
    {"engine": "redis", "role": "session", "storage_gb": 2},
)


def _kind(i: int) -> str:
    """Six in ten serve an API, one a web page, two are workers, one a cron job."""
    return ("web", "api", "api", "api", "worker", "api", "api", "worker", "api", "cron")[i % 10]


def _tier(i: int) -> int:
    """Entry services (tier 0) call tier 1, tier 1 calls tier 2, tier 2 calls nothing: a
    real organisation's call graph is wide, not hundreds of calls deep."""
    return 0 if i % 25 == 0 else 1 if (i // 5) % 2 == 0 else 2


def synthetic_spec(services: int, max_stores: int = 100) -> dict[str, Any]:
    """A valid spec of ``services`` services: the same ``services`` always gives the same spec."""
    stores = min(max_stores, max(1, services // 5))
    queues = min(max_stores, max(1, services // 10))
    names = [f"svc-{i:03d}" for i in range(services)]
    serving = [i for i in range(services) if _kind(i) in ("web", "api")]
    out: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        kind = _kind(i)
        service: dict[str, Any] = {
            "name": name,
            "type": kind,
            "runtime": RUNTIMES[i % len(RUNTIMES)],
        }
        store = f"store-{i % stores:03d}"
        queue = f"queue-{i % queues:03d}"
        if kind == "cron":
            service["schedule"] = f"{i % 60} {i % 24} * * *"
            service["uses"] = [store]
        elif kind == "worker":
            service["cpu_ms_per_request"] = 20 + i % 30
            service["uses"] = [queue, store]
        else:
            service["cpu_ms_per_request"] = 2 + i % 17
            service["public"] = _tier(i) == 0
            # downstream and one tier deeper: acyclic and three tiers deep at any size
            callees = [names[j] for j in serving if i < j <= i + 30 and _tier(j) == _tier(i) + 1]
            callees = callees[:2]
            if callees:
                service["calls"] = callees
            service["uses"] = [store, queue] if i % 3 == 0 else [store]
        out.append(service)
    out[0]["public"] = True
    return {
        "apiVersion": "infra-architect/v1",
        "kind": "Requirements",
        "metadata": {"name": f"org-{services}", "owner": "platform"},
        "system": {
            "services": out,
            "datastores": [
                {"name": f"store-{s:03d}", **STORE_ENGINES[s % len(STORE_ENGINES)]}
                for s in range(stores)
            ],
            "queues": [{"name": f"queue-{q:03d}", "engine": "sqs"} for q in range(queues)],
        },
        "traffic": {"requests_per_second": 20.0 * services},
        "availability": {"slo": 99.9},
        "delivery": {"deploys_per_day": 10},
        "team": {
            "size": max(4, services // 2),
            "ops_experience": "high",
            "kubernetes_experience": "high",
        },
    }


# The child: load the spec through the real loader, then time design + render alone.
CHILD = """\
import json, resource, sys
from pathlib import Path
from infra_architect.catalog import load_catalog
from infra_architect.engine import design_system
from infra_architect.render import render_all
from infra_architect.spec import load_requirements

catalog = load_catalog()
req = load_requirements(Path(sys.argv[1]), catalog.regions)
before = resource.getrusage(resource.RUSAGE_SELF)
files = render_all(design_system(req, catalog))
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
whole = after.ru_utime + after.ru_stime
print(json.dumps({"cpu": cpu, "whole": whole, "peak_kib": after.ru_maxrss, "files": len(files),
                  "bytes": sum(len(text) for text in files.values())}))
"""


def _limit_memory(gib: float) -> None:
    """Cap the child's address space: an oversized run fails alone instead of pushing a
    shared machine into swap or the OOM killer."""
    cap = int(gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def measure(services: int, work: Path, limit_gib: float) -> dict[str, float]:
    spec = work / f"org-{services}.yaml"
    # JSON is YAML: the loader reads it as it reads any spec
    spec.write_text(json.dumps(synthetic_spec(services), indent=1))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(spec)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=partial(_limit_memory, limit_gib),
    )
    if done.returncode != 0:
        raise SystemExit(
            f"{services} services: the child failed (exit {done.returncode}; past "
            f"--limit-gib {limit_gib:g}?)\n{done.stderr[-4000:]}"
        )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _per_doubling(small: float, large: float, n_small: int, n_large: int) -> float:
    return float((large / small) ** (1 / math.log2(n_large / n_small)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--limit-gib", type=float, default=8.0, help="address-space cap of each child"
    )
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    rows: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for services in sizes:
            rows[services] = measure(services, Path(tmp), args.limit_gib)
            row = rows[services]
            print(
                f"{services:>5} services: {row['cpu']:7.2f} CPU s  "
                f"({row['whole']:6.2f} whole process)  "
                f"{row['peak_kib'] / 1024:8.0f} MiB peak  {row['files']:>6.0f} files  "
                f"{row['bytes'] / 1e6:6.1f} MB",
                flush=True,
            )
    grown = [n for n in sizes if n >= 50]
    if len(grown) > 1:
        print("growth per doubling (2.0 = linear):")
        for small, large in itertools.pairwise(grown):
            cpu = _per_doubling(rows[small]["cpu"], rows[large]["cpu"], small, large)
            peak = _per_doubling(rows[small]["peak_kib"], rows[large]["peak_kib"], small, large)
            print(f"  {small:>4} -> {large:<4} CPU x{cpu:.2f}  peak memory x{peak:.2f}")


if __name__ == "__main__":
    main()
