"""A test rule pack (loaded with --rules-dir): SQS queues with encryption switched off."""

from soc2lint.model import Severity
from soc2lint.rule import Examples, bad, good, rule


@rule(
    id="TST201",
    slug="test-queue-sse-off",
    severity=Severity.MEDIUM,
    tsc=("CC6.1",),
    checklist="B. Data at Rest",
    fix={"cloudformation": "Set SqsManagedSseEnabled: true."},
    cloudformation=Examples(
        good=[good("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")],
        bad=[
            bad(
                "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                "      SqsManagedSseEnabled: false\n",
                address="Q",
                line=5,
            )
        ],
    ),
)
def queue_sse_off(ctx):  # type: ignore[no-untyped-def]
    """SQS queue encryption is switched off.

    What it checks:
        SqsManagedSseEnabled false.
    Why it matters for SOC 2:
        CC6.1.
    References:
        - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
    """
    for q in ctx.graph.nodes("AWS::SQS::Queue"):
        a = q.attr(cfn="SqsManagedSseEnabled")
        if a.as_bool() is False:
            yield ctx.finding(q, a, f"{q.address}: `SqsManagedSseEnabled` is false")


RULES = [queue_sse_off]
