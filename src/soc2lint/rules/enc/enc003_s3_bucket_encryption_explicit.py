from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import S3_BUCKETS
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from ._shared import CHECKLIST, TSC


@rule(
    id="ENC003",
    slug="s3-bucket-encryption-explicit",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=S3_BUCKETS,
    control="S3 buckets declare default encryption.",
    graph=True,
    fix={
        "terraform": "Add an `aws_s3_bucket_server_side_encryption_configuration` for the bucket "
        '(`sse_algorithm = "aws:kms"` with your key, or `"AES256"`).',
        "cloudformation": "Add `BucketEncryption.ServerSideEncryptionConfiguration` with "
        "`ServerSideEncryptionByDefault` to the bucket.",
    },
)
def s3_bucket_encryption_explicit(ctx: Context) -> Iterator[Report]:
    """S3 bucket declares no default encryption.

    What it checks:
        Every `aws_s3_bucket` / `AWS::S3::Bucket` must declare default server-side
        encryption: the inline `server_side_encryption_configuration` block, an
        `aws_s3_bucket_server_side_encryption_configuration` for it (matched by
        reference or by the bucket's name), or CloudFormation `BucketEncryption`.
        When a separate encryption resource cannot be attributed to a bucket (its
        `bucket` is unknown) the buckets of that root are not reported.
    Why it matters for SOC 2:
        Low severity: since 5 January 2023 S3 applies SSE-S3 to every new object
        when nothing is declared, so data is encrypted. The checklist (B "Data at
        Rest") and auditors under CC6.1 and C1.1 still expect the control to be
        declared, reviewable and tied to a chosen key.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_server_side_encryption_configuration
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-bucketencryption.html
    """
    for view in bucket_views(ctx.graph):
        settings = view.encryption()
        if settings:
            if any(s.value is UNKNOWN_SETTING for s in settings):
                yield from ctx.unresolved(view.bucket, (), "its default encryption")
            continue
        b = view.bucket
        name = "server_side_encryption_configuration" if view.is_terraform else "BucketEncryption"
        yield ctx.finding(
            b,
            (),
            f"{b.address}: no default encryption is declared ({name} or an encryption "
            "configuration resource); S3 has applied SSE-S3 to new objects by default since "
            "January 2023, but the control should be declared with the key you choose",
        )
