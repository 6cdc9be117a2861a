"""The standby's running part in the recovery region (prod's ``standby`` sizing).

Each block is the primary's own block (ALB, WAF, access-log bucket, ECS services, MSK)
pointed at the recovery region's modules and provider, so the two regions cannot drift
apart in shape; the sizes are the engine's (the standby's tasks, its brokers' volumes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from infra_architect.engine import Design, EnvironmentSizing, StandbySizing
from infra_architect.render._hcl import Attr, Blank, Block, Comment, Expr, Item, Value

RECOVERY_SUFFIX = "_recovery"


def retarget(value: Value, swap: Callable[[str], str]) -> Value:
    """``value`` with every expression's text passed through ``swap``."""
    if isinstance(value, Expr):
        return Expr(swap(value.text))
    if isinstance(value, Mapping):
        return {k: retarget(v, swap) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [retarget(v, swap) for v in value]
    return value


def module_swap(modules: Sequence[str], extra: Mapping[str, str]) -> Callable[[str], str]:
    """Text substitution: ``module.<m>.`` → ``module.<m>_recovery.`` for each of
    ``modules``, then the literal pairs in ``extra``."""

    def swap(text: str) -> str:
        for m in sorted(modules, key=len, reverse=True):
            text = text.replace(f"module.{m}.", f"module.{m}{RECOVERY_SUFFIX}.")
            text = text.replace(f"module.{m}[", f"module.{m}{RECOVERY_SUFFIX}[")
        for old, new in extra.items():
            text = text.replace(old, new)
        return text

    return swap


def in_recovery(
    block: Block,
    swap: Callable[[str], str],
    *,
    drop: Sequence[str] = (),
    override: Mapping[str, Value] | None = None,
    note: str = "",
) -> Block:
    """A primary module call moved to the recovery provider: named ``<name>_recovery``,
    its expressions swapped, ``drop`` attributes removed and ``override`` ones replaced."""
    override = override or {}
    head: list[Item] = []
    body: list[Item] = []
    for item in block.body:
        if isinstance(item, Attr) and item.name == "source":
            head.append(item)
            head.append(Attr("providers", {"aws": Expr("aws.recovery")}))
            continue
        if isinstance(item, Comment) and item.text.startswith("checkov:skip"):
            head.append(item)
            continue
        if isinstance(item, Attr):
            if item.name in drop:
                continue
            value = override.get(item.name, item.value)
            body.append(Attr(item.name, retarget(value, swap)))
            continue
        body.append(item)
    # the comment of the primary's sizing is not this block's: say what this one is
    body = [i for i in body if not isinstance(i, Comment)]
    while body and isinstance(body[0], Blank):
        body.pop(0)
    lead: list[Item] = [Comment(note)] if note else []
    return Block("module", (block.labels[0] + RECOVERY_SUFFIX,), (*head, Blank(), *lead, *body))


def standby_ecs_services(
    services: Mapping[str, Value], standby: StandbySizing, env: EnvironmentSizing
) -> dict[str, Value]:
    """The primary's ECS service specs at the standby's tasks: rolling deployments (no
    CodeDeploy or rollback alarms, which live in the primary region), images pulled from
    the recovery region's replica of each repository."""
    tasks = {s.name: s.tasks for s in standby.services}
    out: dict[str, Value] = {}
    for name, spec in services.items():
        if name not in tasks or not isinstance(spec, Mapping):
            continue
        kept: dict[str, Value] = {}
        for key, value in spec.items():
            if key in ("deployment", "canary_percent", "canary_minutes", "rollback_alarm_names"):
                continue
            if key in {"target_group_names", "target_group_arn_suffixes"}:
                value = list(value)[:1] if isinstance(value, Sequence) else value  # noqa: PLW2901
            kept[key] = value
        kept["image"] = Expr(
            f'"${{replace(module.ecr.repository_urls["{name}"], ".${{var.region}}.", '
            f'".${{var.recovery_region}}.")}}:${{var.image_tag}}"'
        )
        kept["min_tasks"] = tasks[name]
        kept["max_tasks"] = env.service(name).max_replicas
        out[name] = kept
    return out


def ecr_replication() -> list[Block]:
    """Every image pushed to the primary registry is copied to the recovery region, so
    the standby's services pull there when the primary region is gone."""
    return [
        Block("data", ("aws_caller_identity", "current")),
        Block(
            "resource",
            ("aws_ecr_replication_configuration", "this"),
            (
                Comment("Images are copied to the recovery region as they are pushed."),
                Block(
                    "replication_configuration",
                    body=(
                        Block(
                            "rule",
                            body=(
                                Block(
                                    "destination",
                                    body=(
                                        Attr("region", Expr("var.recovery_region")),
                                        Attr(
                                            "registry_id",
                                            Expr("data.aws_caller_identity.current.account_id"),
                                        ),
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ]


def standby_outputs(design: Design) -> list[tuple[str, str, str]]:
    """(name, description, value) of the recovery region's load balancer."""
    return [
        (
            "recovery_load_balancer_dns_name",
            (
                "DNS name of the recovery region's load balancer: where the DNS record of the "
                "service points after a failover (the region-outage runbook)."
            ),
            "module.alb_recovery.dns_name",
        )
    ]
