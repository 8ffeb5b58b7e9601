from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, Report, rule
from soc2lint.views.logging import trails
from soc2lint.views.populations import TRAILS

from .._common import surely_set
from ._shared import AUDIT_TRAIL


@rule(
    id="LOG006",
    slug="cloudtrail-to-cloudwatch",
    severity=Severity.LOW,
    tsc=("CC7.2", "CC7.3"),
    checklist=AUDIT_TRAIL,
    subjects=TRAILS,
    control="CloudTrail trails deliver to CloudWatch Logs.",
    fix={
        "terraform": "Set `cloud_watch_logs_group_arn` (with `:*`) and "
        "`cloud_watch_logs_role_arn` on the trail.",
        "cloudformation": "Set `CloudWatchLogsLogGroupArn` and `CloudWatchLogsRoleArn` on the "
        "trail.",
    },
)
def cloudtrail_to_cloudwatch(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail does not deliver to CloudWatch Logs.

    What it checks:
        Every trail should stream its events to a CloudWatch Logs group
        (`cloud_watch_logs_group_arn` / `CloudWatchLogsLogGroupArn`). An
        unresolved value counts as set.
    Why it matters for SOC 2:
        Alarms on security events (LOG021, checklist C) can only be built on a
        log group; a trail that only writes to S3 is reviewed after the fact,
        not monitored (CC7.2, CC7.3).
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    for info in trails(ctx.graph):
        t = info.trail
        a = info.log_group_attr
        if a.unknown:
            if not surely_set(a, ctx.graph):
                yield from ctx.unresolved(t, a)
            continue
        if info.log_group_state == "none":
            name = a.path_str
            value = "not set" if a.missing else describe_value(a.value)
            yield ctx.finding(
                t,
                a,
                f"{t.address}: events are not delivered to CloudWatch Logs "
                f"(`{name}` is {value}), so no alarm can watch them",
            )
