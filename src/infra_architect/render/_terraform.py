"""Render a Design into Terraform: local modules plus a staging and a prod root.

The modules are fixed, reviewed HCL shipped with the package (terraform-aws-modules
style); the environment roots are built as data from the Design and printed by
:mod:`infra_architect.render._hcl`, so every size in them is the design's figure.
This module assembles the roots (versions, backend, variables, outputs, main and the
recovery region's standby); each part of main comes from the module for its output:
``_tf_network``, ``_tf_security``, ``_tf_compute``, ``_tf_data``, ``_tf_observability``
(with ``_tf_common`` shared by all).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable

from infra_architect.catalog import Buildable, BuildableTable, load_catalog
from infra_architect.engine import Design, EnvironmentSizing, StandbySizing
from infra_architect.errors import UnbuildableDesignError
from infra_architect.render._bindings import (
    infrastructure_bindings,
)
from infra_architect.render._hcl import (
    Attr,
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
    queue_module,
    snake,
    store_module,
)
from infra_architect.render._standby_terraform import (
    ecr_replication,
    in_recovery,
    module_swap,
    standby_ecs_services,
    standby_outputs,
)
from infra_architect.render._tf_bootstrap import (
    LOCK_FILE,
    backend,
    lock_file,
    provider,
    render_bootstraps,
    versions,
)
from infra_architect.render._tf_common import (
    MODULE_FILES,
    ROOT,
    _alb_in_terraform,
    _is_broker,
    _is_eks,
    _messaging_queues,
    _output,
    _standby,
    _variable,
    recovered_stores,
)
from infra_architect.render._tf_compute import _ecs, _eks, _eks_addons
from infra_architect.render._tf_data import _broker, _messaging, _store, _store_recovery
from infra_architect.render._tf_dns import dns_blocks
from infra_architect.render._tf_network import _alb, _logs_bucket, _vpc, _vpc_recovery, _waf
from infra_architect.render._tf_observability import _observability
from infra_architect.render._tf_security import _audit, _ecr, _security, _security_recovery


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
        files[f"{base}/versions.tf"] = render_hcl(versions())
        files[f"{base}/backend.tf"] = render_hcl(backend(design, env))
        files[f"{base}/{LOCK_FILE}"] = lock_file()
    files.update(render_bootstraps(design))
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
    if _is_eks(design):
        used.add("eks-addons")
    if design.security.audit is not None:
        used.add(AUDIT_MODULE)
    if design.dns.domains:
        used.add("dns")
    return used


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
    if design.network.load_balancer == "alb" and design.dns.domain(env.name) is None:
        parts.append(
            _variable(
                "certificate_arn",
                "ACM certificate of the HTTPS listener.",
                "string",
            )
        )
    standby = _standby(design, env)
    if standby is not None and standby.load_balancer and design.dns.domain(env.name) is None:
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
        parts.append(
            _variable(
                "cluster_admin_role_arns",
                "IAM roles of the people who administer the cluster (access entries with "
                "AmazonEKSClusterAdminPolicy), e.g. an IAM Identity Center administrator "
                "role; nobody else, not even whoever applies, can use the Kubernetes API.",
                "list(string)",
            )
        )
    return blocks(*parts)


def _infrastructure_env(design: Design) -> str:
    lines = ", ".join(f'"{b.key}=${{{b.expression}}}"' for b in infrastructure_bindings(design))
    return f'join("\\n", [{lines}, ""])'


def _dns_outputs(design: Design, env: EnvironmentSizing) -> list[Block]:
    if design.dns.domain(env.name) is None:
        return []
    return [
        _output(
            "certificate_arn",
            "ACM certificate Terraform issued for the public name (DNS-validated).",
            "module.dns.certificate_arn",
        )
    ]


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
    parts += _dns_outputs(design, env)
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
    parts += _store_outputs(design)
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


def _store_outputs(design: Design) -> list[Block]:
    """Each store's address (and a search domain's master role)."""
    parts: list[Block] = []
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
        if store.kind == "opensearch":
            parts.append(
                _output(
                    f"{snake(store.name)}_admin_role_arn",
                    f"{store.name}: the master user's role (maps the services' roles).",
                    f"module.{module}.admin_role_arn",
                )
            )
    return parts


def _main(design: Design, env: EnvironmentSizing) -> list[Item]:
    recovery = recovered_stores(design, env)
    standby = _standby(design, env)
    parts: list[Block] = [provider(env.account_id, Expr("var.region"))]
    if recovery or standby is not None:
        parts.append(provider(env.account_id, Expr("var.recovery_region"), alias="recovery"))
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
        parts += [_eks(design, env), _eks_addons(design, env)]
    else:
        if _alb_in_terraform(design):
            parts.append(_alb(design, env))
        parts.append(_ecs(design, env))
    parts += dns_blocks(design, env)
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


def _standby_blocks(design: Design, env: EnvironmentSizing, standby: StandbySizing) -> list[Block]:
    """The standby's running part: ECR replication, the load balancer (with its WAF and
    access-log bucket) on the recovery VPC, the ECS services at the standby's tasks, and
    the brokers producers there write to after a failover."""
    names = design.names_of(env.name)
    moved = ["vpc", "security", "alb", "waf", "s3_logs", "ecs"]
    moved += [queue_module(q) for q in design.data.queues if q.name in standby.brokers]
    moved += [store_module(s) for s in recovered_stores(design, env)]
    domain = design.dns.domain(env.name)
    if domain is not None and domain.failover:
        moved.append("dns")  # the standby ALB takes the recovery region's certificate
    swap = module_swap(
        moved,
        {
            "module.security_recovery.service_role_arns": "module.security.service_role_arns",
            "var.certificate_arn": "var.recovery_certificate_arn",
            # a secondary cluster has no secret of its own: the primary's credentials
            "_recovery.master_user_secret_arn": ".master_user_secret_arn",
            # ELB log delivery is a different account in each region
            "data.aws_elb_service_account.this.": "data.aws_elb_service_account.recovery.",
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
        out.append(
            in_recovery(
                _logs_bucket(design, env),
                swap,
                # bucket names are global
                override={"bucket": names.recovery_access_log_bucket},
                note="The standby ALB's logs.",
            )
        )
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
            # IAM role names are global: the standby's roles keep the names built from
            # its own module name, not the primary's.
            drop=("alarm_topic_arn", "role_names"),
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
        out.append(
            in_recovery(
                _broker(design, env, queue),
                swap,
                override={
                    "name": Expr(f'"${{local.name}}-{queue.name}-recovery"'),
                    "volume_size_gb": standby.broker_volumes_gb[queue.name],
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
