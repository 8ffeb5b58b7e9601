from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.event_data_stores import event_data_stores
from soc2lint.views.logging import trails

from .._common import surely_set
from ._shared import AUDIT_TRAIL, is_blank


@rule(
    id="LOG003",
    slug="cloudtrail-kms",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "CC6.1"),
    checklist=AUDIT_TRAIL,
    subjects=of_kinds(
        "AWS::CloudTrail::Trail",
        "AWS::CloudTrail::EventDataStore",
        what="CloudTrail trails and event data stores",
    ),
    control="CloudTrail trails encrypt their logs with a KMS key.",
    fix={
        "terraform": "Set `kms_key_id` to a customer-managed KMS key whose policy lets "
        "CloudTrail encrypt.",
        "cloudformation": "Set `KMSKeyId` to a customer-managed KMS key whose policy lets "
        "CloudTrail encrypt.",
    },
)
def cloudtrail_kms(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail does not encrypt its logs with a KMS key.

    What it checks:
        Every trail must name a KMS key (`kms_key_id` / `KMSKeyId`). Without
        one, log files are encrypted with S3-managed keys (SSE-S3) only.
        CloudTrail Lake event data stores (`aws_cloudtrail_event_data_store`,
        `AWS::CloudTrail::EventDataStore`) hold the same events and must name one
        too (`kms_key_id` / `KmsKeyId`): without it, CloudTrail encrypts them with
        an AWS-owned key.
    Why it matters for SOC 2:
        Audit logs hold account activity and must be readable only by those
        allowed to (checklist A, CC6.1). SSE-KMS adds a second permission check
        (the key policy) and records every decryption in CloudTrail, which
        SSE-S3 does not (CC7.2).
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
        - https://docs.aws.amazon.com/controltower/latest/controlreference/cloudtrail-rules.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html
    """
    for info in trails(ctx.graph):
        t = info.trail
        a = t.attr(tf="kms_key_id", cfn="KMSKeyId")
        if a.unknown:
            if not surely_set(a, ctx.graph):
                yield from ctx.unresolved(t, a)
            continue
        if is_blank(a):
            name = a.path_str
            value = "not set" if a.missing else describe_value(a.value)
            yield ctx.finding(
                t,
                a,
                f"{t.address}: log files are not encrypted with a KMS key (`{name}` is {value})",
            )
    for store in event_data_stores(ctx.graph):
        s = store.node
        a = s.attr(tf="kms_key_id", cfn="KmsKeyId")
        if a.unknown:
            if not surely_set(a, ctx.graph):
                yield from ctx.unresolved(s, a)
            continue
        if is_blank(a):
            value = "not set" if a.missing else describe_value(a.value)
            yield ctx.finding(
                s,
                a,
                f"{s.address}: the event data store's events are encrypted with an AWS-owned "
                f"key, not a KMS key of yours (`{a.path_str}` is {value})",
            )
