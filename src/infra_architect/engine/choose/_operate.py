"""Observability and security: how operators see the system, and what guards it."""

from __future__ import annotations

from infra_architect._figures import figure
from infra_architect.catalog import Catalog, CauseAlarmPolicy
from infra_architect.engine._design_model import (
    Alternative,
    CauseAlarm,
    ComputeDesign,
    Dashboards,
    DataDesign,
    Decision,
    DeliveryDesign,
    EnvironmentSizing,
    NetworkDesign,
    ObservabilityDesign,
    Permission,
    SecurityDesign,
    ServiceIdentity,
    Sli,
    SloAlert,
    StorePlan,
)
from infra_architect.engine.choose._compliance import (
    Context,
    audit_plan,
    compliance_controls,
    tls_to_services,
)
from infra_architect.spec import Requirements, ServiceType

# RDS rotates the master secret it manages every seven days unless told otherwise
# (Amazon RDS User Guide, "Password management with Amazon RDS and AWS Secrets Manager").
SECRET_ROTATION_DAYS = 7


# Seconds in a burn-rate window's unit (the catalog writes windows as 5m, 1h, 3d).
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86_400}


def window_seconds(window: str) -> int:
    """A burn-rate window in seconds; the catalog's pattern admits only <n>m|h|d."""
    return int(window[:-1]) * _UNIT_SECONDS[window[-1]]


def choose_observability(
    req: Requirements, catalog: Catalog, compute: ComputeDesign
) -> ObservabilityDesign:
    name = req.metadata.name
    design = catalog.design
    workloads = design.workloads
    slo = req.availability.slo
    k8s = compute.platform.kubernetes
    if k8s:
        metrics = "Prometheus (prometheus-operator) with Grafana; SLO rules as PrometheusRules"
        logs = "Fluent Bit DaemonSet to CloudWatch Logs"
        traces = "OpenTelemetry Collector to AWS X-Ray"
        selected = "Prometheus + Grafana, CloudWatch Logs, OpenTelemetry to X-Ray"
        why = (
            "the cluster already speaks Prometheus (kube-state-metrics, HPA, Argo Rollouts "
            "analysis query it); logs go to CloudWatch so they outlive the cluster"
        )
        alternatives = [
            Alternative(
                name="CloudWatch only",
                why_not="Container Insights lacks per-pod PromQL that canary analysis and "
                "SLO burn-rate rules need",
            ),
        ]
    else:
        metrics = "CloudWatch metrics (Container Insights), alarms and dashboards"
        logs = "CloudWatch Logs (awslogs driver)"
        traces = "AWS X-Ray through the ADOT collector sidecar"
        selected = "CloudWatch metrics, logs and alarms; X-Ray traces"
        why = (
            "nothing to run: ECS and Lambda publish metrics and logs to CloudWatch natively, "
            f"which a team with {req.team.ops_experience.value} ops experience can own"
        )
        alternatives = [
            Alternative(
                name="self-hosted Prometheus + Grafana",
                why_not="a monitoring stack to operate and keep available, bigger than the "
                "system it watches",
            ),
        ]
    alternatives.append(
        Alternative(
            name="SaaS (Datadog, New Relic)",
            why_not="per-host and per-GB pricing grows with the fleet"
            + (
                "; data leaves the account (a compliance review for "
                + ", ".join(c.value for c in req.compliance)
                + ")"
                if req.compliance
                else ""
            ),
        )
    )
    alerts = [
        SloAlert(
            severity=a.severity,
            burn_rate=a.burn_rate,
            long_window=a.long_window,
            short_window=a.short_window,
            error_rate_threshold=figure(
                a.burn_rate * (100 - slo),
                "% errors",
                "{burn_rate} × (100 - {slo})",
                burn_rate=a.burn_rate,
                slo=slo,
            ),
            budget_spent_percent=a.budget_spent_percent,
            long_window_seconds=window_seconds(a.long_window),
            short_window_seconds=window_seconds(a.short_window),
            cloudwatch_long_window_seconds=figure(
                min(window_seconds(a.long_window), design.cloudwatch_max_period_seconds),
                "s",
                "min({long_window_seconds}, {cloudwatch_max_period_seconds})",
                long_window_seconds=window_seconds(a.long_window),
                cloudwatch_max_period_seconds=design.cloudwatch_max_period_seconds,
            ),
        )
        for a in design.burn_rate_alerts
    ]
    retention = [(design.log_retention_days["default"], "default")]
    retention += [(design.log_retention_days[c.value], c.value) for c in req.compliance]
    days, source = max(retention)
    decision = Decision(
        id="observability",
        title="Observability",
        selected=selected,
        alternatives=alternatives,
        why=f"{why}; pages on SLO burn rate (symptoms), tickets on causes",
        risk="alerts on causes alone page for things users never notice; burn-rate alerts "
        "need the error ratio measured at the load balancer, not inside services",
        drivers=["availability.slo", "compliance", "decisions.compute"],
    )
    return ObservabilityDesign(
        decision=decision,
        metrics=metrics,
        logs=logs,
        traces=traces,
        dashboards=Dashboards(
            slo=f"{name} / SLO overview (availability, error budget left, burn rate)",
            services=f"{name} / services (rate, errors, duration per service)",
            capacity=f"{name} / capacity (replicas vs min/max, CPU, nodes or tasks)",
            data=f"{name} / data (connections, latency, replication lag, queue depth)",
            deploys=f"{name} / deploys (versions, rollout state, canary analysis)",
        ),
        log_groups=[f"/{name}/prod/{s.name}" for s in compute.services]
        + ([f"/{name}/prod/load-balancer"] if any(s.public for s in compute.services) else []),
        alerts=alerts,
        cause_alarms=cause_alarms(design.cause_alarms, compute),
        log_retention_days=days,
        retention_why=f"{days} days ({source})",
        access_logs_noncurrent_days=design.access_logs_noncurrent_days,
        sli=Sli(
            requests=workloads.sli_requests,
            errors=workloads.sli_errors,
            latency_bucket=workloads.sli_latency_bucket,
            latency_p99_seconds=workloads.latency_p99_seconds,
            metrics_path=workloads.metrics_path,
            request_rate_metric=workloads.request_rate_metric,
        ),
    )


def choose_security(  # noqa: PLR0917  (the design's parts, in pipeline order)
    req: Requirements,
    catalog: Catalog,
    compute: ComputeDesign,
    data: DataDesign,
    network: NetworkDesign,
    delivery: DeliveryDesign,
    observability: ObservabilityDesign,
    environments: list[EnvironmentSizing],
) -> SecurityDesign:
    name = req.metadata.name
    mechanism = {
        "eks": "IRSA: the service account assumes the role through the cluster's OIDC provider",
        "eks-karpenter": "IRSA: the service account assumes the role through the cluster's "
        "OIDC provider",
        "ecs-fargate": "ECS task role",
        "lambda": "Lambda execution role",
    }[compute.platform]
    stores = {s.name: s for s in data.stores}
    queues = {q.name: q for q in data.queues}
    identities: list[ServiceIdentity] = []
    secrets = [
        f"{name}/prod/{store.name}/master (RDS-managed, rotated)"
        for store in data.stores
        if store.engine in ("postgres", "mysql")
    ] + [
        # Amazon MQ for RabbitMQ has no IAM authentication, and aws_mq_broker takes the
        # user's password in plain text: Terraform's state holds it too.
        f"{name}-prod-{queue.name}/mq (generated once by Secrets Manager; also in Terraform "
        "state, as Amazon MQ for RabbitMQ takes the broker user's password only in plain "
        "text: keep the state bucket encrypted and its readers few; not rotated "
        "automatically)"
        for queue in data.queues
        if queue.engine == "rabbitmq"
    ]
    caches = [s.name for s in data.stores if s.kind == "elasticache"]
    memorydbs = [s.name for s in data.stores if s.kind == "memorydb"]
    for plan in compute.services:
        permissions: list[Permission] = []
        for use in plan.uses:
            if use in stores:
                permissions.append(_store_permission(name, stores[use], use))
            elif use in queues:
                consumer = plan.type is ServiceType.WORKER
                permissions.append(
                    _queue_permission(queues[use].engine, use, plan.name, consumer=consumer)
                )
        identities.append(
            ServiceIdentity(
                service=plan.name,
                role=f"{name}-{plan.name}",
                mechanism=mechanism,
                permissions=permissions,
            )
        )
    tls_everywhere, tls_why = tls_to_services(req)
    audit = audit_plan(req, catalog, observability, environments)
    controls = compliance_controls(
        Context(
            req=req,
            catalog=catalog,
            compute=compute,
            network=network,
            data=data,
            delivery=delivery,
            observability=observability,
            environments=environments,
            tls_to_services=tls_everywhere,
            identity_mechanism=mechanism,
            identities=identities,
            audit=audit,
        )
    )
    decision = Decision(
        id="security",
        title="Identity, secrets and encryption",
        selected=f"a role per service ({mechanism}), Secrets Manager with rotation, KMS keys",
        alternatives=[
            Alternative(
                name="one shared node/instance role",
                why_not="every service could read every store: one compromised service "
                "exposes all data",
            ),
            Alternative(
                name="HashiCorp Vault",
                why_not="a highly available secrets cluster to run and unseal; Secrets "
                "Manager rotates RDS credentials natively",
            ),
        ],
        why=f"least privilege: {len(identities)} roles, each allowed only the stores and queues "
        "its service lists in uses; no long-lived keys anywhere"
        + (
            "; controls for " + ", ".join(sorted(c.value for c in req.compliance))
            if req.compliance
            else ""
        ),
        risk="permissions follow the spec's uses: a service that touches a store the spec "
        "does not list will be denied until the spec says so",
        drivers=["system.services[].uses", "compliance"],
    )
    return SecurityDesign(
        decision=decision,
        identities=identities,
        segmentation="public, private and data subnet tiers; a security group per service "
        "allowing only its callers; data subnets without an internet route"
        + (
            "; Kubernetes NetworkPolicies deny by default and allow each call edge"
            if compute.platform.kubernetes
            else ""
        ),
        secrets=secrets,
        secret_rotation_days=SECRET_ROTATION_DAYS,
        cache_authentication=_cache_authentication(caches, memorydbs),
        encryption_at_rest="a customer-managed KMS key per environment (rotation on) for "
        "RDS, ElastiCache, OpenSearch, S3, SQS, logs and secrets",
        encryption_in_transit="TLS 1.2+ at the load balancer "
        "(ELBSecurityPolicy-TLS13-1-2-2021-06); TLS to RDS (force_ssl) and ElastiCache "
        "(in-transit encryption)"
        + (
            "; TLS up to each service too: the load balancer re-encrypts to HTTPS targets "
            "(which it does not verify, so a certificate the service generates at start-up "
            f"serves) and services call each other over HTTPS ({tls_why})"
            if tls_everywhere
            else "; the load balancer forwards to services over HTTP inside private subnets "
            "that admit only it"
        ),
        tls_to_services=tls_everywhere,
        controls=controls,
        audit=audit,
    )


def _cache_authentication(caches: list[str], memorydbs: list[str]) -> str | None:
    parts = []
    if caches:
        parts.append(
            f"{', '.join(caches)}: no password anywhere. ElastiCache IAM authentication: each "
            "client signs a 15-minute token with its own role (elasticache:Connect on the "
            "cache and its user) and presents it in AUTH; Terraform creates the user and the "
            "user group, and its state holds no credential"
        )
    if memorydbs:
        parts.append(
            f"{', '.join(memorydbs)}: no password either. MemoryDB IAM authentication: each "
            "client signs a 15-minute token with its own role (memorydb:Connect on the "
            "cluster and its user) and presents it in AUTH over TLS; the cluster's ACL holds "
            "only that user"
        )
    return "; ".join(parts) or None


def _store_permission(system: str, plan: StorePlan, store: str) -> Permission:
    engine = plan.engine
    if plan.kind == "memorydb":
        # IAM authentication (Redis OSS 7+): the client signs a token as the cluster's user
        # (MemoryDB Developer Guide, "Authenticating with IAM").
        return Permission(
            kind="cache-iam",
            target=store,
            resource=f"MemoryDB cluster {system}-prod-{store} as its user",
            actions=["memorydb:Connect"],
        )
    if engine in ("postgres", "mysql"):
        return Permission(
            kind="database-secret",
            target=store,
            resource=f"secret {system}/prod/{store}/master",
            actions=["secretsmanager:GetSecretValue"],
        )
    if engine == "redis":
        # IAM authentication: connecting as the cache's user is the permission.
        return Permission(
            kind="cache-iam",
            target=store,
            resource=f"cache {system}-prod-{store} as its user",
            actions=["elasticache:Connect"],
        )
    if engine == "s3":
        return Permission(
            kind="bucket",
            target=store,
            resource=f"bucket {system}-{store}/*",
            actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        )
    if engine == "dynamodb":
        return Permission(
            kind="table",
            target=store,
            resource=f"table {store}",
            actions=[
                "dynamodb:DeleteItem",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
            ],
        )
    return Permission(
        kind="search-domain",
        target=store,
        resource=f"domain {store}/*",
        actions=["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
    )


def _queue_permission(engine: str, queue: str, service: str, *, consumer: bool) -> Permission:
    if engine in ("sqs", "sns"):
        actions = (
            [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ]
            if consumer
            else (["sqs:SendMessage"] if engine == "sqs" else ["sns:Publish"])
        )
        if engine == "sns" and not consumer:
            return Permission(
                kind="topic", target=queue, resource=f"topic {queue}", actions=actions
            )
        # An SNS topic fans out to one queue per consumer, named after it.
        target = f"{queue}-{service}" if engine == "sns" else queue
        return Permission(kind="queue", target=target, resource=f"queue {target}", actions=actions)
    if engine == "kinesis":
        # A consumer lists the shards to lease them (the KCL calls ListShards and
        # DescribeStreamSummary); a producer only writes.
        actions = (
            [
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
            ]
            if consumer
            else ["kinesis:PutRecord", "kinesis:PutRecords"]
        )
        return Permission(kind="stream", target=queue, resource=f"stream {queue}", actions=actions)
    if engine == "kafka":
        # MSK IAM access control: each action with the actions it requires (MSK Developer
        # Guide, "Semantics of IAM authorization policy actions and resources"). A consumer
        # reads the topic in its own group (the service's name); a producer writes
        # idempotently (the Kafka client's default since 3.0) and creates the topic with
        # the design's partitions (the brokers do not auto-create topics).
        common = [
            "kafka-cluster:Connect",
            "kafka-cluster:DescribeCluster",
            "kafka-cluster:DescribeTopic",
        ]
        actions = common + (
            [
                "kafka-cluster:AlterGroup",
                "kafka-cluster:DescribeGroup",
                "kafka-cluster:ReadData",
            ]
            if consumer
            else [
                "kafka-cluster:CreateTopic",
                "kafka-cluster:WriteData",
                "kafka-cluster:WriteDataIdempotently",
            ]
        )
        return Permission(
            kind="kafka-cluster", target=queue, resource=f"cluster {queue}", actions=actions
        )
    return Permission(
        kind="broker-secret",
        target=queue,
        resource=f"broker {queue}",
        actions=["secretsmanager:GetSecretValue"],
    )


def cause_alarms(policy: CauseAlarmPolicy, compute: ComputeDesign) -> list[CauseAlarm]:
    """The compute platform's cause alarms. On EKS, kube-state-metrics has each signal
    (HPA replicas, container restarts, node conditions). On ECS, Container Insights has
    a service's running tasks; it has no restart count, and ECS replaces a failed task
    itself (the deployment circuit breaker stops a deploy that keeps failing)."""
    at_max = policy.replicas_at_max_seconds
    scaled = [
        s for s in compute.services if s.autoscaling is not None and s.type is not ServiceType.CRON
    ]
    if not compute.platform.kubernetes:
        return [
            CauseAlarm(
                name=f"{s.name}-at-max-tasks",
                summary=f"{s.name}: running tasks at the service's maximum for "
                f"{_minutes(at_max)} (ticket: raise the maximum or the quota)",
                rendered_in="cloudwatch",
                service=s.name,
                signal="ECS/ContainerInsights/RunningTaskCount",
                comparison=">=",
                threshold=None,
                for_seconds=at_max,
                statistic="Minimum",
                period_seconds=policy.service_period_seconds,
                evaluation_periods=max(1, at_max // policy.service_period_seconds),
            )
            for s in scaled
        ]
    out = []
    for s in scaled:
        hpa = f'horizontalpodautoscaler="{s.name}"'
        out.append(
            CauseAlarm(
                name="ReplicasAtMaximum",
                summary=f"{s.name}: replicas at the HPA's maximum for {_minutes(at_max)} "
                "(ticket: raise the maximum or the node pool)",
                rendered_in="prometheus",
                service=s.name,
                signal=f"kube_horizontalpodautoscaler_status_current_replicas{{{hpa}}} - "
                f"kube_horizontalpodautoscaler_spec_max_replicas{{{hpa}}}",
                comparison=">=",
                threshold=0,
                for_seconds=at_max,
            )
        )
    for s in compute.services:
        if s.type is ServiceType.CRON:
            continue
        window = policy.restarts_window_seconds
        out.append(
            CauseAlarm(
                name="ContainerRestarting",
                summary=f"{s.name}: container restarts above {policy.restarts_above} in "
                f"{_minutes(window)}",
                rendered_in="prometheus",
                service=s.name,
                signal=f'sum(increase(kube_pod_container_status_restarts_total{{container="'
                f'{s.name}"}}[{window}s]))',
                comparison=">",
                threshold=policy.restarts_above,
                for_seconds=0,
            )
        )
    out.append(
        CauseAlarm(
            name="NodeNotReady",
            summary=f"a node NotReady for {_minutes(policy.node_not_ready_seconds)}",
            rendered_in="prometheus",
            service=None,
            signal='kube_node_status_condition{condition="Ready",status="true"}',
            comparison="==",
            threshold=0,
            for_seconds=policy.node_not_ready_seconds,
        )
    )
    return out


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min"
