from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.logging import BUCKET, log_destinations
from soc2lint.views.modules import configured_elsewhere
from soc2lint.views.populations import S3_BUCKETS
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_view

from ._shared import MONITORING


@rule(
    id="LOG011",
    slug="s3-access-logging",
    severity=Severity.LOW,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=S3_BUCKETS,
    control="S3 buckets have server access logging.",
    graph=True,
    fix={
        "terraform": "Add an `aws_s3_bucket_logging` for the bucket with a `target_bucket`.",
        "cloudformation": "Add `LoggingConfiguration: {DestinationBucketName: ...}` to the bucket.",
    },
)
def s3_access_logging(ctx: Context) -> Iterator[Report]:
    """S3 bucket has no server access logging.

    What it checks:
        Every bucket needs server access logging, wherever it is written
        (inline `logging`, `aws_s3_bucket_logging`, CloudFormation
        `LoggingConfiguration`). Buckets that are themselves log destinations
        are exempt: the target of another bucket's access logging, a load
        balancer's access or connection log bucket, CloudFront's logging
        bucket (`name.s3.amazonaws.com`), a flow log's, Redshift's, EMR's,
        MSK's or Network Firewall's log bucket, a CloudWatch Logs delivery
        destination, and WAF's `aws-waf-logs-*` buckets. A CloudTrail bucket is
        still checked: S3 access logs are what show who read the audit trail.
        A logging resource or log delivery whose bucket cannot be resolved
        makes every bucket of its root unknown.
    Why it matters for SOC 2:
        Server access logs record every request to the bucket's data (checklist
        C, CC7.2); CloudTrail records object-level access only with data events.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_logging
    """
    destinations = log_destinations(ctx.graph)
    for bucket in ctx.graph.nodes(BUCKET):
        settings = bucket_view(ctx.graph, bucket).logging()
        if any(s.value is not UNKNOWN_SETTING for s in settings):
            continue
        if settings or configured_elsewhere(ctx.graph, bucket):
            yield from ctx.unresolved(bucket, (), "the bucket's access logging")
            continue
        dest = destinations.is_destination(bucket)
        if dest is True:
            continue
        if dest is None:
            yield from ctx.unresolved(bucket, (), "whether the bucket is a log destination")
            continue
        yield ctx.finding(bucket, (), f"{bucket.address}: server access logging is not enabled")
