from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from soc2lint.model import Node, Path, Severity, describe_value
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.settings import S3_PUBLIC_ACCESS_BLOCK
from soc2lint.views.populations import BUCKET
from soc2lint.views.s3 import BucketSetting, account_public_access_block, bucket_views

from ._shared import CHECKLIST, TSC


def _account_block(ctx: Context) -> bool | None:
    """Does the configuration set the account-level block with all four flags?"""
    result: bool | None = False
    for n in account_public_access_block(ctx.graph):
        values = [s.read(n).ok for s in S3_PUBLIC_ACCESS_BLOCK]
        if all(v is True for v in values) and not n.meta.get("count_unknown"):
            return True
        if any(v is None for v in values) or n.meta.get("count_unknown"):
            result = None
    return result


@rule(
    id="NET010",
    slug="s3-public-access-block",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        *BUCKET, "aws_s3_bucket_public_access_block", what="S3 buckets and public access blocks"
    ),
    control="S3 buckets have a public access block with all four settings.",
    graph=True,
    fix={
        "terraform": "Add an `aws_s3_bucket_public_access_block` for the bucket with all four "
        "flags true (or an `aws_s3_account_public_access_block`).",
        "cloudformation": "Set `PublicAccessBlockConfiguration` with `BlockPublicAcls`, "
        "`BlockPublicPolicy`, `IgnorePublicAcls` and `RestrictPublicBuckets` all true.",
    },
)
def s3_public_access_block(ctx: Context) -> Iterator[Report]:
    """S3 bucket has no public access block with all four settings.

    What it checks:
        Every bucket (via the shared S3 view): an
        `aws_s3_bucket_public_access_block` linked by reference or name, or
        CloudFormation `PublicAccessBlockConfiguration`, with
        `block_public_acls`, `block_public_policy`, `ignore_public_acls` and
        `restrict_public_buckets` all true (unset flags are false). A bucket
        with no block at all is named itself; a block with a false flag is
        named at the flag. A block whose bucket is not declared in the scanned
        code (`bucket = var.bucket_id`, the literal name of a bucket made
        elsewhere) is still checked: a false or unset flag is named on the
        block. An `aws_s3_account_public_access_block` with all
        four flags anywhere in the scan covers every bucket. A block resource
        whose bucket cannot be resolved, or unknown flags, are unknown. Since
        April 2023 S3 enables all four settings on new buckets by default; the
        rule still asks for them to be declared (as ENC003 does for default
        encryption): the default is a creation-time setting that anyone with
        `s3:PutBucketPublicAccessBlock` can change, and auditors look for the
        control in code.
    Why it matters for SOC 2:
        Checklist G and CC6.6: the public access block is the guard that keeps
        a later ACL or policy mistake from publishing the bucket's data
        (C1.1).
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
        - https://aws.amazon.com/blogs/aws/heads-up-amazon-s3-security-changes-are-coming-in-april-of-2023/
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_public_access_block
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_account_public_access_block
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-publicaccessblockconfiguration.html
    """
    account = _account_block(ctx)
    if account is True:
        return
    for view in bucket_views(ctx.graph):
        bucket = view.bucket
        settings = view.public_access_block()
        if not settings:
            if account is None:
                yield from ctx.unresolved(bucket, (), "the account-level public access block")
                continue
            what = bucket.spelled(
                tf="aws_s3_bucket_public_access_block", cfn="PublicAccessBlockConfiguration"
            )
            yield ctx.finding(
                bucket,
                (),
                f"{bucket.address}: no public access block ({what}) sets all four flags",
            )
            continue
        decided = _pab_decision(settings)
        if decided is None:
            yield from ctx.unresolved(bucket, (), "the bucket's public access block")
            continue
        if decided is True or account is None:
            continue
        setting, off = decided
        yield _pab_finding(ctx, bucket, setting, off)
    yield from _unattached_blocks(ctx, account)


def _unattached_blocks(ctx: Context, account: bool | None) -> Iterator[Report]:
    """Blocks on a bucket the scan does not declare (``bucket = var.bucket_id``, a literal
    name of a bucket made elsewhere): their own flags are still checkable."""
    attached = {
        cfg.id
        for view in bucket_views(ctx.graph)
        for cfg in view.linked.get("aws_s3_bucket_public_access_block", ())
    }
    for block in ctx.graph.nodes("aws_s3_bucket_public_access_block"):
        if block.id in attached:
            continue
        readings = [(s, s.read(block)) for s in S3_PUBLIC_ACCESS_BLOCK]
        unknown = [r for _, r in readings if r.attr.unknown]
        off = [(s, r) for s, r in readings if r.ok is not True and not r.attr.unknown]
        if not off:
            if unknown:
                yield from ctx.unresolved(block, unknown[0].attr)
            continue
        if account is None:
            yield from ctx.unresolved(block, (), "the account-level public access block")
            continue
        bucket = block.attr("bucket")
        target = (
            f'bucket "{bucket.value}"'
            if bucket.known and isinstance(bucket.value, str)
            else f"bucket {bucket.value.expr or 'an unknown bucket'}"
            if bucket.unknown
            else "its bucket"
        )
        states = ", ".join(
            f"`{r.attr.path[-1]}` {describe_value(r.attr.value) if r.attr.present else 'not set (false)'}"
            for _, r in off
        )
        first = next((r.attr for _, r in off if r.attr.present), None)
        yield ctx.finding(
            block,
            first if first is not None else (),
            f"{block.address}: the public access block of {target} (not declared in the "
            f"scanned code) does not set all four flags ({states})",
        )


def _pab_decision(
    settings: Sequence[BucketSetting],
) -> tuple[BucketSetting, list[str]] | Literal[True] | None:
    """True when a block sets all four flags; the first failing block; None when unknown."""
    failing: list[tuple[BucketSetting, list[str]]] = []
    unknown = False
    for s in settings:
        if not s.known or not isinstance(s.value, dict):
            unknown = True
            continue
        off = [k for k, r in s.value.items() if r.ok is not True and not r.attr.unknown]
        if any(r.attr.unknown for r in s.value.values()):
            unknown = True
            if not off:
                continue
        if not off:
            return True
        failing.append((s, off))
    if failing:
        return failing[0]
    return None if unknown else True


def _pab_finding(ctx: Context, bucket: Node, setting: BucketSetting, off: list[str]) -> Report:
    src = setting.source
    holder = src.node
    flags = [s for s in S3_PUBLIC_ACCESS_BLOCK if s.tf in off]
    attrs = [s.read(holder).attr for s in flags]
    at: Path = attrs[0].path
    states = ", ".join(
        f"`{a.path[-1]}` {describe_value(a.value) if a.present else 'not set (false)'}"
        for a in attrs
    )
    return ctx.finding(
        holder,
        at,
        f"{holder.address}: the public access block of {bucket.address} does not set all "
        f"four flags ({states})",
        related=() if holder is bucket else (RelatedRef(bucket, (), f"bucket {bucket.address}"),),
    )
