"""IA-TF-012: alarms on causes, none on what users see."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import ENTRY_POINTS, Resource, TerraformGraph, nested, value
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-012",
    title="Alarms watch causes but no user-facing symptom",
    severity=Severity.MEDIUM,
    rationale="CPU, memory or disk alarms fire for things users never notice and stay "
    "silent through the outages they do (bad deploys, dependency errors, timeouts): the "
    "first sign of a broken entry point is a customer.",
    remediation="Alarm on the symptom at the entry point: the 5xx ratio and latency at "
    "the load balancer or API gateway (ideally multi-window SLO burn rate), a synthetic "
    "canary or a Route 53 health check; keep cause alarms as tickets.",
)

_SYMPTOM_METRICS = (
    "5XX",
    "5xx",
    "TargetResponseTime",
    "Latency",
    "IntegrationLatency",
    "HealthyHostCount",
    "UnHealthyHostCount",
    "HealthCheckStatus",
    "SuccessPercent",
    "ErrorRate",
    "error",
    "Error",
    "availability",
    "Availability",
)
_SYMPTOM_RESOURCES = ("aws_synthetics_canary", "aws_route53_health_check")


def _metrics(graph: TerraformGraph, alarm: Resource) -> list[str]:
    names: list[str] = []
    direct = value(graph, alarm, "metric_name")
    if isinstance(direct, str):
        names.append(direct)
    for query in nested(alarm, "metric_query"):
        metrics = query.get("metric")
        for metric in metrics if isinstance(metrics, list) else []:
            if isinstance(metric, dict):
                name = graph.value(metric.get("metric_name"), alarm.scope)
                if isinstance(name, str):
                    names.append(name)
        expression = query.get("expression")
        if isinstance(expression, str):
            names.append(expression)
    return names


def _symptom(graph: TerraformGraph, alarm: Resource) -> bool:
    if alarm.type == "aws_cloudwatch_composite_alarm":
        return True  # composed from others: judged by what it composes, not here
    metrics = _metrics(graph, alarm)
    return not metrics or any(s in m for m in metrics for s in _SYMPTOM_METRICS)


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    entries = sorted(graph.of_type(*ENTRY_POINTS), key=lambda r: (r.file, r.line))
    alarms = sorted(
        graph.of_type("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"),
        key=lambda r: (r.file, r.line),
    )
    if not entries or not alarms or any(graph.of_type(*_SYMPTOM_RESOURCES)):
        return
    if any(_symptom(graph, a) for a in alarms):
        return
    causes = sorted({m for a in alarms for m in _metrics(graph, a)})
    yield finding(
        META,
        alarms[0],
        f"{len(alarms)} alarm{'s' if len(alarms) > 1 else ''} on {', '.join(causes)}; none "
        f"on errors or latency at {entries[0].address}",
        *(a.address for a in alarms[1:]),
        entries[0].address,
    )
