from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.encryption import written

from .._common import surely_set
from ._shared import CHECKLIST, TSC


@rule(
    id="ENC009",
    slug="sns-encrypted",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::SNS::Topic", what="SNS topics"),
    control="SNS topics are encrypted with a KMS key.",
    fix={
        "terraform": "Set `kms_master_key_id` on the `aws_sns_topic` (your key, or "
        "`alias/aws/sns`).",
        "cloudformation": "Set `KmsMasterKeyId` on the `AWS::SNS::Topic`.",
    },
)
def sns_encrypted(ctx: Context) -> Iterator[Report]:
    """SNS topic is not encrypted with a KMS key.

    What it checks:
        `aws_sns_topic.kms_master_key_id` and `AWS::SNS::Topic` `KmsMasterKeyId`.
        SNS has no default server-side encryption: without a key, messages are
        stored unencrypted until delivered.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Notifications carry alert
        details, order events and personal data.
    References:
        - https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html
    """
    for node in ctx.graph.nodes("AWS::SNS::Topic"):
        key = node.attr(tf="kms_master_key_id", cfn="KmsMasterKeyId")
        if key.unknown:
            if not surely_set(key, ctx.graph):
                yield from ctx.unresolved(node, key)
            continue
        if written(key):
            continue
        name = key.path_str
        shown = "is not set" if key.missing else f"is {describe_value(key.value)}"
        yield ctx.finding(
            node, key, f"{node.address}: `{name}` {shown}; messages are stored unencrypted"
        )
