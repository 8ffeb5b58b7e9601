from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.logging import bucket_retention
from soc2lint.views.modules import configured_elsewhere
from soc2lint.views.populations import TRAIL_BUCKETS

from ._shared import AUDIT_TRAIL, bucket_trails, trail_related


@rule(
    id="LOG005",
    slug="cloudtrail-bucket-locked",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    subjects=TRAIL_BUCKETS,
    control="CloudTrail buckets lock or keep their logs long enough.",
    graph=True,
    options=("log_retention_days",),
    fix={
        "terraform": "Give the trail's bucket an `aws_s3_bucket_object_lock_configuration` "
        "with a default retention of at least `log_retention_days`, or an "
        "`aws_s3_bucket_lifecycle_configuration` that expires nothing sooner.",
        "cloudformation": "Give the trail's bucket `ObjectLockEnabled: true` with "
        "`ObjectLockConfiguration.Rule.DefaultRetention` of at least `log_retention_days`, "
        "or a `LifecycleConfiguration` that expires nothing sooner.",
    },
)
def cloudtrail_bucket_locked(ctx: Context) -> Iterator[Report]:
    """CloudTrail bucket neither locks nor keeps its logs long enough.

    What it checks:
        Follows each trail to its bucket and passes when the bucket has S3
        Object Lock with a default retention of at least `log_retention_days`
        (default 90; years count as 365 days), or a lifecycle configuration
        that expires nothing sooner. "Expires" means the expiration of current
        objects (`expiration` / `ExpirationInDays` / an expiration date) in an
        enabled rule that reaches the trail's log files (`[s3_key_prefix/]AWSLogs/`):
        a rule limited to another prefix, or to tagged objects, does not.
        Expiring noncurrent versions is not counted: CloudTrail never
        overwrites a log file, so noncurrent versions only exist after a
        deletion. A bucket with neither fails; a bucket outside the configuration
        is unknown. The finding names the resource that holds the short
        expiration (the lifecycle configuration) when there is one, otherwise
        the trail's bucket.
    Why it matters for SOC 2:
        A Type II audit samples evidence from the whole observation period;
        logs must be kept at least that long and protected from early deletion
        (checklist A, CC7.2).
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_object_lock_configuration
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_lifecycle_configuration
    """
    threshold = int(ctx.option("log_retention_days"))
    pairs, unresolved = bucket_trails(ctx)
    yield from unresolved
    for bucket, infos in pairs:
        if configured_elsewhere(ctx.graph, bucket):
            yield from ctx.unresolved(bucket, (), "the bucket's retention")
            continue
        verdicts = [
            bucket_retention(ctx.graph, bucket, threshold, i.log_key_prefix, require_declared=True)
            for i in infos
        ]
        failed = [v for v in verdicts if v.status == "fail"]
        if not failed:
            if any(v.status == "unknown" for v in verdicts):
                yield from ctx.unresolved(bucket, (), "the bucket's retention")
            continue
        v = failed[0]
        node, path = (v.source.node, v.source.path) if v.source else (bucket, ())
        trail_names = ", ".join(i.trail.address for i in infos)
        where = "" if node is bucket else f" {bucket.address}"
        yield ctx.finding(
            node,
            path,
            f"{node.address}: CloudTrail bucket{where} (trail {trail_names}) keeps logs less "
            f"than {threshold} days: {v.detail}",
            related=[trail_related(i) for i in infos],
        )
