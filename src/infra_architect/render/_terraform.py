"""Render a Design into Terraform: local modules plus a staging and a prod root.

The modules are fixed, reviewed HCL shipped with the package (terraform-aws-modules
style); the environment roots are built as data from the Design and printed by
:mod:`infra_architect.render._hcl`, so every size in them is the design's figure.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from types import EllipsisType

from infra_architect.catalog import Buildable, load_catalog
from infra_architect.catalog._streaming import BuildableTable
from infra_architect.engine import Design
from infra_architect.engine._design_model import (
    CauseAlarm,
    EnvironmentSizing,
    Permission,
    QueuePlan,
    ServicePlan,
    StandbySizing,
    StorePlan,
    StoreSize,
)
from infra_architect.engine.choose._compliance import COPIED_RECOVERY
from infra_architect.errors import InfraArchitectError
from infra_architect.render._bindings import (
    infrastructure_bindings,
    queue_bindings,
    store_bindings,
)
from infra_architect.render._hcl import (
    Attr,
    Blank,
    Block,
    Comment,
    Expr,
    Item,
    Value,
    blocks,
    render_hcl,
)
from infra_architect.render._names import (
    AUDIT_MODULE,
    SEPARATORS,
    queue_module,
    snake,
    store_module,
)
from infra_architect.render._standby_terraform import (
    broker_volume,
    ecr_replication,
    in_recovery,
    module_swap,
    retarget,
    standby_ecs_services,
    standby_outputs,
)

TERRAFORM_VERSION = ">= 1.6.0"
AWS_PROVIDER_VERSION = ">= 5.70.0, < 7.0.0"
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
ROOT = "infra/terraform"
# CloudWatch alarms evaluate at most one day per datapoint.
MAX_ALARM_PERIOD_SECONDS = 86_400
_WINDOW = re.compile(r"^(\d+)([mhd])$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86_400}
_SCALING_METRIC = {
    "cpu-utilisation": "cpu",
    "alb-requests-per-target": "requests",
    "queue-backlog-per-replica": "queue",
    "service-connect-requests-per-task": "service-connect-requests",
}
# checkov suppressions on one module call: (check id, the reason a reviewer reads).
Skips = tuple[tuple[str, str], ...]


class UnsupportedDesignError(InfraArchitectError):
    """The design uses a component the Terraform renderer cannot build yet."""

    def __init__(self, what: list[str]) -> None:
        self.what = what
        super().__init__(
            "no Terraform module yet for: " + "; ".join(what) + ". Pin another choice in the "
            "spec's decisions (or queue engine) to generate Terraform for this design."
        )


class UnbuildableDesignError(AssertionError):
    """The engine chose a component catalog/data/buildable.yaml says no module builds, or
    buildable.yaml names a module the renderer does not ship: a bug, never bad input (the
    engine refuses such pins and never chooses such components)."""


def render_terraform(design: Design) -> dict[str, str]:
    """``infra/terraform/...`` relative path → file text, for every module used and both
    environments."""
    buildable = load_catalog().buildable
    _check_buildable(design, buildable)
    files: dict[str, str] = {}
    for module in sorted(modules_used(design, buildable)):
        for name in MODULE_FILES:
            files[f"{ROOT}/modules/{module}/{name}"] = _module_file(module, name)
    for env in design.environments:
        base = f"{ROOT}/environments/{env.name}"
        files[f"{base}/main.tf"] = render_hcl(_main(design, env))
        files[f"{base}/variables.tf"] = render_hcl(_variables(design, env))
        files[f"{base}/outputs.tf"] = render_hcl(_outputs(design, env))
        files[f"{base}/versions.tf"] = render_hcl(_versions())
        files[f"{base}/backend.tf"] = render_hcl(_backend(design, env))
    return files


def components(design: Design) -> list[tuple[str, BuildableTable, str]]:
    """(what, table of buildable.yaml, key) for every component the design chose."""
    out: list[tuple[str, BuildableTable, str]] = [("compute", "compute", design.compute.platform)]
    out += [(f"store {s.name}", "stores", s.kind) for s in design.data.stores]
    out += [(f"queue {q.name}", "queues", q.engine) for q in design.data.queues]
    return out


def _check_buildable(design: Design, buildable: Buildable) -> None:
    """Every component has its module in buildable.yaml, and that module ships here."""
    shipped = {m.name for m in _modules_root().iterdir() if m.is_dir()}
    missing: list[str] = []
    for what, table, key in components(design):
        module = buildable.module(table, key)
        if module is None or module not in shipped:
            missing.append(f"{what} ({table}: {key} → {module})")
    if missing:
        msg = "the design chose components no shipped module builds: " + "; ".join(missing)
        raise UnbuildableDesignError(msg)


def _modules_root() -> Traversable:
    return resources.files("infra_architect.render").joinpath("terraform", "modules")


def _module_file(module: str, name: str) -> str:
    return _modules_root().joinpath(module, name).read_text(encoding="utf-8")


def modules_used(design: Design, buildable: Buildable) -> set[str]:
    """The modules the environments call: the shared infrastructure, and the module
    buildable.yaml names for each component the design chose."""
    used = {"vpc", "security", "observability", "ecr", "s3"}
    for _, table, key in components(design):
        module = buildable.module(table, key)
        if module is not None:
            used.add(module)
    if design.network.waf:
        used.add("waf")
    if _alb_in_terraform(design):
        used.add("alb")
    if design.security.audit is not None:
        used.add(AUDIT_MODULE)
    return used


# --- naming -----------------------------------------------------------------------------


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
    return design.compute.platform.startswith("eks")


def _alb_in_terraform(design: Design) -> bool:
    """ECS services sit behind an ALB Terraform owns; on EKS the AWS Load Balancer
    Controller creates it from the Ingress."""
    return not _is_eks(design) and design.network.load_balancer == "alb"


def _fronted_services(design: Design) -> list[ServicePlan]:
    """The services the load balancer forwards to (the design's alb → service flows)."""
    fronted = {f.target for f in design.network.flows if f.source == design.network.load_balancer}
    return [s for s in design.compute.services if s.name in fronted and s.port is not None]


def _window_seconds(window: str) -> int:
    match = _WINDOW.match(window)
    if match is None:
        msg = f"unrecognised alert window {window!r}"
        raise ValueError(msg)
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


# --- root files -------------------------------------------------------------------------


def _versions() -> list[Item]:
    return [
        Block(
            "terraform",
            body=(
                Attr("required_version", TERRAFORM_VERSION),
                Blank(),
                Block(
                    "required_providers",
                    body=(
                        Attr(
                            "aws",
                            {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION},
                        ),
                    ),
                ),
            ),
        )
    ]


def _backend(design: Design, env: EnvironmentSizing) -> list[Item]:
    return [
        Comment("State in S3 with a DynamoDB lock; create both once, before the first init."),
        Block(
            "terraform",
            body=(
                Block(
                    "backend",
                    ("s3",),
                    (
                        Attr("bucket", f"{design.name}-terraform-state"),
                        Attr("key", f"{env.name}/terraform.tfstate"),
                        Attr("region", design.region),
                        Attr("dynamodb_table", f"{design.name}-terraform-locks"),
                        Attr("encrypt", value=True),
                    ),
                ),
            ),
        ),
    ]


def _variable(
    name: str, description: str, type_: str, default: Value | EllipsisType = ...
) -> Block:
    body: list[Item] = [Attr("description", description), Attr("type", Expr(type_))]
    if not isinstance(default, EllipsisType):
        body.append(Attr("default", default))
    return Block("variable", (name,), tuple(body))


def _variables(design: Design, env: EnvironmentSizing) -> list[Item]:
    parts = [
        _variable("region", "AWS region of this environment.", "string", design.region),
    ]
    if recovered_stores(design, env) or _standby(design, env) is not None:
        parts.append(
            _variable(
                "recovery_region",
                "Region holding the copies that survive the loss of this one.",
                "string",
                design.data.recovery_region,
            )
        )
    parts += [
        _variable(
            "image_tag",
            "Immutable image tag deployed on first apply; the pipeline deploys later ones.",
            "string",
        ),
        _variable(
            "alert_emails",
            "Addresses subscribed to the alert topic.",
            "list(string)",
            [],
        ),
    ]
    if design.network.load_balancer == "alb":
        parts.append(
            _variable(
                "certificate_arn",
                "ACM certificate of the HTTPS listener.",
                "string",
            )
        )
    standby = _standby(design, env)
    if standby is not None and standby.load_balancer:
        parts.append(
            _variable(
                "recovery_certificate_arn",
                "ACM certificate of the recovery region's HTTPS listener (ACM certificates "
                "are regional: the same names, issued in the recovery region).",
                "string",
            )
        )
    if _is_eks(design):
        parts.append(
            _variable(
                "cluster_endpoint_public_cidrs",
                "CIDRs allowed to reach the Kubernetes API publicly "
                "(empty: private endpoint only).",
                "list(string)",
                [],
            )
        )
    return blocks(*parts)


def _output(name: str, description: str, value: str) -> Block:
    return Block("output", (name,), (Attr("description", description), Attr("value", Expr(value))))


def _infrastructure_env(design: Design) -> str:
    lines = ", ".join(f'"{b.key}=${{{b.expression}}}"' for b in infrastructure_bindings(design))
    return f'join("\\n", [{lines}, ""])'


def _outputs(design: Design, env: EnvironmentSizing) -> list[Item]:
    parts = [
        _output("vpc_id", "ID of the VPC.", "module.vpc.vpc_id"),
        _output(
            "kms_key_arn", "Customer-managed key for data at rest.", "module.security.kms_key_arn"
        ),
        _output(
            "service_role_arns",
            "Workload role per service (IRSA annotations, ECS task roles).",
            "module.security.service_role_arns",
        ),
        _output(
            "alert_topic_arn", "Topic every alarm notifies.", "module.observability.alert_topic_arn"
        ),
        _output("image_repositories", "ECR repository per service.", "module.ecr.repository_urls"),
    ]
    if _is_eks(design):
        parts += [
            _output("cluster_name", "Name of the EKS cluster.", "module.eks.cluster_name"),
            _output("cluster_endpoint", "API server endpoint.", "module.eks.cluster_endpoint"),
            _output(
                "oidc_provider_arn", "IAM OIDC provider for IRSA.", "module.eks.oidc_provider_arn"
            ),
            _output(
                "kubernetes_infrastructure_env",
                "What the Kubernetes overlay reads (infra/k8s/overlays/<env>/infrastructure.env).",
                _infrastructure_env(design),
            ),
        ]
    else:
        parts.append(_output("cluster_name", "Name of the ECS cluster.", "module.ecs.cluster_name"))
    if design.network.waf:
        parts.append(
            _output("waf_acl_arn", "WAF web ACL in front of the public entry.", "module.waf.arn")
        )
    if _alb_in_terraform(design):
        parts.append(
            _output("load_balancer_dns_name", "DNS name of the ALB.", "module.alb.dns_name")
        )
        standby = _standby(design, env)
        if standby is not None and standby.load_balancer:
            parts += [_output(*o) for o in standby_outputs(design)]
    else:
        parts.append(
            _output(
                "access_log_bucket",
                "Bucket for load balancer access logs.",
                "module.s3_logs.bucket_id",
            )
        )
    for store in design.data.stores:
        module = store_module(store)
        value = {
            "rds": "endpoint",
            "aurora": "endpoint",
            "elasticache": "primary_endpoint",
            "memorydb": "endpoint",
            "opensearch": "endpoint",
            "s3": "bucket_id",
            "dynamodb": "table_name",
        }[store.kind]
        parts.append(
            _output(
                f"{snake(store.name)}_{value}",
                f"{store.name}: {value}.",
                f"module.{module}.{value}",
            )
        )
    for queue in design.data.queues:
        if not _is_broker(queue):
            continue
        value = "bootstrap_brokers" if queue.engine == "kafka" else "endpoint"
        module = queue_module(queue)
        parts.append(
            _output(
                f"{snake(queue.name)}_{value}",
                f"{queue.name}: {value}.",
                f"module.{module}.{value}",
            )
        )
    for store in recovered_stores(design, env):
        if store.recovery in ("read-replica", "global-database"):
            parts.append(
                _output(
                    f"{snake(store.name)}_recovery_endpoint",
                    f"{store.name}: the cross-region "
                    + ("secondary cluster" if store.kind == "aurora" else "replica")
                    + " the DR runbook promotes.",
                    f"module.{store_module(store)}_recovery.endpoint",
                )
            )
        elif store.recovery == "bucket-replication":
            parts.append(
                _output(
                    f"{snake(store.name)}_recovery_bucket_id",
                    f"{store.name}: the replica bucket in the recovery region.",
                    f"module.{store_module(store)}_recovery.bucket_id",
                )
            )
    return blocks(*parts)


# --- main.tf ----------------------------------------------------------------------------


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


def _main(design: Design, env: EnvironmentSizing) -> list[Item]:
    recovery = recovered_stores(design, env)
    standby = _standby(design, env)
    parts: list[Block] = [Block("provider", ("aws",), (Attr("region", Expr("var.region")),))]
    if recovery or standby is not None:
        parts.append(
            Block(
                "provider",
                ("aws",),
                (Attr("alias", "recovery"), Attr("region", Expr("var.recovery_region"))),
            )
        )
    parts += [
        Block(
            "locals",
            body=(
                Attr("name", f"{design.name}-{env.name}"),
                Attr(
                    "tags",
                    {
                        "Project": design.name,
                        "Environment": env.name,
                        "ManagedBy": "infra-architect",
                    },
                ),
            ),
        ),
        Block("data", ("aws_elb_service_account", "this")),
        _security(design, env),
        _vpc(design, env),
        _logs_bucket(design, env),
        _ecr(design),
    ]
    if design.security.audit is not None:
        parts.append(_audit(design, env))
    if design.network.waf:
        parts.append(_waf(design))
    if _is_eks(design):
        parts.append(_eks(design, env))
    else:
        if _alb_in_terraform(design):
            parts.append(_alb(design, env))
        parts.append(_ecs(design, env))
    parts += [_store(design, env, store) for store in design.data.stores]
    if recovery or standby is not None:
        parts.append(_security_recovery(env))
        if standby is not None or any(
            s.recovery in ("read-replica", "global-database") for s in recovery
        ):
            parts.append(_vpc_recovery(design, env, standby))
        for store in recovery:
            parts.append(_store_recovery(design, env, store))
    if _messaging_queues(design):
        parts.append(_messaging(design, env))
    parts += [_broker(design, env, q) for q in design.data.queues if _is_broker(q)]
    if standby is not None:
        parts += _standby_blocks(design, env, standby)
    parts.append(_observability(design, env))
    header: list[Item] = [
        Comment(f"{design.name} {env.name}: {env.why}."),
        Comment("Generated by infra-architect from design.json; sizes are the design's figures."),
    ]
    return header + blocks(*parts)


def _tags() -> Attr:
    return Attr("tags", Expr("local.tags"))


def _security(design: Design, env: EnvironmentSizing) -> Block:
    roles: dict[str, Value] = {}
    for identity in design.security.identities:
        statements = [
            {
                "sid": f"{_sid(p.kind)}{_sid(p.target)}",
                "actions": sorted(p.actions),
                "resources": _with_standby_copies(
                    design, _permission_resources(design, p, identity.service), env
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
    design: Design, permission: Permission, service: str | None = None
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
    if kind == "search-domain":
        return [Expr(f'"${{module.{module}.domain_arn}}/*"')]
    msg = f"no Terraform resource for permission kind {kind}"
    raise UnsupportedDesignError([msg])


def _vpc(design: Design, env: EnvironmentSizing) -> Block:
    # The environment's first AZs (staging spans fewer than prod): subnets keep their CIDRs.
    azs = sorted({s.availability_zone for s in design.network.subnets})[: env.availability_zones]
    subnets = [s for s in design.network.subnets if s.availability_zone in azs]

    def tier(name: str) -> list[str]:
        return [
            s.cidr for s in sorted(subnets, key=lambda s: s.availability_zone) if s.tier == name
        ]

    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("cidr", design.network.vpc_cidr),
        Attr("azs", azs),
        Attr("public_subnets", tier("public")),
        Attr("private_subnets", tier("private")),
        Attr("data_subnets", tier("data")),
        Blank(),
        Attr("enable_nat_gateway", value=True),
        Attr("single_nat_gateway", env.nat_gateways == 1),
        Attr("gateway_endpoints", list(design.network.gateway_endpoints)),
        Attr("interface_endpoints", list(design.network.interface_endpoints)),
        Blank(),
        Attr("enable_flow_log", value=True),
        Attr("flow_log_retention_days", design.observability.log_retention_days),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
    ]
    if _is_eks(design):
        body += [
            Blank(),
            Attr("public_subnet_tags", {"kubernetes.io/role/elb": "1"}),
            Attr("private_subnet_tags", {"kubernetes.io/role/internal-elb": "1"}),
        ]
    body += [Blank(), _tags()]
    return _module("vpc", "vpc", body)


def _logs_bucket(design: Design, env: EnvironmentSizing) -> Block:
    body: list[Item] = [
        Comment("Access logs of the load balancer and the buckets. ELB log delivery writes only"),
        Comment("to SSE-S3 buckets, so this one bucket is not under the KMS key."),
        Attr("bucket", Expr('"${local.name}-access-logs"')),
        Attr("kms_key_arn", None),
        Attr("expiration_days", design.observability.log_retention_days),
        Attr("noncurrent_version_expiration_days", 30),
        Attr("log_delivery_services", ["logging.s3.amazonaws.com"]),
        Attr("log_delivery_accounts", [Expr("data.aws_elb_service_account.this.arn")]),
        Attr("enable_access_logging", value=False),
        Attr("force_destroy", not env.deletion_protection),
        Blank(),
        _tags(),
    ]
    skips = (
        (
            "CKV_AWS_18",
            (
                "This is the access-log bucket of the environment; logging its own access into "
                "itself would loop."
            ),
        ),
        (
            "CKV_AWS_144",
            (
                "Access logs are operational telemetry kept "
                f"{design.observability.log_retention_days} days in this region; restoring "
                "service in the recovery region does not need them."
            ),
        ),
    )
    return _module("s3_logs", "s3", body, skips=skips)


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
        raise UnsupportedDesignError([msg])
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


def _waf(design: Design) -> Block:
    if design.network.waf_rate_limit is None:
        msg = "a WAF without a rate limit in the design"
        raise UnsupportedDesignError([msg])
    limit = design.network.waf_rate_limit.whole
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("rate_limit_per_5_minutes", limit),
        Attr("log_retention_days", design.observability.log_retention_days),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Blank(),
        _tags(),
    ]
    return _module("waf", "waf", body)


def _eks(design: Design, env: EnvironmentSizing) -> Block:
    pool = design.compute.node_pool
    if pool is None or env.node_min is None or env.node_max is None:
        msg = "an EKS design without a node pool"
        raise UnsupportedDesignError([msg])
    body: list[Item] = [
        Attr("cluster_name", Expr("local.name")),
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("subnet_ids", Expr("module.vpc.private_subnet_ids")),
        Attr("endpoint_public_access", Expr("length(var.cluster_endpoint_public_cidrs) > 0")),
        Attr("public_access_cidrs", Expr("var.cluster_endpoint_public_cidrs")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Attr("log_retention_days", design.observability.log_retention_days),
        Blank(),
        Comment(f"{pool.scaler} scales nodes between min and max; min covers one AZ lost."),
        Attr(
            "node_groups",
            {
                "general": {
                    "instance_types": [env.node_type or pool.instance_type],
                    "capacity_type": "ON_DEMAND",
                    "min_size": env.node_min,
                    "max_size": env.node_max,
                    "desired_size": env.node_min,
                }
            },
        ),
        Blank(),
        _tags(),
    ]
    return _module("eks", "eks", body)


def _alb(design: Design, env: EnvironmentSizing) -> Block:
    public = _fronted_services(design)
    health = design.network.health_check
    if not public or health is None:
        msg = "an ALB that fronts no service"
        raise UnsupportedDesignError([msg])
    internet = design.network.load_balancer_scheme == "internet-facing"
    default = next((s for s in public if s.type.value == "web"), public[0])
    targets: dict[str, Value] = {}
    priority = 10
    for service in public:
        target: dict[str, Value] = {"port": service.port}
        if service.name != default.name:
            target["priority"] = priority
            target["path_patterns"] = [f"/{service.name}", f"/{service.name}/*"]
            priority += 10
        target.update(
            {
                "health_check_path": service.health_check_path or health.path,
                "interval_seconds": health.interval_seconds,
                "timeout_seconds": health.timeout_seconds,
                "healthy_threshold": health.healthy_threshold,
                "unhealthy_threshold": health.unhealthy_threshold,
                "blue_green": design.delivery.release(service.name).codedeploy_ecs,
            }
        )
        grpc = design.network.grpc
        if grpc is not None and service.name in grpc.edge:
            # Per-call balancing of HTTP/2; the health method answers a gRPC status.
            target["protocol_version"] = "GRPC"
            target["matcher"] = grpc.success_codes
        targets[service.name] = target
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("internal", not internet),
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr(
            "subnet_ids",
            Expr("module.vpc.public_subnet_ids" if internet else "module.vpc.private_subnet_ids"),
        ),
        Attr("ingress_cidrs", ["0.0.0.0/0"] if internet else [design.network.vpc_cidr]),
        Attr("certificate_arn", Expr("var.certificate_arn")),
        Attr("target_protocol", "HTTPS" if design.security.tls_to_services else "HTTP"),
        Attr("enable_deletion_protection", env.deletion_protection),
        Attr("access_log_bucket", Expr("module.s3_logs.bucket_id")),
        Attr("enable_waf", design.network.waf),
        Attr("waf_acl_arn", Expr("module.waf.arn") if design.network.waf else None),
        Blank(),
        Attr("default_target", default.name),
        Attr("targets", targets),
        Blank(),
        _tags(),
    ]
    return _module("alb", "alb", body)


def _egress_ports(design: Design, service: ServicePlan) -> list[int]:
    ports = {f.port for f in design.network.flows if f.source == service.name and f.port != 443}
    return sorted(ports)


def _callers(design: Design, service: ServicePlan) -> list[str]:
    return sorted(s.name for s in design.compute.services if service.name in s.calls)


def _secrets(design: Design, service: ServicePlan) -> dict[str, Value]:
    secrets: dict[str, Value] = {}
    identity = next(i for i in design.security.identities if i.service == service.name)
    for permission in identity.permissions:
        if permission.kind in ("database-secret", "broker-secret"):
            env_name = snake(permission.target).upper() + "_CREDENTIALS"
            secrets[env_name] = _permission_resources(design, permission)[0]
    return secrets


def _environment(design: Design, service: ServicePlan) -> dict[str, Value]:
    """Where each store and queue the service uses is, and as whom it connects: the
    values the Kubernetes pods read from infrastructure.env."""
    bindings = [b for s in design.data.stores if s.name in service.uses for b in store_bindings(s)]
    bindings += [b for q in design.data.queues if q.name in service.uses for b in queue_bindings(q)]
    return {b.key: Expr(b.expression) for b in bindings if not b.secret_arn}


def _ecs_service(
    design: Design, env: EnvironmentSizing, service: ServicePlan, *, behind_alb: bool
) -> dict[str, Value]:
    size = env.service(service.name)
    spec: dict[str, Value] = {
        "image": Expr(f'"${{module.ecr.repository_urls["{service.name}"]}}:${{var.image_tag}}"'),
        "cpu": size.cpu_units,
        "memory": size.memory_mb,
    }
    if service.port is not None:
        spec["port"] = service.port
        spec["health_check_path"] = service.health_check_path or "/healthz"
        grpc = design.network.grpc
        if grpc is not None and service.name in grpc.services:
            spec["app_protocol"] = grpc.app_protocol
    spec["min_tasks"] = size.min_replicas
    spec["max_tasks"] = size.max_replicas
    spec["task_role_arn"] = Expr(f'module.security.service_role_arns["{service.name}"]')
    callers = _callers(design, service)
    if callers and service.port is not None:
        spec["callers"] = callers
    egress = _egress_ports(design, service)
    if egress:
        spec["egress_ports"] = egress
    environment = _environment(design, service)
    if environment:
        spec["environment"] = environment
    secrets = _secrets(design, service)
    if secrets:
        spec["secrets"] = secrets
    if service.schedule:
        spec["schedule"] = service.eventbridge_schedule
        return spec
    scaling = service.autoscaling
    if scaling is not None:
        metric = _SCALING_METRIC[scaling.metric]
        spec["scaling_metric"] = metric
        spec["scaling_target"] = scaling.target
        spec["scale_in_cooldown"] = scaling.scale_in_stabilisation_seconds
        if metric == "queue":
            queue = next(q for q in design.data.queues if q.name in service.uses)
            spec["scaling_queue_name"] = Expr(f'module.messaging.queue_names["{queue.name}"]')
    codedeploy = design.delivery.release(service.name).codedeploy_ecs
    if behind_alb:
        spec["load_balanced"] = True
        spec["target_group_arn"] = Expr(f'module.alb.target_group_arns["{service.name}-blue"]')
        colours = ["blue", "green"] if codedeploy else ["blue"]
        spec["target_group_names"] = [
            Expr(f'module.alb.target_group_names["{service.name}-{c}"]') for c in colours
        ]
        spec["target_group_arn_suffixes"] = [
            Expr(f'module.alb.target_group_arn_suffixes["{service.name}-{c}"]') for c in colours
        ]
    if codedeploy:
        if not behind_alb:
            msg = f"CodeDeploy for {service.name}, which no ALB in Terraform fronts"
            raise UnsupportedDesignError([msg])
        spec["deployment"] = "codedeploy"
        spec["canary_percent"] = design.delivery.codedeploy_canary_percent
        spec["canary_minutes"] = design.delivery.codedeploy_canary_minutes
    spec["rollback_alarm_names"] = Expr("module.observability.deployment_alarm_names")
    return spec


def _ecs(design: Design, env: EnvironmentSizing) -> Block:
    alb = _alb_in_terraform(design)
    fronted = {s.name for s in _fronted_services(design)} if alb else set()
    services = {
        s.name: _ecs_service(design, env, s, behind_alb=s.name in fronted)
        for s in design.compute.services
    }
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("vpc_cidr", Expr("module.vpc.vpc_cidr")),
        Attr("subnet_ids", Expr("module.vpc.private_subnet_ids")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Attr("log_group_prefix", f"/{design.name}/{env.name}"),
        Attr("log_retention_days", design.observability.log_retention_days),
        Attr("alarm_topic_arn", Expr("module.observability.alert_topic_arn")),
    ]
    if alb:
        body += [
            Attr("load_balancer_security_group_id", Expr("module.alb.security_group_id")),
            Attr("load_balancer_arn_suffix", Expr("module.alb.arn_suffix")),
            Attr("https_listener_arn", Expr("module.alb.https_listener_arn")),
        ]
    body += [Blank(), Attr("services", services), Blank(), _tags()]
    return _module("ecs", "ecs", body)


def _clients(design: Design, store: str) -> dict[str, Value]:
    """Client name → security group of the services using a store or broker; the names are
    static so the rules plan before the groups exist."""
    if _is_eks(design):
        return {"eks-nodes": Expr("module.eks.cluster_security_group_id")}
    users = sorted(s.name for s in design.compute.services if store in s.uses)
    return {u: Expr(f'module.ecs.security_group_ids["{u}"]') for u in users}


def _store(design: Design, env: EnvironmentSizing, store: StorePlan) -> Block:
    size = env.store(store.name)
    ident = Expr(f'"${{local.name}}-{store.name}"')
    common_network: list[Item] = [
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("subnet_ids", Expr("module.vpc.data_subnet_ids")),
        Attr("allowed_security_groups", _clients(design, store.name)),
    ]
    kms = Attr("kms_key_arn", Expr("module.security.kms_key_arn"))
    retention = Attr("log_retention_days", design.observability.log_retention_days)
    body: list[Item]
    skips: Skips = ()
    if store.kind == "rds":
        body = [
            Attr("identifier", ident),
            *_rds_instance(store, size),
            Attr("multi_az", size.multi_az),
            Attr("read_replicas", size.read_replicas),
            Attr("database_name", snake(store.name)),
            Attr("port", store.port),
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("backup_retention_days", size.backup_retention_days),
            Attr("deletion_protection", env.deletion_protection),
            Attr("skip_final_snapshot", not env.deletion_protection),
            retention,
        ]
    elif store.kind == "aurora":
        body = [
            Attr("identifier", ident),
            *_aurora_cluster(store, size),
            Attr("database_name", snake(store.name)),
            Attr("port", store.port),
        ]
        if _copied(env, store):
            body.append(Attr("create_global_cluster", value=True))
        body += [
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("backup_retention_days", size.backup_retention_days),
            Attr("deletion_protection", env.deletion_protection),
            Attr("skip_final_snapshot", not env.deletion_protection),
            retention,
        ]
    elif store.kind == "elasticache":
        body = [
            Attr("name", ident),
            Attr("node_type", size.instance_class),
            Attr("num_cache_clusters", size.nodes),
            Attr("port", store.port),
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("snapshot_retention_days", size.backup_retention_days),
            retention,
        ]
    elif store.kind == "memorydb":
        body = [
            Attr("name", ident),
            Attr("node_type", size.instance_class),
            # MemoryDB's replicas are per shard; the environment's nodes hold them all.
            Attr("shards", size.shards),
            Attr("replicas_per_shard", size.read_replicas),
            Attr("port", store.port),
            Blank(),
            *common_network,
            kms,
            Blank(),
            Attr("snapshot_retention_days", size.backup_retention_days),
            Attr("final_snapshot", env.deletion_protection),
            Attr("alarm_topic_arn", Expr("module.observability.alert_topic_arn")),
        ]
    elif store.kind == "opensearch":
        if size.zones is None:
            raise UnbuildableDesignError(f"OpenSearch {store.name} without its zones")
        body = [
            Attr("domain_name", Expr(f'substr("${{local.name}}-{store.name}", 0, 28)')),
            Attr("instance_type", size.instance_class),
            Attr("instance_count", size.nodes),
            Attr("availability_zones", size.zones.whole),
            Attr("volume_size_gb", size.volume_gb_per_node),
            Blank(),
            *common_network,
            kms,
            retention,
        ]
    elif store.kind == "s3":
        retained = store.storage.retention_days if store.storage is not None else None
        body = [
            Attr("bucket", ident),
            kms,
            Attr("noncurrent_version_expiration_days", store.backup_retention_days),
            Attr(
                "transitions",
                [{"days": t.after_days, "storage_class": t.storage_class} for t in store.lifecycle],
            ),
            *([Attr("expiration_days", math.ceil(retained))] if retained is not None else []),
            Attr("access_log_bucket", Expr("module.s3_logs.bucket_id")),
            Attr("force_destroy", not env.deletion_protection),
        ]
        if _copied(env, store):
            replica = f"module.{store_module(store)}_recovery"
            body += [
                Blank(),
                Attr("enable_replication", value=True),
                Attr("replication_destination_bucket_arn", Expr(f"{replica}.bucket_arn")),
                Attr(
                    "replication_destination_kms_key_arn",
                    Expr("module.security_recovery.kms_key_arn"),
                ),
            ]
        else:
            skips = (("CKV_AWS_144", _no_replication_reason(design, env, store)),)
    else:
        body = [Attr("name", ident), kms, Attr("deletion_protection", env.deletion_protection)]
    body = [Comment(f"{size.why}."), *body]
    body += [Blank(), _tags()]
    return _module(store_module(store), store.kind, body, skips=skips)


def _engine_version(store: StorePlan) -> tuple[str, str]:
    if store.engine_version is None:
        msg = f"no engine version for {store.name} in the design"
        raise UnsupportedDesignError([msg])
    return store.engine_version.version, store.engine_version.parameter_group_family


def _rds_storage_gb(size: StoreSize) -> tuple[int, int]:
    """Allocated gp3 storage and its autoscaling ceiling, as the design sized (and the
    bill prices) them."""
    if size.allocated_gb is None or size.max_allocated_gb is None:
        msg = f"RDS storage of {size.name} not sized by the design"
        raise UnsupportedDesignError([msg])
    return size.allocated_gb, size.max_allocated_gb


def _rds_instance(store: StorePlan, size: StoreSize) -> list[Item]:
    """Engine, class and storage of an RDS instance, the same for a primary and its
    cross-region replica; storage autoscales up to the design's ceiling (the storage
    forecast with headroom); gp3 IOPS and throughput are set only where the load
    passes the baseline."""
    version, family = _engine_version(store)
    storage, ceiling = _rds_storage_gb(size)
    items: list[Item] = [
        Attr("engine", store.engine),
        Attr("engine_version", version),
        Attr("parameter_group_family", family),
        Attr("instance_class", size.instance_class),
        Attr("allocated_storage", storage),
        Attr("max_allocated_storage", ceiling),
    ]
    if size.iops is not None:
        items += [Attr("iops", size.iops), Attr("storage_throughput", size.storage_throughput)]
    return items


def _aurora_cluster(store: StorePlan, size: StoreSize) -> list[Item]:
    """Engine, class, instance count and storage configuration of an Aurora cluster."""
    version, family = _engine_version(store)
    return [
        Attr("engine", store.engine),
        Attr("engine_version", version),
        Attr("parameter_group_family", family),
        Attr("instance_class", size.instance_class),
        Attr("instances", size.instances),
        Attr("io_optimized", store.io_optimized),
    ]


def _no_replication_reason(design: Design, env: EnvironmentSizing, store: StorePlan) -> str:
    if store.recovery == "bucket-replication":
        return (
            f"{env.name} holds no data that must survive a region loss; prod replicates "
            f"this bucket to {design.data.recovery_region}."
        )
    return (
        f"The design keeps {store.name} in one region: {store.cross_region}. The recovery "
        f"strategy ({design.constraints.recovery.strategy}) does not copy it."
    )


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


def _recovery_network(design: Design) -> tuple[str, dict[str, list[str]], list[str]]:
    """The recovery VPC: the next block of the primary's size (no overlap, so the two can
    be peered), the same subnet layout, the same AZ letters in the recovery region."""
    primary = ipaddress.ip_network(design.network.vpc_cidr)
    shift = primary.num_addresses
    cidr = ipaddress.ip_network(f"{primary.network_address + shift}/{primary.prefixlen}")
    subnets = sorted(design.network.subnets, key=lambda s: s.availability_zone)
    tiers: dict[str, list[str]] = {}
    for subnet in subnets:
        net = ipaddress.ip_network(subnet.cidr)
        tiers.setdefault(subnet.tier, []).append(f"{net.network_address + shift}/{net.prefixlen}")
    letters = sorted({s.availability_zone.removeprefix(design.region) for s in subnets})
    azs = [design.data.recovery_region + letter for letter in letters]
    return str(cidr), tiers, azs


def _vpc_recovery(
    design: Design, env: EnvironmentSizing, standby: StandbySizing | None = None
) -> Block:
    cidr, tiers, azs = _recovery_network(design)
    running = standby is not None and standby.nat_gateways > 0
    # Tasks running there pull images, write logs and read secrets: prod's way out.
    nat: list[Item] = (
        [
            Attr("enable_nat_gateway", value=True),
            Attr("single_nat_gateway", standby.nat_gateways == 1),
            Attr("gateway_endpoints", list(design.network.gateway_endpoints)),
            Attr("interface_endpoints", list(design.network.interface_endpoints)),
        ]
        if running and standby is not None
        else [
            Attr("enable_nat_gateway", value=False),
            Attr("gateway_endpoints", ["s3"]),
            Attr("interface_endpoints", []),
        ]
    )
    lead = (
        [Comment(f"{standby.why}.")]
        if running and standby is not None
        else [
            Comment(
                "Pilot light: the network the replicas and the standby live in. No NAT gateway"
            ),
            Comment("until failover starts compute here (the DR runbook sets enable_nat_gateway)."),
        ]
    )
    body: list[Item] = [
        *lead,
        Attr("name", Expr('"${local.name}-recovery"')),
        Attr("cidr", cidr),
        Attr("azs", azs),
        Attr("public_subnets", tiers.get("public", [])),
        Attr("private_subnets", tiers.get("private", [])),
        Attr("data_subnets", tiers.get("data", [])),
        Blank(),
        *nat,
        Blank(),
        Attr("enable_flow_log", value=True),
        Attr("flow_log_retention_days", design.observability.log_retention_days),
        Attr("kms_key_arn", Expr("module.security_recovery.kms_key_arn")),
        Blank(),
        _tags(),
    ]
    return _module("vpc_recovery", "vpc", body, provider="recovery")


def _store_recovery(design: Design, env: EnvironmentSizing, store: StorePlan) -> Block:
    size = env.store(store.name)
    module = store_module(store)
    kms = Attr("kms_key_arn", Expr("module.security_recovery.kms_key_arn"))
    retention = Attr("log_retention_days", design.observability.log_retention_days)
    if store.recovery == "bucket-replication":
        body: list[Item] = [
            Attr("bucket", Expr(f'"${{local.name}}-{store.name}-${{var.recovery_region}}"')),
            kms,
            Attr("noncurrent_version_expiration_days", store.backup_retention_days),
            Attr("enable_access_logging", value=False),
            Attr("force_destroy", not env.deletion_protection),
            Blank(),
            _tags(),
        ]
        replica_skips: Skips = (
            (
                "CKV_AWS_144",
                (
                    "This bucket is the cross-region replica; replicating it onwards would only "
                    "copy the copy."
                ),
            ),
            (
                "CKV_AWS_18",
                (
                    "Only S3 replication writes here (CloudTrail records it); server access "
                    "logging is switched on by the DR runbook when clients fail over to this "
                    "bucket."
                ),
            ),
        )
        return _module(f"{module}_recovery", "s3", body, skips=replica_skips, provider="recovery")
    if store.recovery == "global-database":
        return _module(
            f"{module}_recovery",
            "aurora",
            [
                Comment(
                    f"{store.name}: the Global Database's secondary cluster, one instance; "
                    "the DR runbook promotes it (switchover or failover)."
                ),
                Attr("identifier", Expr(f'"${{local.name}}-{store.name}-recovery"')),
                *[
                    a
                    for a in _aurora_cluster(store, size)
                    if not (isinstance(a, Attr) and a.name == "instances")
                ],
                Attr("instances", 1),
                Attr("global_cluster_identifier", Expr(f"module.{module}.global_cluster_id")),
                Attr("database_name", snake(store.name)),
                Attr("port", store.port),
                Blank(),
                Attr("vpc_id", Expr("module.vpc_recovery.vpc_id")),
                Attr("subnet_ids", Expr("module.vpc_recovery.data_subnet_ids")),
                Attr("allowed_security_groups", _standby_clients(design, env, store.name)),
                kms,
                Blank(),
                Attr("backup_retention_days", size.backup_retention_days),
                Attr("deletion_protection", env.deletion_protection),
                Attr("skip_final_snapshot", value=True),
                retention,
                Blank(),
                _tags(),
            ],
            provider="recovery",
        )
    if store.recovery == "backup-replication":
        return Block(
            "resource",
            ("aws_db_instance_automated_backups_replication", snake(store.name)),
            (
                Comment(
                    f"{store.name}: automated backups and transaction logs copied to the "
                    "recovery region; a restore there is the DR runbook's first step."
                ),
                Attr("provider", Expr("aws.recovery")),
                Blank(),
                Attr("source_db_instance_arn", Expr(f"module.{module}.instance_arn")),
                Attr("kms_key_id", Expr("module.security_recovery.kms_key_arn")),
                Attr("retention_period", size.backup_retention_days),
            ),
        )
    body = [
        Attr("identifier", Expr(f'"${{local.name}}-{store.name}-recovery"')),
        Attr("replicate_source_db", Expr(f"module.{module}.instance_arn")),
        *_rds_instance(store, size),
        Attr("multi_az", value=False),
        Attr("database_name", snake(store.name)),
        Attr("port", store.port),
        Blank(),
        Attr("vpc_id", Expr("module.vpc_recovery.vpc_id")),
        Attr("subnet_ids", Expr("module.vpc_recovery.data_subnet_ids")),
        Attr("allowed_security_groups", {}),
        kms,
        Blank(),
        Attr("backup_retention_days", size.backup_retention_days),
        Attr("deletion_protection", env.deletion_protection),
        Attr("skip_final_snapshot", value=True),
        retention,
        Blank(),
        _tags(),
    ]
    skips = (
        (
            "CKV_AWS_157",
            (
                "Pilot-light standby of the primary: it only receives replication until "
                "the DR runbook promotes it and turns Multi-AZ on."
            ),
        ),
    )
    return _module(f"{module}_recovery", "rds", body, skips=skips, provider="recovery")


def _messaging(design: Design, env: EnvironmentSizing) -> Block:
    queues: dict[str, Value] = {}
    topics: dict[str, Value] = {}
    streams: dict[str, Value] = {}
    for queue in _messaging_queues(design):
        queues.update(_queue_specs(queue))
        if queue.engine == "sns":
            topics[queue.name] = {
                "subscriber_queues": [f"{queue.name}-{c}" for c in sorted(queue.consumers)]
            }
        if queue.engine == "kinesis":
            streams[queue.name] = _stream_spec(queue, env)
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Blank(),
        Attr("queues", queues),
        Attr("topics", topics),
        Attr("streams", streams),
        Blank(),
        _tags(),
    ]
    return _module("messaging", "messaging", body)


def _stream_spec(queue: QueuePlan, env: EnvironmentSizing) -> dict[str, Value]:
    """A Kinesis stream as this environment runs it: on-demand, or its provisioned shards."""
    size = env.queue(queue.name)
    sizing = queue.sizing
    if size is None or sizing is None:
        msg = f"stream {queue.name} without its sizing"
        raise UnbuildableDesignError(msg)
    spec: dict[str, Value] = {"retention_hours": math.ceil(sizing.retention_hours)}
    if size.mode == "provisioned":
        spec["stream_mode"] = "PROVISIONED"
        spec["shard_count"] = size.partitions
    else:
        spec["stream_mode"] = "ON_DEMAND"
    return spec


def _broker(design: Design, env: EnvironmentSizing, queue: QueuePlan) -> Block:
    """A Kafka cluster (MSK) or a RabbitMQ broker (Amazon MQ) as this environment runs it."""
    size = env.queue(queue.name)
    if size is None or queue.port is None or size.zones > env.availability_zones:
        msg = f"broker {queue.name} without its sizing or port, or beyond {env.name}'s AZs"
        raise UnbuildableDesignError(msg)
    network: list[Item] = [
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr("subnet_ids", Expr(_broker_subnets(size.zones))),
        Attr("allowed_security_groups", _clients(design, queue.name)),
        Attr("port", queue.port),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
    ]
    name = Expr(f'"${{local.name}}-{queue.name}"')
    if queue.engine == "kafka":
        body: list[Item] = [Comment(f"{size.why}."), Attr("name", name)]
        if size.mode == "serverless":
            body.append(Attr("serverless", value=True))
        else:
            body += [
                Attr("instance_type", size.instance_class),
                Attr("broker_count", size.brokers),
                Attr("volume_size_gb", max(1, math.ceil(size.storage_gb_per_broker))),
            ]
        sizing = queue.sizing
        retention = sizing.retention_hours if sizing is not None else 168.0
        body += [
            Attr("replication_factor", size.replication_factor),
            Attr("min_insync_replicas", size.min_insync_replicas),
            Attr("partitions", size.partitions),
            Attr("retention_hours", math.ceil(retention)),
            Attr("topic", queue.name),
            Attr("consumer_groups", sorted(queue.consumers)),
            Blank(),
            *network,
            Attr("log_retention_days", design.observability.log_retention_days),
            Blank(),
            _tags(),
        ]
        return _module(queue_module(queue), "msk", body)
    deployment = "CLUSTER_MULTI_AZ" if size.mode == "cluster" else "SINGLE_INSTANCE"
    body = [
        Comment(f"{size.why}."),
        Attr("name", name),
        Attr("instance_type", size.instance_class),
        Attr("deployment_mode", deployment),
        Blank(),
        *network,
        Attr("secret_recovery_window_days", env.recovery_window_days),
        Blank(),
        _tags(),
    ]
    skips: Skips = (
        (
            "CKV_AWS_209",
            (
                "Amazon MQ for RabbitMQ encrypts at rest only with a key Amazon MQ owns; it "
                "takes no customer-managed key (the credentials secret is under the "
                "environment's key)."
            ),
        ),
    )
    return _module(queue_module(queue), "mq", body, skips=skips)


def _broker_subnets(zones: int) -> str:
    """The data subnets of the AZs the brokers span (the first ``zones``)."""
    return f"slice(module.vpc.data_subnet_ids, 0, {zones})"


def _queue_specs(queue: QueuePlan) -> Iterator[tuple[str, dict[str, Value]]]:
    spec: dict[str, Value] = {
        "max_receive_count": queue.max_receive_count,
        "enable_dead_letter": queue.dead_letter,
    }
    if queue.engine == "sqs":
        yield queue.name, spec
    elif queue.engine == "sns":
        for consumer in sorted(queue.consumers):
            yield f"{queue.name}-{consumer}", spec


def _observability(design: Design, env: EnvironmentSizing) -> Block:
    obs = design.observability
    prefix = f"/{design.name}/{env.name}/"
    log_groups = [g.replace(f"/{design.name}/prod/", prefix) for g in obs.log_groups]
    if not _is_eks(design):  # the ECS module owns the log group of each service
        services = {prefix + s.name for s in design.compute.services}
        log_groups = [g for g in log_groups if g not in services]
    alerts: dict[str, Value] = {}
    notes: list[Item] = []
    for alert in obs.alerts:
        long_s = _window_seconds(alert.long_window)
        short_s = _window_seconds(alert.short_window)
        key = f"{alert.severity}-{alert.long_window}-{alert.short_window}"
        if long_s > MAX_ALARM_PERIOD_SECONDS:
            notes.append(
                Comment(
                    f"{key}: CloudWatch evaluates at most one day per datapoint, so its "
                    f"{alert.long_window} window is watched as 1d at the same threshold."
                )
            )
            long_s = MAX_ALARM_PERIOD_SECONDS
        alerts[key] = {
            "severity": alert.severity,
            "long_window_seconds": long_s,
            "short_window_seconds": short_s,
            "error_rate_percent": alert.error_rate_threshold.value,
        }
    body: list[Item] = [
        Attr("name", Expr("local.name")),
        Attr("kms_key_arn", Expr("module.security.kms_key_arn")),
        Attr("log_groups", log_groups),
        Attr("log_retention_days", obs.log_retention_days),
        Attr("alert_emails", Expr("var.alert_emails")),
        Blank(),
    ]
    if _alb_in_terraform(design):
        body += [
            Comment("SLO symptom: the 5xx ratio at the load balancer, multi-window burn rates."),
            *notes,
            Attr("load_balancer_arn_suffix", Expr("module.alb.arn_suffix")),
            Attr("burn_rate_alerts", alerts),
        ]
    else:
        body.append(
            Comment(
                "SLO burn-rate alerts on EKS are PrometheusRules (infra/k8s); CloudWatch "
                "watches the causes."
            )
        )
    body += [Attr("metric_alarms", _cause_alarms(design, env)), Blank(), _tags()]
    return _module("observability", "observability", body)


def _cause_alarms(design: Design, env: EnvironmentSizing) -> dict[str, Value]:
    """The design's CloudWatch cause alarms that exist in this environment."""
    return {
        cause.name: _cloudwatch_alarm(design, cause, env)
        for cause in design.observability.cause_alarms
        if cause.rendered_in == "cloudwatch" and env.name in cause.environments
    }


_COMPARISON = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
}


def _dimensions(design: Design, cause: CauseAlarm) -> dict[str, Value]:
    """The CloudWatch dimensions naming what ``cause`` watches, as Terraform outputs."""
    target = cause.target or ""
    watches = cause.watches
    if watches == "service":
        return {"ClusterName": Expr("local.name"), "ServiceName": cause.service or ""}
    if watches == "certificate":
        return {"CertificateArn": Expr("var.certificate_arn")}
    if watches in ("database-instance", "database-cluster"):
        module = store_module(design.data.store(target))
        if watches == "database-instance":
            return {"DBInstanceIdentifier": Expr(f"module.{module}.instance_id")}
        return {"DBClusterIdentifier": Expr(f"module.{module}.cluster_id")}
    if watches == "queue":
        return {"QueueName": Expr(f'module.messaging.queue_names["{target}"]')}
    if watches == "dead-letter-queue":
        return {"QueueName": Expr(f'module.messaging.dead_letter_queue_names["{target}"]')}
    if watches == "stream":
        return {"StreamName": Expr(f'module.messaging.stream_names["{target}"]')}
    queue = next((q for q in design.data.queues if q.name == target), None)
    if queue is None:
        raise UnbuildableDesignError(f"cause alarm {cause.name} on no queue of the design")
    module = queue_module(queue)
    if watches == "mq-broker":
        return {"Broker": Expr(f"module.{module}.broker_name")}
    cluster: dict[str, Value] = {"Cluster Name": Expr(f"module.{module}.cluster_name")}
    if watches == "kafka-consumer":
        return {**cluster, "Consumer Group": cause.detail or "", "Topic": target}
    if watches == "kafka-broker":
        return {**cluster, "Broker ID": cause.detail or ""}
    return cluster


def _cloudwatch_alarm(
    design: Design, cause: CauseAlarm, env: EnvironmentSizing
) -> dict[str, Value]:
    if cause.statistic is None or cause.period_seconds is None or cause.evaluation_periods is None:
        raise UnbuildableDesignError(f"CloudWatch cause alarm {cause.name} without its period")
    return {
        "description": cause.summary,
        "namespace": cause.signal.rsplit("/", 1)[0],
        "metric_name": cause.signal.rsplit("/", 1)[1],
        "dimensions": _dimensions(design, cause),
        "statistic": cause.statistic,
        "period": cause.period_seconds,
        "evaluation_periods": cause.evaluation_periods,
        "threshold": cause.threshold_in(env.name),
        "comparison_operator": _COMPARISON[cause.comparison],
    }


def _standby_blocks(design: Design, env: EnvironmentSizing, standby: StandbySizing) -> list[Block]:
    """The standby's running part: ECR replication, the load balancer (with its WAF and
    access-log bucket) on the recovery VPC, the ECS services at the standby's tasks, and
    the brokers producers there write to after a failover."""
    moved = ["vpc", "security", "alb", "waf", "s3_logs", "ecs"]
    moved += [queue_module(q) for q in design.data.queues if q.name in standby.brokers]
    moved += [store_module(s) for s in recovered_stores(design, env)]
    swap = module_swap(
        moved,
        {
            "module.security_recovery.service_role_arns": "module.security.service_role_arns",
            "var.certificate_arn": "var.recovery_certificate_arn",
            # a secondary cluster has no secret of its own: the primary's credentials
            "_recovery.master_user_secret_arn": ".master_user_secret_arn",
            # ELB log delivery is a different account in each region
            "data.aws_elb_service_account.this.": "data.aws_elb_service_account.recovery.",
            # bucket names are global
            '"${local.name}-access-logs"': '"${local.name}-access-logs-${var.recovery_region}"',
        },
    )
    out: list[Block] = [*ecr_replication()]
    if standby.load_balancer:
        out.append(
            Block(
                "data",
                ("aws_elb_service_account", "recovery"),
                (Attr("provider", Expr("aws.recovery")),),
            )
        )
        out.append(in_recovery(_logs_bucket(design, env), swap, note="The standby ALB's logs."))
        if design.network.waf:
            out.append(in_recovery(_waf(design), swap, note="The standby ALB's WAF."))
        out.append(
            in_recovery(
                _alb(design, env),
                swap,
                override={"targets": _rolling_targets(_alb(design, env))},
                note=f"{standby.why}.",
            )
        )
    primary = _ecs(design, env)
    services = next(i.value for i in primary.body if isinstance(i, Attr) and i.name == "services")
    assert isinstance(services, Mapping)  # noqa: S101  (built by _ecs above)
    out.append(
        in_recovery(
            primary,
            swap,
            drop=("alarm_topic_arn",),
            override={
                "name": Expr('"${local.name}-recovery"'),
                "services": standby_ecs_services(services, standby, env),
            },
            note=f"{standby.why}; the DR runbook scales the services to prod's minimum.",
        )
    )
    for queue in design.data.queues:
        if queue.name not in standby.brokers:
            continue
        size = env.queue(queue.name)
        assert size is not None  # noqa: S101  (a standby broker is a sized MSK cluster)
        out.append(
            in_recovery(
                _broker(design, env, queue),
                swap,
                override={
                    "name": Expr(f'"${{local.name}}-{queue.name}-recovery"'),
                    "volume_size_gb": broker_volume(
                        size.storage_gb_per_broker, standby.broker_storage_share
                    ),
                },
                note=f"{queue.name}: the standby cluster the recovery region writes to after "
                "a failover (prod's brokers, volumes at the standby's share); replaying the "
                "primary's messages is not part of it.",
            )
        )
    return out


def _rolling_targets(alb: Block) -> Value:
    """The primary ALB's targets without a green group: the standby deploys rolling."""
    targets = next(i.value for i in alb.body if isinstance(i, Attr) and i.name == "targets")
    assert isinstance(targets, Mapping)  # noqa: S101  (built by _alb)
    return {
        name: {**t, "blue_green": False} if isinstance(t, Mapping) else t
        for name, t in targets.items()
    }


def _standby_clients(design: Design, env: EnvironmentSizing, store: str) -> dict[str, Value]:
    """The standby's services that use a store copy, by their recovery-region groups."""
    if _standby(design, env) is None:
        return {}
    return {
        name: Expr(value.text.replace("module.ecs.", "module.ecs_recovery."))
        if isinstance(value, Expr)
        else value
        for name, value in _clients(design, store).items()
    }
