"""The LOG rules' helpers: CIS metric filter patterns, alarms, control locations."""

from __future__ import annotations

import pytest

import soc2lint.rules.log.log021_security_alarms as support
from soc2lint.model import Unknown
from soc2lint.rules.log._shared import alarm_notifies, join_names
from soc2lint.rules.log.log021_security_alarms import (
    CONSOLE_FAILURES,
    IAM_POLICY_CHANGES,
    ROOT_USAGE,
    UNAUTHORIZED_CALLS,
    MetricRef,
    alarm_metrics,
    classify_pattern,
    filter_metrics,
    pattern_problem,
)

from helpers import make_node


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # CIS AWS Foundations Benchmark 1.4 / 3.0 spellings
        (
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            {UNAUTHORIZED_CALLS},
        ),
        (
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
            '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
            {UNAUTHORIZED_CALLS},
        ),
        (
            '{($.errorCode="UnauthorizedOperation")||($.errorCode="AccessDenied")}',
            {UNAUTHORIZED_CALLS},
        ),
        (
            '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
            {CONSOLE_FAILURES},
        ),
        (
            '{ $.eventName = "ConsoleLogin" && $.responseElements.ConsoleLogin = "Failure" }',
            {CONSOLE_FAILURES},
        ),
        (
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
            '$.eventType != "AwsServiceEvent" }',
            {ROOT_USAGE},
        ),
        (
            "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||"
            "($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||"
            "($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||"
            "($.eventName=CreatePolicy)||($.eventName=DeletePolicy)}",
            {IAM_POLICY_CHANGES},
        ),
        (
            '{ $.eventSource = iam.amazonaws.com && $.eventName = "Attach*Policy" }',
            {IAM_POLICY_CHANGES},
        ),
        # not the classes
        ('{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != "Yes") }', set()),
        ("{ ($.eventName = CreateUser) || ($.eventName = DeleteUser) }", set()),
        ('{ $.userIdentity.type != "Root" }', set()),
        ("ERROR", set()),
    ],
)
def test_classify_cis_patterns(pattern: str, expected: set[str]) -> None:
    assert classify_pattern(pattern) == expected


def test_metrics_of_filters_and_alarms() -> None:
    f = make_node(
        "aws_cloudwatch_log_metric_filter.f",
        "AWS::Logs::MetricFilter",
        {"metric_transformation": [{"name": "Root", "namespace": "CIS", "value": "1"}]},
    )
    a = make_node(
        "aws_cloudwatch_metric_alarm.a",
        "AWS::CloudWatch::Alarm",
        {"metric_name": "Root", "namespace": "CIS", "alarm_actions": ["arn:aws:sns:x"]},
    )
    (fm,) = filter_metrics(f)
    (am,) = alarm_metrics(a)
    assert fm.matches(am) is True
    assert MetricRef("Root", "Other").matches(am) is False
    assert MetricRef(Unknown("each.key"), "CIS").matches(am) is None
    assert alarm_notifies(a) is True
    cfn = make_node(
        "Alarm",
        "AWS::CloudWatch::Alarm",
        {
            "Metrics": [
                {"Id": "m", "MetricStat": {"Metric": {"MetricName": "Root", "Namespace": "CIS"}}}
            ],
            "AlarmActions": ["arn:aws:sns:x"],
            "ActionsEnabled": False,
        },
        language="cloudformation",
    )
    assert alarm_metrics(cfn)[0].matches(fm) is True
    assert alarm_notifies(cfn) is False


def test_alarm_notifies_three_valued() -> None:
    def alarm(**attrs: object) -> bool | None:
        return alarm_notifies(
            make_node("aws_cloudwatch_metric_alarm.a", "AWS::CloudWatch::Alarm", attrs)
        )

    assert alarm() is False
    assert alarm(alarm_actions=[]) is False
    assert alarm(alarm_actions=Unknown("var.topics")) is None
    assert alarm(alarm_actions=["t"], actions_enabled=Unknown("var.on")) is None
    assert alarm(alarm_actions=["t"], actions_enabled=False) is False


def test_join_names() -> None:
    assert join_names([]) == ""
    assert join_names(["a"]) == "a"
    assert join_names(["a", "b", "c"]) == "a, b and c"
    assert support.EVENT_CLASSES[0] == CONSOLE_FAILURES


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        # CIS spellings parse and can match
        ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }', None),
        (
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
            '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
            None,
        ),
        ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }', None),
        ("{ $.eventSource = iam.amazonaws.com && $.eventName = Attach*Policy }", None),
        ("{ $.latency > 500 && $.status IS NULL && $.path = %^/api% }", None),
        ("ERROR", None),  # a term pattern: not judged
        # never match
        ('$.userIdentity.type = "Root"', "braces"),
        ('{ ($.userIdentity.type = "Root" }', "does not parse"),
        ("{ $.eventName = }", "does not parse"),
        ('{ $.userIdentity.type = "Root" && $.userIdentity.type = "IAMUser" }', "contradict"),
        ('{ ($.eventName = "A" && $.eventName != "A") || ($.x = 1 && $.x = 2) }', "contradict"),
    ],
)
def test_patterns_that_can_never_match(pattern: str, problem: str | None) -> None:
    got = pattern_problem(pattern)
    if problem is None:
        assert got is None
    else:
        assert got is not None and problem in got
