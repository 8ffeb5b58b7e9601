from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import S3_BUCKETS
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from ._shared import CHECKLIST


@rule(
    id="BAK005",
    slug="s3-versioning",
    severity=Severity.LOW,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=S3_BUCKETS,
    control="S3 buckets are versioned.",
    graph=True,
    fix={
        "terraform": (
            'Add an `aws_s3_bucket_versioning` for the bucket with `status = "Enabled"`.'
        ),
        "cloudformation": "Set `VersioningConfiguration: {Status: Enabled}` on the bucket.",
    },
)
def s3_versioning(ctx: Context) -> Iterator[Report]:
    """S3 bucket is not versioned.

    What it checks:
        Every bucket must have versioning enabled, wherever it is written: the
        inline `versioning { enabled = true }` block or an `aws_s3_bucket_versioning`
        resource for the bucket (by reference or literal name) in Terraform;
        `VersioningConfiguration.Status: Enabled` in CloudFormation. A bucket
        with no versioning anywhere is reported on the bucket; a `Suspended` (or
        `Disabled`) status on the resource where it is written. A versioning
        resource whose bucket cannot be resolved makes the answer unknown. A
        bucket created with Object Lock enabled (`object_lock_enabled = true`,
        `ObjectLockEnabled: true`) passes: S3 turns versioning on for it and it
        cannot be suspended.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2: versioning keeps every
        overwritten or deleted object recoverable; without it an application
        bug or a compromised credential can destroy data with no way back.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_versioning
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-versioningconfiguration.html
    """
    for view in bucket_views(ctx.graph):
        lock = view.object_lock()
        if lock is not None and lock.enabled is True:
            # S3 enables versioning on a bucket created with Object Lock, and
            # it can no longer be suspended
            continue
        settings = view.versioning()
        if any(s.value == "Enabled" for s in settings):
            continue
        if lock is not None and lock.enabled is None and not settings:
            yield from ctx.unresolved(view.bucket, lock.source.path, "the bucket's Object Lock")
            continue
        undecided = [s for s in settings if not s.known]
        if undecided:
            s0 = undecided[0]
            if s0.value is UNKNOWN_SETTING:
                yield from ctx.unresolved(
                    view.bucket, (), "versioning (a versioning resource's bucket is unknown)"
                )
            else:
                yield from ctx.unresolved(s0.source.node, s0.source.attr)
            continue
        b = view.bucket
        if not settings:
            yield ctx.finding(
                b, (), f"{b.address}: versioning is not enabled anywhere for this bucket"
            )
            continue
        s = settings[0]
        node = s.source.node
        where = "" if node.id == b.id else f" for bucket {b.address}"
        yield ctx.finding(
            node,
            s.source.path,
            f"{node.address}: bucket versioning is {describe_value(s.value)}{where}",
            related=[b] if node.id != b.id else [],
        )
