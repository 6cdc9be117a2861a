"""Terraform (and plans) → services (ECS, Lambda), stores, queues, alarms, region, AZs.

Owned by the i24-tf track; the orchestrator calls `read_terraform` and merges its Findings.
"""

from __future__ import annotations

from pathlib import Path

from infra_architect.importer._findings import Findings
from infra_architect.review import Walk


def read_terraform(root: Path, walked: Walk) -> Findings:
    """What the Terraform under ``root`` (already walked) says runs today."""
    del root, walked
    return Findings()
