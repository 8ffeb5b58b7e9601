from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.modules import configured_elsewhere
from soc2lint.views.populations import TRAIL_BUCKETS
from soc2lint.views.s3 import bucket_view

from ._shared import AUDIT_TRAIL, bucket_trails, trail_related


@rule(
    id="LOG004",
    slug="cloudtrail-bucket-versioned",
    severity=Severity.HIGH,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    subjects=TRAIL_BUCKETS,
    control="CloudTrail buckets are versioned.",
    graph=True,
    fix={
        "terraform": 'Add an `aws_s3_bucket_versioning` with `status = "Enabled"` for the '
        "trail's bucket.",
        "cloudformation": "Set `VersioningConfiguration: {Status: Enabled}` on the trail's bucket.",
    },
)
def cloudtrail_bucket_versioned(ctx: Context) -> Iterator[Report]:
    """CloudTrail bucket is not versioned.

    What it checks:
        Follows each trail to its S3 bucket (`s3_bucket_name` / `S3BucketName`
        by reference or by the bucket's name) and reads the bucket's versioning
        wherever it is written (inline `versioning`, `aws_s3_bucket_versioning`,
        `VersioningConfiguration`). Object Lock counts as versioning: S3 turns
        versioning on with it and it cannot be suspended afterwards. A bucket
        that is not in the scanned configuration is unknown (no finding). The
        finding names the bucket, or the versioning resource that suspends it,
        with the trail as a related location.
    Why it matters for SOC 2:
        Without versioning, a deleted or overwritten log file is gone. Checklist
        A (Audit Trail) needs logs that survive mistakes and tampering (CC7.2).
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_versioning
    """
    pairs, unresolved = bucket_trails(ctx)
    yield from unresolved
    for bucket, infos in pairs:
        view = bucket_view(ctx.graph, bucket)
        related = [trail_related(i) for i in infos]
        lock = view.object_lock()
        if lock is not None and lock.enabled is True:
            continue
        settings = view.versioning()
        if any(s.value == "Enabled" for s in settings):
            continue
        if any(not s.known for s in settings) or configured_elsewhere(ctx.graph, bucket):
            yield from ctx.unresolved(bucket, (), "the bucket's versioning")
            continue
        if lock is not None and lock.enabled is None:
            yield from ctx.unresolved(bucket, lock.source.path, "the bucket's Object Lock")
            continue
        trail_names = ", ".join(i.trail.address for i in infos)
        if settings:
            s = settings[0]
            yield ctx.finding(
                s.source.node,
                s.source.path,
                f"{s.source.node.address}: versioning of CloudTrail bucket {bucket.address} "
                f"(trail {trail_names}) is {s.value}",
                related=related,
            )
        else:
            yield ctx.finding(
                bucket,
                (),
                f"{bucket.address}: CloudTrail bucket (trail {trail_names}) has no versioning",
                related=related,
            )
