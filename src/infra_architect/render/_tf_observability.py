"""Terraform of observability: log groups, SLO burn-rate alarms and the design's
CloudWatch cause alarms."""

from __future__ import annotations

from infra_architect.engine import CauseAlarm, Design, EnvironmentSizing
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
    queue_module,
    store_module,
)
from infra_architect.render._tf_common import (
    _alb_in_terraform,
    _is_eks,
    _module,
    _tags,
    certificate_arn,
)


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
        key = f"{alert.severity}-{alert.long_window}-{alert.short_window}"
        if alert.cloudwatch_capped:
            notes.append(
                Comment(
                    f"{key}: CloudWatch evaluates at most one day per datapoint, so its "
                    f"{alert.long_window} window is watched as 1d at the same threshold."
                )
            )
        alerts[key] = {
            "severity": alert.severity,
            "long_window_seconds": alert.cloudwatch_long_window_seconds.whole,
            "short_window_seconds": alert.short_window_seconds,
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
        return {"CertificateArn": Expr(certificate_arn(design))}
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
