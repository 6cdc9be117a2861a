"""IA-TF-016: an alarm that notifies nobody and drives nothing."""

from __future__ import annotations

from collections.abc import Iterator

from infra_architect.iac import TerraformGraph
from infra_architect.rules._model import Finding, RuleContext, RuleMeta, Severity
from infra_architect.rules.terraform._helpers import finding

META = RuleMeta(
    id="IA-TF-016",
    title="Alarm that notifies nobody",
    severity=Severity.MEDIUM,
    rationale="An alarm without alarm_actions (or with actions disabled) changes state in "
    "the console and nowhere else: nobody is paged, no ticket is opened, nothing scales. "
    "It looks like monitoring in review and is silence in an outage.",
    remediation="Give the alarm alarm_actions (an SNS topic that pages or tickets, a "
    "scaling policy), or feed it into a composite alarm, a CodeDeploy or ECS deployment "
    "rollback or a Route 53 health check that does act on it.",
    references=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_metric_alarm#alarm_actions",
    ),
)

_ALARMS = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
_CONSUMERS = {
    "aws_cloudwatch_composite_alarm": ("alarm_rule",),
    "aws_codedeploy_deployment_group": ("alarm_configuration",),
    "aws_ecs_service": ("alarms",),
    "aws_route53_health_check": ("cloudwatch_alarm_name",),
}
"""Resources that act on an alarm's state themselves, and where they name it: an alarm
they consume needs no action of its own."""


def _consumed(graph: TerraformGraph) -> set[str]:
    used: set[str] = set()
    for consumer in graph.of_type(*_CONSUMERS):
        for key in _CONSUMERS[consumer.type]:
            used |= graph.references(consumer.get(key), consumer.scope)
    return used


def check(graph: TerraformGraph, context: RuleContext) -> Iterator[Finding]:
    del context
    consumed = _consumed(graph)
    for alarm in graph.of_type(*_ALARMS):
        if alarm.address in consumed:
            continue
        enabled = graph.value(alarm.get("actions_enabled", True), alarm.scope)
        actions = graph.value(alarm.get("alarm_actions", []), alarm.scope)
        if enabled is False:
            yield finding(META, alarm, f"{alarm.address} has its actions disabled")
        elif actions is None or actions == []:
            yield finding(META, alarm, f"{alarm.address} has no alarm_actions: it notifies nobody")
