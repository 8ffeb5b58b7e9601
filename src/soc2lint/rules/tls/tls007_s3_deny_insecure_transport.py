from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.policy import denies_when_false, documents_of
from soc2lint.views.populations import BUCKET
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views


@rule(
    id="TLS007",
    slug="s3-deny-insecure-transport",
    severity=Severity.MEDIUM,
    tsc=("CC6.7",),
    checklist="B. Data in Transit",
    subjects=of_kinds(*BUCKET, "AWS::S3::BucketPolicy", what="S3 buckets and bucket policies"),
    control="S3 buckets refuse requests over plain HTTP.",
    graph=True,
    fix={
        "terraform": 'Add a bucket policy statement: `effect = "Deny"`, principals `*`, '
        "actions `s3:*`, resources the bucket and `bucket/*`, condition `Bool` "
        "`aws:SecureTransport` = `false`.",
        "cloudformation": "Add to the `AWS::S3::BucketPolicy` a `Deny` statement for principal "
        '`*`, `s3:*`, with `Condition: {Bool: {aws:SecureTransport: "false"}}`.',
    },
)
def s3_deny_insecure_transport(ctx: Context) -> Iterator[Report]:
    """An S3 bucket accepts requests over plain HTTP.

    What it checks:
        Every bucket for a bucket policy (inline `policy`, `aws_s3_bucket_policy`,
        `AWS::S3::BucketPolicy`, matched by reference or by bucket name; the
        `data "aws_iam_policy_document"` it uses included) with a `Deny`
        statement conditioned on `aws:SecureTransport` being false (`Bool` or
        `BoolIfExists`). An `Allow` conditioned on `aws:SecureTransport = true`
        does not deny plain HTTP. A policy that cannot be resolved, or a
        bucket policy resource that cannot be attributed to a bucket, makes
        the answer unknown. The finding names the bucket.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" requires TLS for data in transit
        (TSC CC6.7); S3 accepts HTTP unless a bucket policy denies it.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
        - https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucketpolicy.html
    """
    for view in bucket_views(ctx.graph):
        bucket = view.bucket
        settings = view.policies()
        if any(s.value is UNKNOWN_SETTING for s in settings):
            yield from ctx.unresolved(bucket, (), "the bucket policy (not attributable)")
            continue
        verdict: bool | None = False
        holders: list[Node] = []
        for setting in settings:
            node = setting.source.node
            holders.append(node)
            docs = [
                d
                for d in documents_of(ctx.graph, node)
                if d.purpose == "resource" and d.holder.id == node.id
            ]
            if not docs:
                verdict = None
            for doc in docs:
                if doc.unknown is not None:
                    verdict = None if verdict is not True else verdict
                    continue
                for stmt in doc.statements:
                    v = denies_when_false(stmt, "aws:SecureTransport")
                    if v is True:
                        verdict = True
                    elif v is None and verdict is False:
                        verdict = None
        if verdict is True:
            continue
        if verdict is None:
            yield from ctx.unresolved(bucket, (), "the bucket policy")
            continue
        if holders:
            names = ", ".join(dict.fromkeys(h.address for h in holders if h.id != bucket.id))
            where = f"its bucket policy ({names or 'inline'})"
            msg = f"{bucket.address}: {where} does not deny requests without TLS (aws:SecureTransport = false)"
        else:
            msg = (
                f"{bucket.address}: no bucket policy denies requests without TLS "
                "(aws:SecureTransport = false)"
            )
        yield ctx.finding(
            bucket,
            (),
            msg,
            related=[RelatedRef(h, (), "bucket policy") for h in holders if h.id != bucket.id],
        )
