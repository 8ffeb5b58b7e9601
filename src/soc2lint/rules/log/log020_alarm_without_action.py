from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import ALARM_ACTIONS_ENABLED

from ._shared import MONITORING, alarm_notifies


def _composite_rule_text(ctx: Context) -> str:
    texts = []
    for c in ctx.graph.nodes("AWS::CloudWatch::CompositeAlarm"):
        v = c.get(tf="alarm_rule", cfn="AlarmRule")
        if isinstance(v, str):
            texts.append(v)
    return "\n".join(texts)


_DASHBOARDS = ("aws_cloudwatch_dashboard", "AWS::CloudWatch::Dashboard")


def _alarm_consumed(ctx: Context, alarm: Node, composite_text: str) -> bool:
    """Another resource watches the alarm's state (composite alarm, deployment rollback...)."""
    for _edge, other in ctx.graph.edges(alarm, "in", edge_kind=("ref", "literal")):
        if other.category == "resource" and other.kind not in _DASHBOARDS:
            return True
    name = alarm.get(tf="alarm_name", cfn="AlarmName")
    if isinstance(name, str) and name and composite_text:
        return f'"{name}"' in composite_text or f"({name})" in composite_text
    return False


@rule(
    id="LOG020",
    slug="alarm-without-action",
    severity=Severity.LOW,
    tsc=("CC7.3",),
    checklist=MONITORING,
    subjects=of_kinds(
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::CompositeAlarm",
        what="CloudWatch metric and composite alarms",
    ),
    control="CloudWatch alarms notify someone.",
    fix={
        "terraform": "Set `alarm_actions` to an SNS topic (or another action) and leave "
        "`actions_enabled` at true.",
        "cloudformation": "Set `AlarmActions` to an SNS topic (or another action) and leave "
        "`ActionsEnabled` at true.",
    },
)
def alarm_without_action(ctx: Context) -> Iterator[Report]:
    """CloudWatch alarm notifies nobody.

    What it checks:
        `aws_cloudwatch_metric_alarm` / `AWS::CloudWatch::Alarm` must have
        `alarm_actions` / `AlarmActions` and must not set `actions_enabled` /
        `ActionsEnabled` to false (default true). OK and insufficient-data
        actions alone do not count. Alarms whose state another resource
        watches are exempt: inputs of a composite alarm (by reference or by
        name in its rule), alarms a deployment group, health check or service
        refers to. Composite alarms (`aws_cloudwatch_composite_alarm`,
        `AWS::CloudWatch::CompositeAlarm`) are alarms too, with the same
        `alarm_actions` / `AlarmActions` and `actions_enabled` / `ActionsEnabled`;
        one that is itself an input of another composite alarm is exempt.
    Why it matters for SOC 2:
        Monitoring only works if someone is told (checklist C, CC7.3): an alarm
        without an action changes colour on a dashboard nobody is looking at.
    References:
        - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
        - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Acting_Alarm_Changes.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_metric_alarm
    """
    composite_text = _composite_rule_text(ctx)
    for alarm in ctx.graph.nodes(("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")):
        notifies = alarm_notifies(alarm)
        if notifies is True or _alarm_consumed(ctx, alarm, composite_text):
            continue
        enabled = ALARM_ACTIONS_ENABLED.read(alarm)
        actions = alarm.attr(tf="alarm_actions", cfn="AlarmActions")
        if notifies is None:
            yield from ctx.unresolved(alarm, actions if actions.unknown else enabled.attr)
            continue
        if enabled.ok is False:
            yield ctx.finding(
                alarm,
                enabled.attr,
                f"{alarm.address}: alarm actions are disabled ({enabled.problem})",
            )
            continue
        name = actions.path_str
        value = "not set" if actions.missing else "empty"
        yield ctx.finding(
            alarm, actions, f"{alarm.address}: the alarm notifies nobody (`{name}` is {value})"
        )
