"""Terraform of the network: the VPC, the load balancer, the WAF, the access-log bucket,
and the recovery region's VPC."""

from __future__ import annotations

from infra_architect.engine import Design, EnvironmentSizing, StandbySizing
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
from infra_architect.render._tf_common import (
    _fronted_services,
    _is_eks,
    _module,
    _tags,
    certificate_arn,
)


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
        Attr("bucket", design.names_of(env.name).access_log_bucket),
        Attr("kms_key_arn", None),
        Attr("expiration_days", design.observability.log_retention_days),
        Attr(
            "noncurrent_version_expiration_days",
            design.observability.access_logs_noncurrent_days,
        ),
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


def _waf(design: Design) -> Block:
    if design.network.waf_rate_limit is None:
        msg = "a WAF without a rate limit in the design"
        raise UnbuildableDesignError(msg)
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


def _alb(design: Design, env: EnvironmentSizing) -> Block:
    public = _fronted_services(design)
    health = design.network.health_check
    if not public or health is None:
        msg = "an ALB that fronts no service"
        raise UnbuildableDesignError(msg)
    internet = design.network.load_balancer_scheme == "internet-facing"
    default = next(r.service for r in design.network.routes if r.priority is None)
    names = design.names_of(env.name)
    targets: dict[str, Value] = {}
    for route in design.network.routes:
        service = design.compute.service(route.service)
        target: dict[str, Value] = {"port": service.port}
        if route.priority is not None:
            target["priority"] = route.priority
            target["path_patterns"] = list(route.path_patterns)
        target.update(
            {
                "health_check_path": service.health_check_path or health.path,
                "interval_seconds": health.interval_seconds,
                "timeout_seconds": health.timeout_seconds,
                "healthy_threshold": health.healthy_threshold,
                "unhealthy_threshold": health.unhealthy_threshold,
                "blue_name": names.target_groups[f"{service.name}-blue"],
                "blue_green": design.delivery.release(service.name).codedeploy_ecs,
            }
        )
        green = names.target_groups.get(f"{service.name}-green")
        if green is not None:
            target["green_name"] = green
        grpc = design.network.grpc
        if grpc is not None and service.name in grpc.edge:
            # Per-call balancing of HTTP/2; the health method answers a gRPC status.
            target["protocol_version"] = "GRPC"
            target["matcher"] = grpc.success_codes
        targets[service.name] = target
    body: list[Item] = [
        Attr("name", names.load_balancer),
        Attr("internal", not internet),
        Attr("vpc_id", Expr("module.vpc.vpc_id")),
        Attr(
            "subnet_ids",
            Expr("module.vpc.public_subnet_ids" if internet else "module.vpc.private_subnet_ids"),
        ),
        Attr("ingress_cidrs", ["0.0.0.0/0"] if internet else [design.network.vpc_cidr]),
        Attr("certificate_arn", Expr(certificate_arn(design))),
        Attr("target_protocol", "HTTPS" if design.security.tls_to_services else "HTTP"),
        Attr("enable_deletion_protection", env.deletion_protection),
        Attr("access_log_bucket", Expr("module.s3_logs.bucket_id")),
        Attr("enable_waf", design.network.waf),
        Attr("waf_acl_arn", Expr("module.waf.arn") if design.network.waf else None),
        Blank(),
        Attr("default_target", default),
        Attr("targets", targets),
        Blank(),
        _tags(),
    ]
    return _module("alb", "alb", body)


def _recovery_network(design: Design) -> tuple[str, dict[str, list[str]], list[str]]:
    """The recovery VPC the Design laid out, in the same AZ letters of the recovery region."""
    network = design.network
    letters = sorted({s.availability_zone.removeprefix(design.region) for s in network.subnets})
    azs = [design.data.recovery_region + letter for letter in letters]
    return network.recovery_vpc_cidr, network.recovery_subnets, azs


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
