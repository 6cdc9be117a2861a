"""Terraform of security: the KMS key and the services' roles and permissions, the image
registry, the audit trail, and the recovery region's key."""

from __future__ import annotations

from infra_architect.engine import Design, EnvironmentSizing, Permission
from infra_architect.errors import UnbuildableDesignError
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
    AUDIT_MODULE,
    SEPARATORS,
    queue_module,
    store_module,
)
from infra_architect.render._standby_terraform import (
    module_swap,
    retarget,
)
from infra_architect.render._tf_common import _is_eks, _module, _tags, search_domain_name


def _security(design: Design, env: EnvironmentSizing) -> Block:
    roles: dict[str, Value] = {}
    for identity in design.security.identities:
        statements = [
            {
                "sid": f"{_sid(p.kind)}{_sid(p.target)}",
                "actions": sorted(p.actions),
                "resources": _with_standby_copies(
                    design, _permission_resources(design, p, identity.service, env), env
                ),
            }
            for p in identity.permissions
        ]
        role: dict[str, Value] = {}
        if _is_eks(design):
            role["namespace"] = env.namespace
            role["service_account"] = identity.service
        role["kms_decrypt"] = bool(identity.permissions)
        role["statements"] = statements
        roles[identity.service] = role
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("workload_platform", "eks" if _is_eks(design) else "ecs"),
    ]
    if _is_eks(design):
        body += [
            Attr("oidc_provider_arn", Expr("module.eks.oidc_provider_arn")),
            Attr("oidc_provider_url", Expr("module.eks.oidc_provider_url")),
        ]
    body += [
        Attr("kms_deletion_window_days", env.recovery_window_days),
        Blank(),
        Attr("service_roles", roles),
        Blank(),
        _tags(),
    ]
    return _module("security", "security", body)


def _with_standby_copies(
    design: Design, resources: list[Value], env: EnvironmentSizing
) -> list[Value]:
    """``resources`` and their recovery-region copies the standby's services use: the
    standby tasks run under the primary's task roles (IAM is global), so after a failover
    the same statement must reach the standby MSK cluster, its topic and groups."""
    standby = env.standby
    if standby is None or not standby.brokers:
        return resources
    swap = module_swap(
        [queue_module(q) for q in design.data.queues if q.name in standby.brokers], {}
    )
    copies = [retarget(r, swap) for r in resources]
    return resources + [c for c in copies if c not in resources]


def _sid(text: str) -> str:
    return "".join(part.capitalize() for part in SEPARATORS.split(text.lower()) if part)


def _permission_resources(
    design: Design,
    permission: Permission,
    service: str | None = None,
    env: EnvironmentSizing | None = None,
) -> list[Value]:
    """The ARNs a permission names: exactly its store, queue, topic, stream, cluster (with
    the topic and the service's consumer group) or secret."""
    kind = permission.kind
    if kind in ("queue", "topic", "stream"):
        output = {"queue": "queue_arns", "topic": "topic_arns", "stream": "stream_arns"}[kind]
        return [Expr(f'module.messaging.{output}["{permission.target}"]')]
    if kind in ("kafka-cluster", "broker-secret"):
        queue = next(q for q in design.data.queues if q.name == permission.target)
        broker = f"module.{queue_module(queue)}"
        if kind == "broker-secret":
            return [Expr(f"{broker}.secret_arn")]
        arns: list[Value] = [Expr(f"{broker}.cluster_arn"), Expr(f"{broker}.topic_arn")]
        if service is not None and service in queue.consumers:
            arns.append(Expr(f'{broker}.group_arns["{service}"]'))
        return arns
    module = store_module(design.data.store(permission.target))
    if kind == "database-secret":
        return [Expr(f"module.{module}.master_user_secret_arn")]
    if kind == "cache-iam":
        cluster = (
            "cluster_arn"
            if design.data.store(permission.target).kind == "memorydb"
            else "replication_group_arn"
        )
        return [Expr(f"module.{module}.{cluster}"), Expr(f"module.{module}.user_arn")]
    if kind == "bucket":
        return [Expr(f'"${{module.{module}.bucket_arn}}/*"')]
    if kind == "table":
        return [Expr(f"module.{module}.table_arn")]
    if kind == "search-domain" and env is not None:
        # built from its name, not read from the domain: the domain's access policy admits
        # this role, so the role must not wait for the domain (a cycle)
        partition = design.accounts.bootstrap(env.name).partition
        domain = search_domain_name(permission.target)
        return [
            Expr(f'"arn:{partition}:es:{design.region}:{env.account_id}:domain/${{{domain}}}/*"')
        ]
    if kind == "search-domain":
        return [Expr(f'"${{module.{module}.domain_arn}}/*"')]
    msg = f"no Terraform resource for permission kind {kind}"
    raise UnbuildableDesignError(msg)


def _ecr(design: Design) -> Block:
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("repositories", [s.name for s in design.compute.services]),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Blank(),
        _tags(),
    ]
    return _module("ecr", "ecr", body)


def _audit(design: Design, env: EnvironmentSizing) -> Block:
    audit = design.security.audit
    if audit is None:
        msg = "an audit module without an audit plan"
        raise UnbuildableDesignError(msg)
    body: list[Item] = [
        Comment("Account-level: GuardDuty, Security Hub and AWS Config allow one per account and"),
        Comment("region. Where your organisation already runs one centrally (Control Tower, a"),
        Comment("delegated administrator), set its enable_* to false: the control then rests on"),
        Comment("the organisation's setup, not on this file."),
        Attr("name", Expr("local.name")),
        Attr("retention_days", audit.retention_days),
        Attr("object_lock_mode", audit.object_lock_mode[env.name]),
        Blank(),
        Attr("enable_cloudtrail", audit.trail),
        Attr("enable_guardduty", audit.guardduty),
        Attr("enable_securityhub", bool(audit.security_hub_standards)),
        Attr("securityhub_standards", dict(audit.security_hub_standards)),
        Attr("enable_config", audit.config_recorder),
        Blank(),
        Attr("access_log_bucket", Expr("module.s3_logs.bucket_id")),
        Attr("force_destroy", not env.deletion_protection),
        Attr("kms_deletion_window_days", env.recovery_window_days),
        Blank(),
        _tags(),
    ]
    return _module(AUDIT_MODULE, AUDIT_MODULE, body)


def _security_recovery(env: EnvironmentSizing) -> Block:
    body: list[Item] = [
        Comment("The recovery region's key: replicas and copied backups are encrypted there."),
        Attr("name", Expr('"${local.name}-recovery"')),
        Attr("workload_platform", "ecs"),
        Attr("kms_deletion_window_days", env.recovery_window_days),
        Attr("service_roles", {}),
        Blank(),
        _tags(),
    ]
    return _module("security_recovery", "security", body, provider="recovery")
