"""Names shared by the renderers (a Terraform module name, an environment key)."""

from __future__ import annotations

import re

from infra_architect.engine._design_model import StorePlan

SEPARATORS = re.compile(r"[^a-z0-9]+")


def snake(name: str) -> str:
    return SEPARATORS.sub("_", name.lower()).strip("_")


def store_module(store: StorePlan) -> str:
    """The Terraform module call of a store, e.g. ``rds_orders_db``."""
    return f"{store.kind}_{snake(store.name)}"
