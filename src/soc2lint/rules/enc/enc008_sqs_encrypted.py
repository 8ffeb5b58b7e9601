from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import SQS_MANAGED_SSE
from soc2lint.views.encryption import written

from ._shared import CHECKLIST, TSC


@rule(
    id="ENC008",
    slug="sqs-encrypted",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::SQS::Queue", what="SQS queues"),
    control="SQS queues keep server-side encryption on.",
    fix={
        "terraform": "Remove `sqs_managed_sse_enabled = false`, or set `kms_master_key_id`.",
        "cloudformation": "Remove `SqsManagedSseEnabled: false`, or set `KmsMasterKeyId`.",
    },
)
def sqs_encrypted(ctx: Context) -> Iterator[Report]:
    """SQS queue has server-side encryption explicitly turned off.

    What it checks:
        `aws_sqs_queue` with `sqs_managed_sse_enabled = false` and no
        `kms_master_key_id`; `AWS::SQS::Queue` with `SqsManagedSseEnabled: false`
        and no `KmsMasterKeyId`. Queues encrypt messages with SSE-SQS by default
        (since 2022 for new queues), so only an explicit opt-out fails.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Messages often carry personal
        data between services and sit in the queue for up to 14 days.
    References:
        - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
    """
    for node in ctx.graph.nodes("AWS::SQS::Queue"):
        key = node.attr(tf="kms_master_key_id", cfn="KmsMasterKeyId")
        if written(key) or key.unknown:
            continue
        yield from ctx.require(
            node,
            SQS_MANAGED_SSE,
            f"{{address}}: {{problem}} and no `{key.path_str}` is set; messages are stored "
            "unencrypted",
        )
