from __future__ import annotations

from collections.abc import Iterator

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Path, Severity, Unknown
from soc2lint.rule import Context, RelatedRef, Report, from_view, rule
from soc2lint.views.populations import bucket_policy_writers
from soc2lint.views.s3 import bucket_views

from .._common import (
    actions_text,
    holder_note,
    label,
    public_allows,
    public_condition_note,
    related_holder,
    unresolved_document,
    unresolved_public,
)

BUCKET = "AWS::S3::Bucket"


BUCKET_POLICY_HOLDERS = (BUCKET, "AWS::S3::BucketPolicy")


S3_ACL = "aws_s3_bucket_acl"


#: canned ACLs that open a bucket: Terraform spelling -> CloudFormation spelling
PUBLIC_ACLS = {
    "public-read": "PublicRead",
    "public-read-write": "PublicReadWrite",
    "authenticated-read": "AuthenticatedRead",
}


_PUBLIC_ACL_NAMES = {k.lower() for k in PUBLIC_ACLS} | {v.lower() for v in PUBLIC_ACLS.values()}


def _config_buckets(graph: ResourceGraph) -> dict[str, list[Node]]:
    """Bucket-configuration node id (ACL, policy...) -> the buckets it is linked to."""
    out: dict[str, list[Node]] = {}
    for v in bucket_views(graph):
        for configs in v.linked.values():
            for c in configs:
                out.setdefault(c.id, []).append(v.bucket)
    return out


def _bucket_of(ctx: Context, node: Node) -> list[Node]:
    """Buckets a bucket-configuration node (ACL, policy) is linked to."""
    index: dict[str, list[Node]] = ctx.graph.view("s3.config_buckets", _config_buckets)
    return index.get(node.id, [])


@rule(
    id="NET011",
    slug="s3-public-bucket",
    severity=Severity.CRITICAL,
    tsc=("CC6.6", "CC6.1"),
    checklist="G. Network Isolation",
    subjects=from_view(
        bucket_policy_writers,
        kinds=(BUCKET, "AWS::S3::BucketPolicy", "aws_s3_bucket_acl"),
        what="S3 buckets, bucket policies and ACLs",
    ),
    control="S3 buckets are not public through ACLs or bucket policies.",
    graph=True,
    fix={
        "terraform": "Set the ACL to `private` (or drop it: buckets own their objects by "
        'default) and remove the `Principal = "*"` statement or add a `Condition`; serve '
        "public content through CloudFront with origin access control.",
        "cloudformation": "Remove `AccessControl: PublicRead` (or use `Private`) and the "
        '`Principal: "*"` statement of the `AWS::S3::BucketPolicy`, or add a `Condition`.',
    },
)
def s3_public_bucket(ctx: Context) -> Iterator[Report]:
    """An S3 bucket is public through its ACL or its bucket policy.

    What it checks:
        Canned ACLs that open a bucket (`public-read`, `public-read-write`,
        `authenticated-read`; CloudFormation `PublicRead`, `PublicReadWrite`,
        `AuthenticatedRead`) written inline (`acl`, `AccessControl`) or in an
        `aws_s3_bucket_acl`; ACL grants to the `AllUsers` or
        `AuthenticatedUsers` group (`access_control_policy` of an
        `aws_s3_bucket_acl`, inline `grant` of an `aws_s3_bucket`), reported at
        the grant; and bucket policies (inline `policy`,
        `aws_s3_bucket_policy`, `AWS::S3::BucketPolicy`, or the `data
        "aws_iam_policy_document"` they use) with an `Allow` statement to
        principal `*`/`{"AWS": "*"}` that no condition restricts to fixed
        values of `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`,
        `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp` (not a public-wide
        range: wider than /8 for IPv4, /16 for IPv6), `aws:PrincipalOrgID`,
        `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:userid`,
        `kms:CallerAccount`, `s3:DataAccessPointArn` or
        `s3:DataAccessPointAccount` (S3's "meaning of public"; a fixed value
        has no wildcard and no policy variable; `...IfExists` and negated
        operators do not restrict). A condition on `aws:SecureTransport`,
        `aws:Referer`, `aws:CurrentTime` or `s3:prefix` alone leaves the
        statement public. KEY002 and IAM008 share this decision. The finding names the
        resource holding the value (the ACL resource, the bucket policy, the
        data source, or the bucket for inline settings). As RULES.md says, the
        public access block is not consulted here (NET010 checks it).
    Why it matters for SOC 2:
        Anyone on the internet can read (or write) the bucket's objects:
        checklist G asks that data stores are not reachable from outside
        (TSC CC6.6, CC6.1).
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_acl
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html
    """
    # ACLs: inline on buckets, and every aws_s3_bucket_acl (public whichever bucket it names)
    for bucket in ctx.graph.nodes(BUCKET):
        a = bucket.attr(tf="acl", cfn="AccessControl")
        yield from _check_acl(ctx, bucket, a.path, a.value, [])
        if bucket.language == "terraform":
            yield from _check_grants(ctx, bucket, bucket.attrs_at("grant[].uri"), [])
    for acl in ctx.graph.nodes(S3_ACL):
        a = acl.attr("acl")
        related = [RelatedRef(b, (), "the bucket") for b in _bucket_of(ctx, acl)]
        yield from _check_acl(ctx, acl, a.path, a.value, related)
        uris = acl.attrs_at("access_control_policy[].grant[].grantee[].uri")
        yield from _check_grants(ctx, acl, uris, related)
    for doc, stmt, unresolved in public_allows(ctx, BUCKET_POLICY_HOLDERS):
        if stmt is None:
            yield from unresolved_document(ctx, doc)
            continue
        if unresolved:
            yield from unresolved_public(ctx, stmt)
            continue
        holder = doc.holder
        buckets = [holder] if holder.kind == BUCKET else _bucket_of(ctx, holder)
        related = related_holder(doc, stmt) + [
            RelatedRef(b, (), "the bucket") for b in buckets if b.id != stmt.node.id
        ]
        on = (
            f" on {', '.join(b.address for b in buckets)}"
            if buckets and holder.kind != BUCKET
            else ""
        )
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: bucket policy {label(stmt)} allows principal `*` "
            f"({actions_text(stmt)}) {public_condition_note(stmt)}{on}{holder_note(doc, stmt)}",
            related=related,
        )


#: the ACL grantee groups that make a bucket public (any AWS account for the second)
_PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/allusers": "everyone",
    "http://acs.amazonaws.com/groups/global/authenticatedusers": "any AWS account",
}


def _check_grants(
    ctx: Context, node: Node, uris: list[Attr], related: list[RelatedRef]
) -> Iterator[Report]:
    """ACL grants (inline `grant`, `access_control_policy`) to the AllUsers/AuthenticatedUsers groups."""
    for a in uris:
        if a.missing:
            continue
        if a.unknown:
            yield from ctx.unresolved(node, a)
            continue
        if not isinstance(a.value, str):
            continue
        who = _PUBLIC_GRANTEES.get(a.value.strip().lower().replace("https://", "http://"))
        if who is None:
            continue
        # the grant block: access_control_policy[i].grant[j], or the inline grant[i]
        grant = a.path[:4] if a.path[:1] == ("access_control_policy",) else a.path[:2]
        yield ctx.finding(
            node,
            grant,
            f"{node.address}: the bucket ACL grants {a.value.rsplit('/', 1)[-1]} "
            f"(access for {who})",
            related=related,
        )


def _check_acl(
    ctx: Context, node: Node, path: Path, value: object, related: list[RelatedRef]
) -> Iterator[Report]:
    if value is None or (isinstance(value, str) is False and not isinstance(value, Unknown)):
        return
    if isinstance(value, Unknown):
        yield from ctx.unresolved(node, path)
        return
    assert isinstance(value, str)
    if value.strip().lower() not in _PUBLIC_ACL_NAMES:
        return
    yield ctx.finding(
        node,
        path,
        f'{node.address}: the bucket ACL is "{value}", which grants access to '
        + ("any AWS account" if "authenticated" in value.lower() else "everyone"),
        related=related,
    )
