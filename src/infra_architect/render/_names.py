"""Names shared by the renderers (a Terraform module name, an environment key).

The module names are the design's (:mod:`infra_architect.engine._addresses`): the design
names the resources its compliance claims rest on, and the renderers must build them."""

from __future__ import annotations

from infra_architect.engine import AUDIT_MODULE, SEPARATORS, queue_module, snake, store_module

__all__ = ["AUDIT_MODULE", "SEPARATORS", "queue_module", "snake", "store_module"]
