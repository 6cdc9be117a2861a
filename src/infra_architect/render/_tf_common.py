"""Shared pieces of the Terraform renderers: errors, the module block, tags, and the
questions every part asks of the Design (EKS or ECS, the ALB, brokers, recovered stores)."""

from __future__ import annotations

from types import EllipsisType

from infra_architect.engine import (
    COPIED_RECOVERY,
    MINIMUM_TERRAFORM,
    Design,
    EnvironmentSizing,
    QueuePlan,
    ServicePlan,
    StandbySizing,
    StorePlan,
)
from infra_architect.render._hcl import (
    Attr,
    Blank,
    Block,
    Comment,
    Expr,
    Item,
    Value,
)
from infra_architect.render._names import (
    queue_module,
)

TERRAFORM_VERSION = f">= {MINIMUM_TERRAFORM}"


AWS_PROVIDER_VERSION = ">= 5.100.0, < 7.0.0"


MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")


ROOT = "infra/terraform"


_SCALING_METRIC = {
    "cpu-utilisation": "cpu",
    "alb-requests-per-target": "requests",
    "queue-backlog-per-replica": "queue",
    "service-connect-requests-per-task": "service-connect-requests",
}


# checkov suppressions on one module call: (check id, the reason a reviewer reads).
Skips = tuple[tuple[str, str], ...]


def search_domain_name(store: str) -> str:
    """The HCL expression naming a search domain (OpenSearch allows 28 characters)."""
    return f'substr("${{local.name}}-{store}", 0, 28)'


def _is_broker(queue: QueuePlan) -> bool:
    """Kafka and RabbitMQ run in a module call of their own; the rest share messaging."""
    return queue_module(queue) != "messaging"


def _messaging_queues(design: Design) -> list[QueuePlan]:
    return [q for q in design.data.queues if not _is_broker(q)]


def _copied(env: EnvironmentSizing, store: StorePlan) -> bool:
    """Whether this environment copies the store's data to the recovery region."""
    return env.cross_region_recovery and store.recovery in COPIED_RECOVERY


def recovered_stores(design: Design, env: EnvironmentSizing) -> list[StorePlan]:
    """The stores whose data this environment copies to the recovery region."""
    return [s for s in design.data.stores if _copied(env, s)]


def _is_eks(design: Design) -> bool:
    return design.compute.platform.kubernetes


def _alb_in_terraform(design: Design) -> bool:
    """ECS services sit behind an ALB Terraform owns; on EKS the AWS Load Balancer
    Controller creates it from the Ingress."""
    return not _is_eks(design) and design.network.load_balancer == "alb"


def _fronted_services(design: Design) -> list[ServicePlan]:
    """The services the load balancer forwards to (the design's alb → service flows)."""
    fronted = {f.target for f in design.network.flows if f.source == design.network.load_balancer}
    return [s for s in design.compute.services if s.name in fronted and s.port is not None]


def _variable(
    name: str, description: str, type_: str, default: Value | EllipsisType = ...
) -> Block:
    body: list[Item] = [Attr("description", description), Attr("type", Expr(type_))]
    if not isinstance(default, EllipsisType):
        body.append(Attr("default", default))
    return Block("variable", (name,), tuple(body))


def _output(name: str, description: str, value: str) -> Block:
    return Block("output", (name,), (Attr("description", description), Attr("value", Expr(value))))


def _module(
    name: str,
    source: str,
    body: list[Item],
    *,
    skips: Skips = (),
    provider: str | None = None,
) -> Block:
    """A module call; ``skips`` are checkov suppressions (check id, the reviewer's reason)
    that checkov applies to every resource of this one call, ``provider`` an aliased
    provider (the recovery region)."""
    head: list[Item] = [Comment(f"checkov:skip={check}:{reason}") for check, reason in skips]
    head.append(Attr("source", f"../../modules/{source}"))
    if provider is not None:
        head.append(Attr("providers", {"aws": Expr(f"aws.{provider}")}))
    return Block("module", (name,), (*head, Blank(), *body))


def _standby(design: Design, env: EnvironmentSizing) -> StandbySizing | None:
    """What prod's standby runs in the recovery region (ECS designs; None: data only)."""
    return None if _is_eks(design) else env.standby


def certificate_arn(design: Design) -> str:
    """The HTTPS listener's certificate: the one Terraform issues for the spec's domain
    (module dns), else the certificate_arn input."""
    return "module.dns.certificate_arn" if design.dns.domains else "var.certificate_arn"


def _tags() -> Attr:
    return Attr("tags", Expr("local.tags"))
