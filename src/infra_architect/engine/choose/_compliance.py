"""Compliance controls: what each regime asks for, and what in this design meets it.

The catalog lists each regime's controls and the mechanisms that meet them; here every
mechanism says what it does in the design at hand and names the generated resources that
do it (Terraform addresses in the environment roots, manifests, workflows). The documents
print exactly this list and the renderers build exactly these resources, so no control is
claimed without the resource that implements it (tests/test_compliance_claims.py checks
every named resource exists). The account-level audit resources (CloudTrail, GuardDuty,
Security Hub, AWS Config) exist only when a control uses them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from infra_architect.catalog import Catalog
from infra_architect.engine._addresses import AUDIT_MODULE, snake, store_module
from infra_architect.engine._design_model import (
    AuditPlan,
    ComplianceControl,
    ComputeDesign,
    DataDesign,
    DeliveryDesign,
    EnvironmentSizing,
    Evidence,
    NetworkDesign,
    ObservabilityDesign,
    ServiceIdentity,
    StorePlan,
)
from infra_architect.errors import InternalError
from infra_architect.spec import Compliance, Requirements

K8S_BASE = "infra/k8s/base"
# Store recovery mechanisms that copy data into the recovery region (what the Terraform
# builds there in an environment with cross-region recovery).
COPIED_RECOVERY = ("read-replica", "global-database", "backup-replication", "bucket-replication")
# The audit trail is evidence: kept at least a year whatever the regime (PCI DSS 10.5.1,
# CIS AWS Foundations), longer when the regime keeps logs longer (HIPAA: six years).
MIN_AUDIT_RETENTION_DAYS = 365
# Mechanisms whose resources live in the account-level audit module.
_AUDIT_MECHANISMS = {"audit-trail", "threat-detection", "posture"}


@dataclass(frozen=True)
class Context:
    """The parts of the design the mechanisms describe."""

    req: Requirements
    catalog: Catalog
    compute: ComputeDesign
    network: NetworkDesign
    data: DataDesign
    delivery: DeliveryDesign
    observability: ObservabilityDesign
    environments: list[EnvironmentSizing]
    tls_to_services: bool
    identity_mechanism: str
    identities: list[ServiceIdentity]
    audit: AuditPlan | None

    @property
    def eks(self) -> bool:
        return self.compute.platform.kubernetes

    @property
    def all_environments(self) -> list[str]:
        return [e.name for e in self.environments]

    def tf(self, *addresses: str) -> list[Evidence]:
        """Resources every environment root creates."""
        return [
            Evidence(kind="terraform", ref=a, environments=self.all_environments) for a in addresses
        ]

    @property
    def alb_in_terraform(self) -> bool:
        """ECS services sit behind an ALB Terraform owns; on EKS the AWS Load Balancer
        Controller creates it from the Ingress."""
        return not self.eks and self.network.load_balancer == "alb"

    @property
    def ingress(self) -> bool:
        return self.eks and any(s.public for s in self.compute.services)


@dataclass(frozen=True)
class Part:
    """What one mechanism does in this design, and the resources that do it."""

    how: str
    evidence: list[Evidence]
    outside: str | None = None
    """What this part needs from the owner (application code, settings)."""


def _file(path: str) -> Evidence:
    return Evidence(kind="file", ref=path, environments=[])


def _names(stores: list[StorePlan]) -> str:
    return ", ".join(s.name for s in stores)


def _stores(ctx: Context, *kinds: str) -> list[StorePlan]:
    return [s for s in ctx.data.stores if s.kind in kinds]


# --- mechanisms ------------------------------------------------------------------------


def _segmentation(ctx: Context) -> Part:
    how = ["public, private and data subnet tiers; the data tier has no route to the internet"]
    evidence = ctx.tf(
        "module.vpc.aws_subnet.private",
        "module.vpc.aws_subnet.data",
        "module.vpc.aws_route_table.data",
    )
    guarded = _stores(ctx, "rds", "aurora", "elasticache", "memorydb", "opensearch")
    if guarded:
        how.append("the security group of each data store admits only its clients")
        for store in guarded:
            module = store_module(store)
            evidence += ctx.tf(
                f"module.{module}.aws_security_group.this",
                f"module.{module}.aws_vpc_security_group_ingress_rule.clients",
            )
    if ctx.eks:
        how.append("Kubernetes NetworkPolicies deny by default and allow each call edge")
        evidence.append(_file(f"{K8S_BASE}/network-policies.yaml"))
        evidence += [_file(f"{K8S_BASE}/{s.name}/networkpolicy.yaml") for s in ctx.compute.services]
    else:
        how.append("each service's security group admits only the load balancer and its callers")
        evidence += ctx.tf("module.ecs.aws_security_group.service")
        if any(s.calls for s in ctx.compute.services):
            evidence += ctx.tf("module.ecs.aws_vpc_security_group_ingress_rule.from_caller")
        if ctx.alb_in_terraform:
            evidence += ctx.tf("module.ecs.aws_vpc_security_group_ingress_rule.from_load_balancer")
    return Part("; ".join(how), evidence)


_ENCRYPTED_STORE = {
    "rds": "aws_db_instance.this",
    "aurora": "aws_rds_cluster.this",
    "elasticache": "aws_elasticache_replication_group.this",
    "memorydb": "aws_memorydb_cluster.this",
    "opensearch": "aws_opensearch_domain.this",
    "s3": "aws_s3_bucket_server_side_encryption_configuration.this",
    "dynamodb": "aws_dynamodb_table.this",
}


def _service_log_groups(ctx: Context) -> str:
    """The log groups of the services' own logs (the ECS module creates them there)."""
    if ctx.eks:
        return "module.observability.aws_cloudwatch_log_group.this"
    return "module.ecs.aws_cloudwatch_log_group.service"


def _encryption_at_rest(ctx: Context) -> Part:
    what = []
    evidence = ctx.tf("module.security.aws_kms_key.this")
    if ctx.data.stores:
        what.append(f"the data stores ({_names(ctx.data.stores)})")
        evidence += ctx.tf(
            *(
                f"module.{store_module(s)}.{_ENCRYPTED_STORE[s.kind]}"
                for s in ctx.data.stores
                if s.kind in _ENCRYPTED_STORE
            )
        )
    engines = {q.engine for q in ctx.data.queues}
    if engines & {"sqs", "sns"}:
        what.append("the queues")
        evidence += ctx.tf("module.messaging.aws_sqs_queue.this")
    if "sns" in engines:
        evidence += ctx.tf("module.messaging.aws_sns_topic.this")
    if "kinesis" in engines:
        what.append("the streams")
        evidence += ctx.tf("module.messaging.aws_kinesis_stream.this")
    what += ["the container images", "the log groups"]
    evidence += ctx.tf("module.ecr.aws_ecr_repository.this", _service_log_groups(ctx))
    return Part(
        "a customer-managed KMS key per environment, rotated yearly, encrypts " + ", ".join(what),
        evidence,
    )


def _encryption_in_transit(ctx: Context) -> Part:
    how: list[str] = []
    evidence: list[Evidence] = []
    if ctx.alb_in_terraform or ctx.ingress:
        how.append(
            "TLS 1.2+ at the load balancer (ELBSecurityPolicy-TLS13-1-2-2021-06; HTTP "
            "redirects to HTTPS)"
        )
        if ctx.alb_in_terraform:
            evidence += ctx.tf(
                "module.alb.aws_lb_listener.https", "module.alb.aws_lb_listener.http"
            )
        else:
            evidence.append(_file(f"{K8S_BASE}/ingress.yaml"))
    if ctx.tls_to_services:
        how.append(
            "every service serves TLS on its port: the load balancer re-encrypts to it "
            "(HTTPS target groups and health checks) and callers use https://"
        )
        if ctx.alb_in_terraform:
            evidence += ctx.tf("module.alb.aws_lb_target_group.this")
        if ctx.ingress:
            evidence.append(_file(f"{K8S_BASE}/ingress.yaml"))
        if ctx.eks:  # the callers' https:// URLs of the services they call
            evidence += [
                _file(f"{K8S_BASE}/{s.name}/configmap.yaml")
                for s in ctx.compute.services
                if s.calls
            ]
    databases = _stores(ctx, "rds", "aurora")
    if databases:
        how.append(f"the databases refuse connections without TLS ({_names(databases)})")
        evidence += ctx.tf(
            *(
                f"module.{store_module(s)}."
                + (
                    "aws_rds_cluster_parameter_group.this"
                    if s.kind == "aurora"
                    else "aws_db_parameter_group.this"
                )
                for s in databases
            )
        )
    caches = _stores(ctx, "elasticache")
    if caches:
        how.append(f"ElastiCache in-transit encryption ({_names(caches)})")
        evidence += ctx.tf(
            *(f"module.{store_module(s)}.aws_elasticache_replication_group.this" for s in caches)
        )
    memorydbs = _stores(ctx, "memorydb")
    if memorydbs:
        how.append(f"MemoryDB accepts TLS connections only ({_names(memorydbs)})")
        evidence += ctx.tf(
            *(f"module.{store_module(s)}.aws_memorydb_cluster.this" for s in memorydbs)
        )
    domains = _stores(ctx, "opensearch")
    if domains:
        how.append(f"OpenSearch over HTTPS only, TLS 1.2+ ({_names(domains)})")
        evidence += ctx.tf(
            *(f"module.{store_module(s)}.aws_opensearch_domain.this" for s in domains)
        )
    buckets = _stores(ctx, "s3")
    if buckets:
        how.append(f"bucket policies deny requests without TLS ({_names(buckets)})")
        evidence += ctx.tf(
            *(f"module.{store_module(s)}.aws_s3_bucket_policy.this" for s in buckets)
        )
    outside = (
        "each service must serve TLS on its port; a certificate it generates at start-up "
        "will do, as neither the load balancer nor the kubelet verifies it"
        if ctx.tls_to_services
        else None
    )
    return Part("; ".join(how), evidence, outside)


def _waf(ctx: Context) -> Part | None:
    if not ctx.network.waf:
        return None
    evidence = ctx.tf("module.waf.aws_wafv2_web_acl.this")
    if ctx.alb_in_terraform:
        evidence += ctx.tf("module.alb.aws_wafv2_web_acl_association.this")
    if ctx.ingress:
        evidence.append(_file(f"{K8S_BASE}/ingress.yaml"))
    return Part(
        "AWS WAF on the public load balancer: AWS managed rule groups (common, known bad "
        "inputs, IP reputation, SQL injection) and a per-client-IP rate limit",
        evidence,
    )


def _least_privilege(ctx: Context) -> Part:
    count = len(ctx.compute.services)
    evidence = ctx.tf("module.security.aws_iam_role.service")
    if any(i.permissions for i in ctx.identities):
        evidence += ctx.tf("module.security.aws_iam_role_policy.service")
    return Part(
        f"one IAM role per service ({count}; {ctx.identity_mechanism}), each allowed only "
        "the actions on the stores and queues its service uses",
        evidence,
    )


def _audit(ctx: Context) -> AuditPlan:
    if ctx.audit is None:  # the plan is derived from the same mechanisms: never here
        msg = "an audit mechanism without an audit plan"
        raise InternalError(msg)
    return ctx.audit


def _audit_trail(ctx: Context) -> Part:
    audit = _audit(ctx)
    modes = ", ".join(
        f"{mode.lower()} mode in {env}" for env, mode in audit.object_lock_mode.items()
    )
    days = audit.retention_days
    m = f"module.{AUDIT_MODULE}"
    return Part(
        "a CloudTrail trail in every region (management events, log file validation) writes "
        f"to an S3 bucket under Object Lock ({modes}) that keeps each log file {days} days, "
        f"encrypted with a key of its own; the trail also feeds CloudWatch Logs, kept {days} "
        "days",
        ctx.tf(
            f"{m}.aws_cloudtrail.this",
            f"{m}.aws_s3_bucket.this",
            f"{m}.aws_s3_bucket_object_lock_configuration.this",
            f"{m}.aws_kms_key.this",
            f"{m}.aws_cloudwatch_log_group.this",
        ),
    )


def _threat_detection(ctx: Context) -> Part:
    return Part(
        f"GuardDuty in {ctx.req.cloud.region} (findings from CloudTrail, VPC flow logs and DNS "
        "queries)",
        ctx.tf(f"module.{AUDIT_MODULE}.aws_guardduty_detector.this"),
    )


def _posture(ctx: Context) -> Part:
    audit = _audit(ctx)
    standards = ctx.catalog.design.security_hub_standards
    names = ", ".join(standards[key].name for key in audit.security_hub_standards)
    m = f"module.{AUDIT_MODULE}"
    return Part(
        f"Security Hub in {ctx.req.cloud.region} checks {names} against an AWS Config recorder "
        "of every supported resource type",
        ctx.tf(
            f"{m}.aws_securityhub_account.this",
            *(
                f'{m}.aws_securityhub_standards_subscription.this["{key}"]'
                for key in audit.security_hub_standards
            ),
            f"{m}.aws_config_configuration_recorder.this",
            f"{m}.aws_config_delivery_channel.this",
            f"{m}.aws_config_configuration_recorder_status.this",
        ),
    )


def _flow_logs(ctx: Context) -> Part:
    days = ctx.observability.log_retention_days
    return Part(
        f"VPC flow logs of all traffic to CloudWatch Logs, kept {days} days",
        ctx.tf("module.vpc.aws_flow_log.this", "module.vpc.aws_cloudwatch_log_group.flow_log"),
    )


def _log_retention(ctx: Context) -> Part:
    evidence = ctx.tf("module.s3_logs.aws_s3_bucket_lifecycle_configuration.this")
    if ctx.eks:
        evidence += ctx.tf(
            "module.observability.aws_cloudwatch_log_group.this",
            "module.eks.aws_cloudwatch_log_group.cluster",
        )
    else:
        evidence += ctx.tf(_service_log_groups(ctx))
    return Part(
        "service, platform and load balancer logs in CloudWatch Logs and the access-log "
        f"bucket, kept {ctx.observability.retention_why}",
        evidence,
    )


def _alerting(ctx: Context) -> Part:
    m = "module.observability"
    evidence = ctx.tf(f"{m}.aws_sns_topic.alerts")
    # The cause alarms: database saturation, dead letters, certificate expiry.
    if (
        _stores(ctx, "rds")
        or any(q.dead_letter and q.engine in ("sqs", "sns") for q in ctx.data.queues)
        or ctx.network.load_balancer == "alb"
    ):
        evidence += ctx.tf(f"{m}.aws_cloudwatch_metric_alarm.cause")
    if ctx.alb_in_terraform:
        evidence += ctx.tf(
            f"{m}.aws_cloudwatch_metric_alarm.burn_rate",
            f"{m}.aws_cloudwatch_composite_alarm.burn_rate",
        )
    if ctx.eks:
        evidence += [
            _file(f"{K8S_BASE}/{s.name}/prometheusrule.yaml")
            for s in ctx.compute.services
            if s.port is not None
        ]
    return Part(
        "SLO burn-rate alerts page and cause alarms open tickets, all through the alert topic",
        evidence,
    )


def _change_pipeline(ctx: Context) -> Part:
    stages = " → ".join(s.name for s in ctx.delivery.stages)
    return Part(
        f"every change ships through the pipeline ({stages}), each stage gated",
        [_file(f".github/workflows/{s.name}.yml") for s in ctx.compute.services],
    )


def _recovery_address(store: StorePlan) -> str:
    if store.recovery == "read-replica":
        return f"module.{store_module(store)}_recovery.aws_db_instance.this"
    if store.recovery == "global-database":
        return f"module.{store_module(store)}_recovery.aws_rds_cluster.this"
    if store.recovery == "backup-replication":
        return f"aws_db_instance_automated_backups_replication.{snake(store.name)}"
    return f"module.{store_module(store)}_recovery.aws_s3_bucket.this"


def same_geography(region: str, other: str) -> bool:
    """Both regions in one geography (eu-*, us-*, ap-*...), the line the DR region choice
    keeps to when it can."""
    return region.rsplit("-", 2)[0] == other.rsplit("-", 2)[0]


def _data_residency(ctx: Context) -> Part:
    region = ctx.req.cloud.region
    how = f"every resource is created in {region}"
    evidence = ctx.tf("module.vpc.aws_vpc.this")
    copying: list[str] = [e.name for e in ctx.environments if e.cross_region_recovery]
    copied = [s for s in ctx.data.stores if s.recovery in COPIED_RECOVERY]
    if copying and copied:
        dr = ctx.data.recovery_region
        where = "the same geography" if same_geography(region, dr) else "another geography"
        how += (
            f"; {', '.join(copying)} copies {_names(copied)} to {dr} ({where}) for disaster "
            "recovery"
        )
        evidence += [
            Evidence(kind="terraform", ref=_recovery_address(s), environments=copying)
            for s in copied
        ]
    return Part(how, evidence)


_MECHANISMS: dict[str, Callable[[Context], Part | None]] = {
    "segmentation": _segmentation,
    "encryption-at-rest": _encryption_at_rest,
    "encryption-in-transit": _encryption_in_transit,
    "waf": _waf,
    "least-privilege": _least_privilege,
    "audit-trail": _audit_trail,
    "threat-detection": _threat_detection,
    "posture": _posture,
    "flow-logs": _flow_logs,
    "log-retention": _log_retention,
    "alerting": _alerting,
    "change-pipeline": _change_pipeline,
    "data-residency": _data_residency,
}


# --- controls --------------------------------------------------------------------------


def audit_plan(
    req: Requirements,
    catalog: Catalog,
    observability: ObservabilityDesign,
    environments: list[EnvironmentSizing],
) -> AuditPlan | None:
    """The account-level audit resources the regimes' controls use, or None."""
    controls = catalog.design.compliance_controls
    using: dict[str, set[str]] = {}
    for regime in req.compliance:
        for control in controls.get(regime.value, []):
            for mechanism in control.uses:
                using.setdefault(mechanism, set()).add(regime.value)
    if not _AUDIT_MECHANISMS & using.keys():
        return None
    posture = using.get("posture", set())
    standards = {
        key: standard.arn
        for key, standard in sorted(catalog.design.security_hub_standards.items())
        if posture & set(standard.regimes)
    }
    return AuditPlan(
        trail="audit-trail" in using,
        retention_days=max(MIN_AUDIT_RETENTION_DAYS, observability.log_retention_days),
        object_lock_mode={
            e.name: "COMPLIANCE" if e.deletion_protection else "GOVERNANCE" for e in environments
        },
        guardduty="threat-detection" in using,
        security_hub_standards=standards,
        config_recorder="posture" in using,
    )


def compliance_controls(ctx: Context) -> list[ComplianceControl]:
    """Every control of the spec's regimes, with what meets it and the resources that do."""
    out = []
    for regime in ctx.req.compliance:
        for control in ctx.catalog.design.compliance_controls.get(regime.value, []):
            parts = [_MECHANISMS[m](ctx) for m in control.uses]
            met = [p for p in parts if p is not None]
            if met:
                how = "; ".join(p.how for p in met)
                evidence = _unique(e for p in met for e in p.evidence)
            else:
                how = f"not applicable: {ctx.network.waf_why}"
                evidence = []
            out.append(
                ComplianceControl(
                    regime=regime.value,
                    control=control.control,
                    applies=bool(met),
                    how=how,
                    evidence=evidence,
                    outside=_outside(ctx, control.outside, control.uses, met),
                )
            )
    return out


def _unique(evidence: Iterable[Evidence]) -> list[Evidence]:
    """One mention per resource, in the order the mechanisms name them."""
    seen: set[tuple[str, str]] = set()
    out = []
    for item in evidence:
        if (item.kind, item.ref) not in seen:
            seen.add((item.kind, item.ref))
            out.append(item)
    return out


def _outside(
    ctx: Context, outside: str | None, uses: Sequence[str], parts: Sequence[Part]
) -> str | None:
    notes = [outside] if outside else []
    notes += [p.outside for p in parts if p.outside]
    if "data-residency" in uses:
        region, dr = ctx.req.cloud.region, ctx.data.recovery_region
        if any(e.cross_region_recovery for e in ctx.environments) and not same_geography(
            region, dr
        ):
            notes.append(
                f"{dr} is outside {region}'s geography: confirm the legal basis of the transfer "
                "(GDPR Chapter V) or run the design in a region with a neighbour"
            )
    regional = (["GuardDuty"] if "threat-detection" in uses else []) + (
        ["Security Hub", "AWS Config"] if "posture" in uses else []
    )
    if regional and any(e.cross_region_recovery for e in ctx.environments):
        runs, them = ("runs", "it") if len(regional) == 1 else ("run", "them")
        notes.append(
            f"{' and '.join(regional)} {runs} in {ctx.req.cloud.region} only; enable {them} in "
            f"{ctx.data.recovery_region} too (e.g. from your organisation's delegated "
            "administrator) before failing over there"
        )
    return "; ".join(notes) or None


def tls_to_services(req: Requirements) -> tuple[bool, str]:
    """Whether traffic stays encrypted up to each service, and why (printed in the spec)."""
    regimes = set(req.compliance)
    reasons = []
    if Compliance.PCI_DSS in regimes:
        reasons.append(
            "pci-dss: requirement 4.2.1 asks for strong cryptography only over open, public "
            "networks, but the hop from the load balancer carries cardholder data inside the "
            "cardholder data environment, and assessors commonly expect it encrypted there too"
        )
    if Compliance.HIPAA in regimes:
        reasons.append("hipaa: 164.312(e) transmission security, met as TLS on every hop")
    return bool(reasons), "; ".join(reasons)
