"""``cost DIR``: an existing Terraform tree priced from its code, unknowns listed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra_architect.catalog import load_catalog
from infra_architect.cost._terraform import TreeFiles, price_terraform

MAIN = """
variable "web_count" {
  default = 2
}
variable "db_class" {
  default = "db.m6g.large"
}
variable "mystery_type" {}

locals {
  multi_az = true
}

resource "aws_instance" "web" {
  count         = var.web_count
  instance_type = "m6i.large"
  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }
}

resource "aws_instance" "batch" {
  instance_type = var.mystery_type
}

resource "aws_db_instance" "main" {
  instance_class    = var.db_class
  multi_az          = local.multi_az
  allocated_storage = 100
  storage_type      = "gp3"
}

resource "aws_nat_gateway" "a" {
  allocation_id = "eipalloc-1"
  subnet_id     = "subnet-1"
}

resource "aws_lb" "public" {
  load_balancer_type = "application"
}

resource "aws_security_group" "web" {
  name = "web"
}

resource "aws_mq_broker" "legacy" {
  broker_name = "legacy"
}

module "cache" {
  source = "./modules/cache"
  nodes  = 3
}
"""
CACHE = """
variable "nodes" {}
resource "aws_elasticache_replication_group" "this" {
  replication_group_id = "c"
  description          = "c"
  node_type            = "cache.r6g.large"
  num_cache_clusters   = var.nodes
}
"""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "modules" / "cache").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(MAIN, encoding="utf-8")
    (tmp_path / "modules" / "cache" / "main.tf").write_text(CACHE, encoding="utf-8")
    return tmp_path


def test_prices_what_the_code_states_and_lists_the_rest(tmp_path: Path) -> None:
    prices = load_catalog().price_catalog
    result = price_terraform(_tree(tmp_path), prices, "eu-west-1")
    by_address = {r.address: r for r in result.resources}
    usd = {r.address: sum(line.monthly_usd.value for line in r.lines) for r in result.resources}
    region = "eu-west-1"
    assert usd["aws_instance.web"] == pytest.approx(
        2
        * (
            730 * prices.usd("ec2_m6i_large_hour", region)
            + 20 * prices.usd("ebs_gp3_gb_month", region)
        )
    )
    assert usd["aws_db_instance.main"] == pytest.approx(
        2 * 730 * prices.usd("rds_db_m6g_large_hour", region)
        + 2 * 100 * prices.usd("rds_gp3_gb_month", region)
    )
    assert usd["aws_nat_gateway.a"] == pytest.approx(730 * prices.usd("nat_gateway_hour", region))
    assert usd["aws_lb.public"] == pytest.approx(730 * prices.usd("alb_hour", region))
    assert usd["module.cache.aws_elasticache_replication_group.this"] == pytest.approx(
        3 * 730 * prices.usd("elasticache_cache_r6g_large_hour", region)
    )
    assert result.total_monthly_usd == pytest.approx(sum(usd.values()))
    assert by_address["aws_instance.web"].file == "main.tf"
    assert by_address["aws_instance.web"].line == 14
    # never guessed: a size that is not static, a type the model does not know
    assert any(
        u.startswith("aws_instance.batch (main.tf:") and "instance_type is not static" in u
        for u in result.unknown
    )
    assert any(
        u.startswith("aws_mq_broker.legacy") and "not in the cost model" in u
        for u in result.unknown
    )
    assert "aws_instance.batch" not in usd
    # traffic-dependent parts are named
    assert any(
        u.startswith("aws_nat_gateway.a") and "data processed" in u for u in result.usage_priced
    )
    assert result.free == 1


def test_cli_cost_dir_json(tmp_path: Path) -> None:
    exe = (
        shutil.which("infra-architect", path=str(Path(sys.executable).parent)) or "infra-architect"
    )
    tree = _tree(tmp_path / "tree")
    shown = subprocess.run(
        [exe, "cost", str(tree), "-f", "json"], capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["region"] == "us-east-1"
    assert len(document["unknown"]) == 2


def test_a_fifo_named_tf_is_listed_not_read(tmp_path: Path) -> None:
    """Opening a FIFO waits for a writer forever: the disk reader takes regular files."""
    tree = _tree(tmp_path)
    os.mkfifo(tree / "network.tf")
    result = price_terraform(tree, load_catalog().price_catalog, "us-east-1")
    assert "network.tf: a named pipe (FIFO), not a regular file: not read" in result.skipped
    assert any(r.address == "aws_instance.web" for r in result.resources)


def test_a_walked_tree_lists_what_it_could_not_read(tmp_path: Path) -> None:
    """`cost DIR` prices what its walk read and lists the walk's skips with the bill (the
    walk itself reports a FIFO named .tf: tests/hostile/test_terraform.py)."""
    tree = _tree(tmp_path)
    base = tree.resolve()
    files = {
        base: [(base / "main.tf", MAIN)],
        base / "modules" / "cache": [(base / "modules" / "cache" / "main.tf", CACHE)],
    }
    walked = TreeFiles(base, files, ["big.tf: 9,999,999 bytes, over the 5,242,880-byte limit"])
    result = price_terraform(base, load_catalog().price_catalog, "us-east-1", walked)
    assert result.skipped[:1] == ["big.tf: 9,999,999 bytes, over the 5,242,880-byte limit"]
    assert any(r.address.startswith("module.cache.") for r in result.resources)


@pytest.mark.parametrize(
    ("region", "hint"),
    [("us-est-1", "did you mean us-east-1?"), ("ap-south-1", "")],
    ids=["typo", "unpriced"],
)
def test_cli_cost_dir_refuses_a_region_the_catalog_has_no_prices_for(
    tmp_path: Path, region: str, hint: str
) -> None:
    exe = (
        shutil.which("infra-architect", path=str(Path(sys.executable).parent)) or "infra-architect"
    )
    tree = _tree(tmp_path / "tree")
    shown = subprocess.run(
        [exe, "cost", str(tree), "--region", region], capture_output=True, text=True, check=False
    )
    assert shown.returncode == 2, shown.stdout
    assert f"--region {region}: the price catalog has no prices for it" in shown.stderr
    assert "us-east-1, us-west-2, eu-west-1, eu-central-1" in shown.stderr
    assert hint in shown.stderr
    assert not shown.stdout


NODE_GROUPS_ROOT = """
module "eks" {
  source = "./modules/eks"
  node_groups = {
    general-1 = { instance_types = ["m6i.xlarge"], min_size = 14, desired_size = 14 }
    general-2 = { instance_types = ["m6i.large"], min_size = 3, desired_size = 5 }
  }
  queues = ["a", "b"]
}
"""
NODE_GROUPS_MODULE = """
variable "node_groups" {
  type = map(object({
    instance_types = list(string)
    min_size       = number
    desired_size   = number
  }))
}
variable "queues" {
  type = set(string)
}
resource "aws_eks_node_group" "this" {
  for_each        = var.node_groups
  cluster_name    = "c"
  node_group_name = each.key
  instance_types  = each.value.instance_types
  scaling_config {
    min_size     = each.value.min_size
    max_size     = 100
    desired_size = each.value.desired_size
  }
}
resource "aws_kms_key" "per_queue" {
  for_each    = var.queues
  description = "key for ${each.value}"
}
"""


def test_for_each_over_a_map_passed_into_a_module_is_priced_per_entry(tmp_path: Path) -> None:
    (tmp_path / "modules" / "eks").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(NODE_GROUPS_ROOT, encoding="utf-8")
    (tmp_path / "modules" / "eks" / "main.tf").write_text(NODE_GROUPS_MODULE, encoding="utf-8")
    prices = load_catalog().price_catalog
    result = price_terraform(tmp_path, prices, "us-east-1")
    usd = {r.address: sum(line.monthly_usd.value for line in r.lines) for r in result.resources}
    hour = 730
    assert usd['module.eks.aws_eks_node_group.this["general-1"]'] == pytest.approx(
        14 * hour * prices.usd("ec2_m6i_xlarge_hour", "us-east-1")
    )
    assert usd['module.eks.aws_eks_node_group.this["general-2"]'] == pytest.approx(
        5 * hour * prices.usd("ec2_m6i_large_hour", "us-east-1")
    )
    assert set(usd) >= {
        'module.eks.aws_kms_key.per_queue["a"]',
        'module.eks.aws_kms_key.per_queue["b"]',
    }
    assert not [u for u in result.unknown if "node_group" in u]
    # a traffic note is said once per resource block, not once per instance
    assert sum("aws_kms_key.per_queue" in u for u in result.usage_priced) == 1
