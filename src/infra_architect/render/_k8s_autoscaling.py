"""Kubernetes autoscaling: each service's HorizontalPodAutoscaler and its metric."""

from __future__ import annotations

from infra_architect.engine import Design, ServicePlan
from infra_architect.render._k8s_common import ARGO, _labels, _meta, uses_rollout
from infra_architect.render._yaml import Doc


def _hpa_metric(design: Design, service: ServicePlan, env: str) -> Doc:
    scaling = service.autoscaling
    assert scaling is not None  # noqa: S101  (callers check)
    if scaling.metric == "queue-backlog-per-replica":
        queue = next(u for u in service.uses if any(q.name == u for q in design.data.queues))
        return {
            # SQS depth as an external metric (the CloudWatch metrics adapter, or KEDA's
            # aws-sqs-queue scaler, publishes it); the target is messages per replica.
            "type": "External",
            "external": {
                "metric": {
                    "name": "sqs_approximate_number_of_messages_visible",
                    "selector": {"matchLabels": {"queue": f"{design.name}-{env}-{queue}"}},
                },
                "target": {"type": "AverageValue", "averageValue": f"{scaling.target:g}"},
            },
        }
    if scaling.metric == "requests-per-second":
        return {
            # The SLI's request rate per pod, served by prometheus-adapter's custom
            # metrics API; the target is the requests a pod serves at its CPU target.
            "type": "Pods",
            "pods": {
                "metric": {"name": design.observability.sli.request_rate_metric},
                "target": {"type": "AverageValue", "averageValue": f"{scaling.target:g}"},
            },
        }
    return {
        "type": "Resource",
        "resource": {
            "name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": scaling.target_percent},
        },
    }


def _hpa(design: Design, service: ServicePlan) -> Doc:
    scaling = service.autoscaling
    assert scaling is not None  # noqa: S101  (callers check)
    metric = _hpa_metric(design, service, "prod")
    kind = "Rollout" if uses_rollout(design, service) else "Deployment"
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _meta(service.name, _labels(design, service)),
        "spec": {
            "scaleTargetRef": {
                "apiVersion": ARGO if kind == "Rollout" else "apps/v1",
                "kind": kind,
                "name": service.name,
            },
            "minReplicas": service.min_replicas,
            "maxReplicas": service.max_replicas,
            "metrics": [metric],
            "behavior": {
                "scaleUp": {
                    # The design's policy (the spike simulation ran this): a share or a
                    # number of pods per period, whichever is more.
                    "stabilizationWindowSeconds": 0,
                    "selectPolicy": "Max",
                    "policies": [
                        {
                            "type": "Percent",
                            "value": scaling.scale_up_percent,
                            "periodSeconds": scaling.scale_up_period_seconds,
                        },
                        {
                            "type": "Pods",
                            "value": scaling.scale_up_pods,
                            "periodSeconds": scaling.scale_up_period_seconds,
                        },
                    ],
                },
                "scaleDown": {
                    "stabilizationWindowSeconds": scaling.scale_in_stabilisation_seconds,
                    "policies": [
                        {
                            "type": "Percent",
                            "value": scaling.scale_down_percent,
                            "periodSeconds": scaling.scale_down_period_seconds,
                        }
                    ],
                },
            },
        },
    }
