"""Benchmark: `review` on generated Terraform trees of growing size, and checkov on the
same tree for the ratio.

    python benchmarks/review_bench.py                 # 7.5k, 15k, 30k and 60k lines
    python benchmarks/review_bench.py --checkov 7500  # also time checkov at that size
    python benchmarks/review_bench.py --sizes --tree TREE   # e.g. terraform-aws-eks extracted
        # review and checkov on one real tree, in the same run

Each tree is a monorepo of stacks: a root module calling a local network module and a
local database module, with security groups, IAM policies, buckets, instances, alarms
and variables; some planted problems so the rules have work to do. checkov is found
through INFRA_ARCHITECT_CHECKOV (its own virtualenv; run offline with
--skip-download). Figures are best of three runs, seconds of wall time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from infra_architect.iac._tf_graph import _parse
from infra_architect.review import review

STACK = """\
variable "name" {{
  type    = string
  default = "stack-{i}"
}}

variable "db_password" {{
  type    = string
  default = "{password}"
}}

locals {{
  tags = {{ Stack = var.name, Owner = "team-{team}" }}
  multi_az = {multi_az}
}}

module "network" {{
  source = "../../modules/network"
  name   = var.name
  cidr   = "10.{octet}.0.0/16"
}}

module "database" {{
  source     = "../../modules/database"
  name       = var.name
  multi_az   = local.multi_az
  subnet_ids = module.network.private_subnet_ids
  password   = var.db_password
}}

resource "aws_iam_policy" "app" {{
  name = "${{var.name}}-app"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "{action}", Resource = "*" }}]
  }})
}}

resource "aws_s3_bucket" "assets" {{
  bucket = "${{var.name}}-assets"
  tags   = local.tags
}}

resource "aws_instance" "worker" {{
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "m6i.large"
  subnet_id     = module.network.private_subnet_ids[count.index]
  root_block_device {{
    encrypted   = true
    volume_size = 50
  }}
  tags = local.tags
}}

resource "aws_cloudwatch_metric_alarm" "cpu" {{
  alarm_name          = "${{var.name}}-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 80
}}
"""

NETWORK = """\
variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

resource "aws_subnet" "private" {
  count             = 3
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 4, count.index)
  availability_zone = element(["us-east-1a", "us-east-1b", "us-east-1c"], count.index)
}

resource "aws_security_group" "db" {
  name   = "${var.name}-db"
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "db_security_group_id" {
  value = aws_security_group.db.id
}
"""

DATABASE = """\
variable "name" {
  type = string
}

variable "multi_az" {
  type    = bool
  default = true
}

variable "subnet_ids" {
  type = list(string)
}

variable "password" {
  type      = string
  sensitive = true
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  instance_class          = "db.r6g.large"
  allocated_storage       = 100
  username                = "app"
  password                = var.password
  multi_az                = var.multi_az
  storage_encrypted       = true
  backup_retention_period = 7
  db_subnet_group_name    = aws_db_subnet_group.this.name
}
"""


def generate(root: Path, target_lines: int) -> int:
    """A tree of about ``target_lines`` lines of Terraform; returns the exact count."""
    modules = root / "modules"
    (modules / "network").mkdir(parents=True)
    (modules / "database").mkdir(parents=True)
    (modules / "network" / "main.tf").write_text(NETWORK)
    (modules / "database" / "main.tf").write_text(DATABASE)
    lines = NETWORK.count("\n") + DATABASE.count("\n")
    i = 0
    while lines < target_lines:
        stack = root / "stacks" / f"s{i:04d}"
        stack.mkdir(parents=True)
        text = STACK.format(
            i=i,
            team=i % 17,
            octet=i % 250,
            password="hunter2-" + str(i) if i % 5 == 0 else "",
            multi_az="false" if i % 3 == 0 else "true",
            action="*" if i % 7 == 0 else "s3:GetObject",
        )
        (stack / "main.tf").write_text(text)
        lines += text.count("\n")
        i += 1
    return lines


def _best(fn: object, runs: int = 3) -> float:
    """Best of ``runs`` cold runs: the per-process parse cache is emptied before each."""
    times = []
    for _ in range(runs):
        _parse.cache_clear()
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def compare_on(tree: Path) -> None:
    """review (best of three) and checkov (one run: it takes minutes) on one existing
    tree in the same run, so the ratio compares the same machine at the same moment."""
    checkov = os.environ.get("INFRA_ARCHITECT_CHECKOV") or shutil.which("checkov")
    if checkov is None:
        print("checkov not found (set INFRA_ARCHITECT_CHECKOV): no ratio")
        return
    lines = sum(p.read_text(errors="replace").count("\n") for p in tree.rglob("*.tf"))
    ours = _best(lambda: review(tree))
    start = time.perf_counter()
    done = subprocess.run(
        [checkov, "-d", str(tree), "--framework", "terraform", "--skip-download",
         "--quiet", "--compact", "-o", "json"],
        capture_output=True, check=False, timeout=3600,
    )  # fmt: skip
    theirs = time.perf_counter() - start
    if done.returncode not in {0, 1}:  # 1: checkov found failing checks
        print(f"checkov failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        return
    print(
        f"{tree.name}: {lines:,} lines of .tf: checkov {theirs:.1f} s, review {ours:.2f} s: "
        f"{theirs / ours:.0f}x faster"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[7_500, 15_000, 30_000, 60_000])
    parser.add_argument("--checkov", type=int, default=0, help="also time checkov at this size")
    parser.add_argument("--tree", type=Path, help="also time review and checkov on this tree")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="review-bench-"))
    try:
        for size in args.sizes:
            tree = work / f"t{size}"
            lines = generate(tree, size)
            report = review(tree, slo=99.9)
            seconds = _best(lambda tree=tree: review(tree, slo=99.9))
            print(
                f"{lines:>7,} lines, {report.files_read:>5} files, {report.resources:>6} "
                f"resources, {len(report.findings):>5} findings: review {seconds:.2f} s "
                f"({lines / seconds:,.0f} lines/s)"
            )
        if args.checkov:
            checkov = os.environ.get("INFRA_ARCHITECT_CHECKOV") or shutil.which("checkov")
            if checkov is None:
                print("checkov not found (set INFRA_ARCHITECT_CHECKOV)")
                return
            tree = work / f"c{args.checkov}"
            lines = generate(tree, args.checkov)
            ours = _best(lambda: review(tree, slo=99.9))
            start = time.perf_counter()
            subprocess.run(
                [checkov, "-d", str(tree), "--framework", "terraform", "--skip-download",
                 "--quiet", "--compact", "-o", "json"],
                capture_output=True, check=False, timeout=3600,
            )  # fmt: skip
            theirs = time.perf_counter() - start
            print(
                f"{lines:,} lines: checkov {theirs:.1f} s, review {ours:.2f} s: "
                f"{theirs / ours:.0f}x faster"
            )
        if args.tree:
            compare_on(args.tree)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
