"""Argo: the Rollout and its SLO AnalysisTemplate for progressive delivery. Argo CD's
projects and Applications live with each cluster's platform (``_k8s_platform``)."""

from __future__ import annotations

from infra_architect.engine import Design, ServicePlan
from infra_architect.render._k8s_common import (
    ARGO,
    PROMETHEUS_URL,
    _labels,
    _meta,
    _selector,
    manifest_settings,
)
from infra_architect.render._k8s_observability import error_ratio, sli
from infra_architect.render._k8s_workloads import _template
from infra_architect.render._yaml import Doc


def _rollout(design: Design, service: ServicePlan) -> Doc:
    delivery = design.delivery
    pause = delivery.analysis_pause_seconds.whole
    analysis = {
        "templates": [{"templateName": "slo"}],
        "args": [
            {"name": "service", "value": service.name},
            {
                "name": "canary-hash",
                "valueFrom": {"podTemplateHashValue": "Latest"},
            },
        ],
    }
    if delivery.strategy == "canary":
        steps: list[Doc] = []
        for weight in delivery.canary_steps:
            steps += [{"setWeight": weight}, {"pause": {"duration": f"{pause}s"}}]
        strategy: Doc = {
            "canary": {
                "maxSurge": "25%",
                "maxUnavailable": 0,
                # Analysis runs from the first step; a failed check aborts and scales the
                # canary away, which is the automated rollback.
                "analysis": {**analysis, "startingStep": 1},
                "steps": steps,
            }
        }
    else:
        strategy = {
            "blueGreen": {
                "activeService": service.name,
                "previewService": f"{service.name}-preview",
                "autoPromotionEnabled": True,
                "prePromotionAnalysis": analysis,
                "scaleDownDelaySeconds": pause,
            }
        }
    return {
        "apiVersion": ARGO,
        "kind": "Rollout",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "revisionHistoryLimit": manifest_settings(design).revision_history_limit,
            "selector": {"matchLabels": _selector(service)},
            "strategy": strategy,
            "template": _template(design, service),
        },
    }


def analysis_template(design: Design) -> Doc:
    """The canary must not burn budget fast enough to page, nor be slower than the bound."""
    page = next(a for a in design.observability.alerts if a.severity == "page")
    delivery = design.delivery
    s = design.observability.sli
    canary = 'service="{{args.service}}",rollouts_pod_template_hash="{{args.canary-hash}}"'
    window = f"{delivery.analysis_window_seconds.whole}s"
    latency = (
        f"histogram_quantile(0.99, sum by (le) (rate({sli(s.latency_bucket, canary)}[{window}])))"
    )
    common = {
        "interval": f"{delivery.analysis_interval_seconds}s",
        # Argo fails the analysis when failures exceed the limit: the design's
        # analysis_failure_limit-th failed measurement aborts the rollout.
        "failureLimit": delivery.argo_failure_limit,
    }
    return {
        "apiVersion": ARGO,
        "kind": "AnalysisTemplate",
        "metadata": _meta("slo"),
        "spec": {
            "args": [{"name": "service"}, {"name": "canary-hash"}],
            "metrics": [
                {
                    "name": "error-ratio",
                    **common,
                    # No traffic yet is not a failure: an empty result counts as 0.
                    "successCondition": f"len(result) == 0 || result[0] <= "
                    f"{page.error_ratio_threshold:g}",
                    "provider": {
                        "prometheus": {
                            "address": PROMETHEUS_URL,
                            "query": error_ratio(design, canary, window),
                        }
                    },
                },
                {
                    "name": "latency-p99",
                    **common,
                    "successCondition": f"len(result) == 0 || result[0] <= "
                    f"{s.latency_p99_seconds:g}",
                    "provider": {"prometheus": {"address": PROMETHEUS_URL, "query": latency}},
                },
            ],
        },
    }
