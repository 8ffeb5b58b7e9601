from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import CLOUDTRAIL_GLOBAL_EVENTS, CLOUDTRAIL_MULTI_REGION
from soc2lint.views.event_data_stores import event_data_stores
from soc2lint.views.logging import trails

from ._shared import AUDIT_TRAIL


@rule(
    id="LOG001",
    slug="cloudtrail-multi-region",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    subjects=of_kinds(
        "AWS::CloudTrail::Trail",
        "AWS::CloudTrail::EventDataStore",
        what="CloudTrail trails and event data stores",
    ),
    control="CloudTrail trails cover every region and global service events.",
    fix={
        "terraform": "Set `is_multi_region_trail = true` and leave "
        "`include_global_service_events` at its default (true).",
        "cloudformation": "Set `IsMultiRegionTrail: true` and leave "
        "`IncludeGlobalServiceEvents` at its default (true).",
    },
)
def cloudtrail_multi_region(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail is not multi-region or leaves out global service events.

    What it checks:
        Every `aws_cloudtrail` / `AWS::CloudTrail::Trail` must be a multi-region
        trail (`is_multi_region_trail` / `IsMultiRegionTrail`, default false) and
        must include global service events (`include_global_service_events` /
        `IncludeGlobalServiceEvents`, default true in the provider and in the
        CloudTrail API). A trail that fails both is reported once, at the
        multi-region setting. CloudTrail Lake event data stores
        (`aws_cloudtrail_event_data_store`, `AWS::CloudTrail::EventDataStore`) record
        the same events and fail when `multi_region_enabled` / `MultiRegionEnabled`
        is false (default true); they have no global-service-events setting.
    Why it matters for SOC 2:
        Checklist A (Audit Trail) asks for an account-wide record of API activity.
        A single-region trail misses every other region, and since November 2021
        IAM, STS and CloudFront events are only recorded in us-east-1, so a trail
        elsewhere without multi-region sees no identity changes (CC7.2).
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html
    """
    for info in trails(ctx.graph):
        t = info.trail
        mr = CLOUDTRAIL_MULTI_REGION.read(t)
        ge = CLOUDTRAIL_GLOBAL_EVENTS.read(t)
        problems: list[tuple[Attr, str]] = []
        if mr.ok is False:
            problems.append((mr.attr, f"not multi-region: {mr.problem}"))
        if ge.ok is False:
            problems.append((ge.attr, f"global service events excluded: `{ge.name}` is false"))
        if problems:
            yield ctx.finding(
                t, problems[0][0], f"{t.address}: " + "; ".join(p[1] for p in problems)
            )
            continue
        if mr.unknown:
            yield from ctx.unresolved(t, mr.attr)
        if ge.unknown:
            yield from ctx.unresolved(t, ge.attr)
    for store in event_data_stores(ctx.graph):
        a = store.node.attr(tf="multi_region_enabled", cfn="MultiRegionEnabled")
        if store.multi_region is None:
            yield from ctx.unresolved(store.node, a)
        elif store.multi_region is False:
            yield ctx.finding(
                store.node,
                a,
                f"{store.node.address}: the event data store records one Region only "
                f"(`{a.path_str}` is false)",
            )
