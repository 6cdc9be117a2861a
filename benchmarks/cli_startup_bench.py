"""Benchmark: CPU start-up of the commands a pre-commit hook or a quick check runs, as a
ratio to a bare interpreter measured in the same run.

    python benchmarks/cli_startup_bench.py            # best of 5 runs each
    python benchmarks/cli_startup_bench.py --runs 9

Each figure is the user + system CPU seconds of a fresh ``python -c`` child (what the
console script does: ``from infra_architect.cli import main; main()``), best of N, so the
other sessions on a shared machine inflate it less than wall time would. Cases: a bare
``python -c pass``; ``--version``; ``review --help``; ``review`` of a small tree (one
Terraform file, one Kubernetes manifest); ``cost explain`` of a two-month CUR export. It
also lists whether each case loaded numpy or the engine, read from the child itself.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

TERRAFORM = """\
resource "aws_s3_bucket" "logs" {
  bucket = "example-logs"
}
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""

CUR = (
    "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n"
    "2025-01-03T00:00:00Z,AmazonEC2,BoxUsage:m6i.large,120.50\n"
    "2025-01-04T00:00:00Z,AmazonRDS,InstanceUsage:db.r6g.large,80.00\n"
    "2025-02-03T00:00:00Z,AmazonEC2,BoxUsage:m6i.large,210.25\n"
    "2025-02-04T00:00:00Z,AmazonRDS,InstanceUsage:db.r6g.large,81.00\n"
)

# the child reports what it loaded on stderr's last line, after the command has run
PROBE = (
    "import sys, atexit\n"
    "atexit.register(lambda: sys.stderr.write('\\nLOADED numpy=%s engine=%s\\n' % ("
    "'numpy' in sys.modules, any(m.startswith('infra_architect.engine') for m in sys.modules))))\n"
    "from infra_architect.cli import main\n"
    "sys.argv = ['infra-architect', *sys.argv[1:]]\n"
    "main()\n"
)


def _cpu_seconds(argv: list[str]) -> tuple[float, str]:
    """User + system CPU of one child, and its last stderr line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stderr.strip().splitlines()
    return cpu, lines[-1] if lines else ""


def _cases(work: Path) -> dict[str, list[str]]:
    tree = work / "repo"
    (tree / "infra").mkdir(parents=True)
    (tree / "k8s").mkdir()
    (tree / "infra" / "main.tf").write_text(TERRAFORM)
    (tree / "k8s" / "deployment.yaml").write_text(DEPLOYMENT)
    export = work / "cur.csv"
    export.write_text(CUR)
    cli = [sys.executable, "-c", PROBE]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--version": [*cli, "--version"],
        "review --help": [*cli, "review", "--help"],
        "review (small tree)": [*cli, "review", str(tree), "--fail-on", "none"],
        "cost explain (small export)": [*cli, "cost", "explain", str(export)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = _cases(Path(tmp))
        best: dict[str, float] = {}
        loaded: dict[str, str] = {}
        # interleaved, so a burst of load elsewhere touches every case alike
        for _ in range(args.runs):
            for name, argv in cases.items():
                cpu, last = _cpu_seconds(argv)
                best[name] = min(best.get(name, cpu), cpu)
                loaded[name] = last.removeprefix("LOADED ") if last.startswith("LOADED") else ""
    bare = best["python -c pass"]
    print(f"python {sys.version.split()[0]}, best of {args.runs}, CPU seconds (user+system)")
    print(f"{'case':<30} {'CPU s':>7} {'x bare':>7}  loaded")
    for name, cpu in best.items():
        print(f"{name:<30} {cpu:7.3f} {cpu / bare:7.1f}  {loaded[name]}")
    print(f"(PYTHONPATH={os.environ.get('PYTHONPATH', '')})")


if __name__ == "__main__":
    main()
