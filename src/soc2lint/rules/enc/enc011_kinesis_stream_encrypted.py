from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.encryption import lower

from ._shared import CHECKLIST, TSC


@rule(
    id="ENC011",
    slug="kinesis-stream-encrypted",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::Kinesis::Stream", what="Kinesis data streams"),
    control="Kinesis data streams are encrypted with KMS.",
    fix={
        "terraform": 'Set `encryption_type = "KMS"` and `kms_key_id` (your key or '
        "`alias/aws/kinesis`) on the `aws_kinesis_stream`.",
        "cloudformation": "Add `StreamEncryption: {EncryptionType: KMS, KeyId: ...}` to the "
        "`AWS::Kinesis::Stream`.",
    },
)
def kinesis_stream_encrypted(ctx: Context) -> Iterator[Report]:
    """Kinesis data stream is not encrypted with KMS.

    What it checks:
        `aws_kinesis_stream.encryption_type` (default `NONE`) must be `KMS`;
        `AWS::Kinesis::Stream` must have `StreamEncryption` with
        `EncryptionType: KMS`.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Records stay in the stream for
        the retention period (up to a year) and are unencrypted at rest without
        server-side encryption.
    References:
        - https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kinesis_stream
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html
    """
    for node in ctx.graph.nodes("AWS::Kinesis::Stream"):
        if node.language == "terraform":
            a = node.attr("encryption_type")
            value = lower(a, "none")
        else:
            se = node.attr("StreamEncryption")
            if se.missing:
                yield ctx.finding(
                    node,
                    se,
                    f"{node.address}: `StreamEncryption` is not set; records are stored "
                    "unencrypted",
                )
                continue
            a = se if se.unknown else se.child("EncryptionType")
            value = lower(a, "none")
        if value is None:
            yield from ctx.unresolved(node, a)
        elif value != "kms":
            shown = "is not set (default NONE)" if a.missing else f"is {describe_value(a.value)}"
            yield ctx.finding(
                node,
                a,
                f"{node.address}: `{a.path_str or 'encryption_type'}` {shown}; expected KMS",
            )
