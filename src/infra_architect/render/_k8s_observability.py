"""Kubernetes observability: ServiceMonitors, the SLO burn-rate PrometheusRules (recording
rules first) and the design's cause alarms as a PrometheusRule."""

from __future__ import annotations

from infra_architect.engine import CauseAlarm, Design, ServicePlan
from infra_architect.render._k8s_common import _labels, _meta, _selector
from infra_architect.render._yaml import Doc


def _service_monitor(design: Design, service: ServicePlan) -> Doc:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "selector": {"matchLabels": _selector(service)},
            "endpoints": [
                {
                    "port": "metrics",
                    "path": design.observability.sli.metrics_path,
                    "interval": "30s",
                    "relabelings": [
                        {
                            # Canary analysis tells the new version's series apart by this.
                            "sourceLabels": [
                                "__meta_kubernetes_pod_label_rollouts_pod_template_hash"
                            ],
                            "targetLabel": "rollouts_pod_template_hash",
                        },
                        {
                            "sourceLabels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
                            "targetLabel": "service",
                        },
                    ],
                }
            ],
        },
    }


def sli(template: str, selector: str) -> str:
    return template.format(selector=selector)


def error_ratio(design: Design, selector: str, window: str) -> str:
    s = design.observability.sli
    return (
        f"sum(rate({sli(s.errors, selector)}[{window}]))"
        f" / sum(rate({sli(s.requests, selector)}[{window}]))"
    )


def _windows(design: Design) -> list[str]:
    seen: list[str] = []
    for alert in design.observability.alerts:
        for window in (alert.short_window, alert.long_window):
            if window not in seen:
                seen.append(window)
    return seen


def _record(window: str) -> str:
    return f"slo:sli_error:ratio_rate{window}"


def prometheus_rule(design: Design, service: ServicePlan) -> Doc:
    """Multi-window burn-rate alerts on the service's request SLI (recording rules first)."""
    selector = f'service="{service.name}"'
    slo = design.constraints.error_budget.slo
    records = [
        {
            "record": _record(window),
            "expr": error_ratio(design, selector, window),
            "labels": {"service": service.name},
        }
        for window in _windows(design)
    ]
    alerts = []
    for alert in design.observability.alerts:
        threshold = f"{alert.error_ratio_threshold:g}"
        label = f'{{service="{service.name}"}}'
        alerts.append(
            {
                "alert": f"SLOErrorBudgetBurn{alert.long_window}",
                "expr": (
                    f"({_record(alert.long_window)}{label} > {threshold})"
                    f" and ({_record(alert.short_window)}{label} > {threshold})"
                ),
                "labels": {"severity": alert.severity, "service": service.name},
                "annotations": {
                    "summary": f"{service.name}: error budget burning {alert.burn_rate:g}x "
                    f"too fast ({alert.long_window} and {alert.short_window} windows)",
                    "description": f"At this rate {alert.budget_spent_percent:g}% of the "
                    f"30-day error budget of a {slo:g}% SLO is gone within "
                    f"{alert.long_window}; error ratio above {threshold} "
                    f"({alert.error_rate_threshold.worked} %).",
                    "runbook_url": "docs/runbooks/failed-rollout.md"
                    if alert.severity == "page"
                    else "docs/runbooks/node-failure.md",
                },
            }
        )
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "groups": [
                {"name": f"{service.name}-slo-recording", "interval": "30s", "rules": records},
                {"name": f"{service.name}-slo-alerts", "rules": alerts},
            ]
        },
    }


def cause_rule(design: Design, causes: list[CauseAlarm]) -> Doc:
    """The design's cause alarms on kube-state-metrics, as tickets."""
    rules = []
    for cause in causes:
        labels = {"severity": "ticket"}
        if cause.service is not None:
            labels["service"] = cause.service
        rule: Doc = {
            "alert": cause.name,
            "expr": f"{cause.signal} {cause.comparison} {cause.threshold or 0:g}",
        }
        if cause.for_seconds:
            rule["for"] = f"{cause.for_seconds}s"
        rule |= {"labels": labels, "annotations": {"summary": cause.summary}}
        rules.append(rule)
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": _meta("cause-alerts", {"app.kubernetes.io/part-of": design.name}),
        "spec": {"groups": [{"name": "causes", "rules": rules}]},
    }
