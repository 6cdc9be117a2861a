"""The names the design gives Terraform module calls, so it can name the resources that
implement what it claims (compliance evidence); the renderers build exactly these."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the Design model's day-one steps name outputs with snake()
    from infra_architect.engine._design_model import QueuePlan, StorePlan

SEPARATORS = re.compile(r"[^a-z0-9]+")
AUDIT_MODULE = "audit"


def snake(name: str) -> str:
    return SEPARATORS.sub("_", name.lower()).strip("_")


def store_module(store: StorePlan) -> str:
    """The Terraform module call of a store, e.g. ``rds_orders_db``."""
    return f"{store.kind}_{snake(store.name)}"


QUEUE_MODULE_KINDS = {"kafka": "msk", "rabbitmq": "mq"}
"""Broker engines with a module call of their own; SQS, SNS and Kinesis share messaging."""


def queue_module(queue: QueuePlan) -> str:
    """The Terraform module call of a queue, e.g. ``msk_events`` or ``messaging``."""
    kind = QUEUE_MODULE_KINDS.get(queue.engine)
    return "messaging" if kind is None else f"{kind}_{snake(queue.name)}"


KUBERNETES_ROOT = "infra/k8s"
RELEASE_COMPONENT = "release"
"""The overlay's kustomize Component that pins each image: the pipeline commits digests there."""


def release_kustomization(environment: str) -> str:
    """The file the pipeline commits each released digest to (seeded: ``design`` writes
    it once and never again, so a re-run never resets what was deployed)."""
    return f"{KUBERNETES_ROOT}/overlays/{environment}/{RELEASE_COMPONENT}/kustomization.yaml"


def infrastructure_env_path(environment: str) -> str:
    """The values Terraform produced for an environment (seeded, refreshed from
    ``terraform output`` after each apply)."""
    return f"{KUBERNETES_ROOT}/overlays/{environment}/infrastructure.env"


def deploy_owned_paths(environment: str) -> tuple[str, str]:
    """Files of an environment's overlay the deploy owns once written (Terraform's outputs,
    released digests): ``design`` seeds them and never rewrites them, even with --force."""
    return infrastructure_env_path(environment), release_kustomization(environment)
